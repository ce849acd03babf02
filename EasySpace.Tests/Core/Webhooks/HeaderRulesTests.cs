using System.Globalization;
using EasySpace.Core.Webhooks;

namespace EasySpace.Tests.Core.Webhooks;

public class HeaderRulesTests
{
    [Theory]
    [InlineData("an API key header", "X-Api-Key", "s3cr3t")]
    [InlineData("Authorization with a bearer token", "Authorization", "Bearer abc.def.ghi")]
    [InlineData("every tchar in the name", "!#$%&'*+-.^_`|~Az09", "1")]
    [InlineData("an empty value", "X-Flag", "")]
    [InlineData("a tab inside the value", "X-List", "a\tb")]
    [InlineData("a name that only starts like webhook-", "Webhooks", "1")]
    [InlineData("a name that only contains EasySpace", "X-From-EasySpace", "1")]
    public void Headers_a_receiver_can_use_are_accepted(string tried, string name, string value)
    {
        var problems = HeaderRules.Problems([new(name, value)]);

        Assert.True(problems.Count == 0, $"{tried}: {string.Join(" ", problems)}");
    }

    [Fact]
    public void No_headers_at_all_is_fine()
    {
        Assert.Empty(HeaderRules.Problems([]));
    }

    [Theory]
    [InlineData("an empty name", "", "1", "Every custom header needs a name.")]
    [InlineData("a space in the name", "Bad Name", "1", "\"Bad Name\" is not a valid header name. Use letters, digits and hyphens, without spaces or colons, e.g. X-Api-Key.")]
    [InlineData("a colon in the name", "X-Key:", "1", "\"X-Key:\" is not a valid header name. Use letters, digits and hyphens, without spaces or colons, e.g. X-Api-Key.")]
    [InlineData("a line break in the name", "X-A\r\nHost", "1", "\"X-A??Host\" is not a valid header name. Use letters, digits and hyphens, without spaces or colons, e.g. X-Api-Key.")]
    [InlineData("a non-ASCII name", "X-Schlüssel", "1", "\"X-Schlüssel\" is not a valid header name. Use letters, digits and hyphens, without spaces or colons, e.g. X-Api-Key.")]
    [InlineData("CR LF in the value (header injection)", "X-Api-Key", "abc\r\nHost: evil.example", "The value of X-Api-Key cannot contain line breaks or NUL characters.")]
    [InlineData("a lone LF in the value", "X-Api-Key", "abc\ndef", "The value of X-Api-Key cannot contain line breaks or NUL characters.")]
    [InlineData("NUL in the value", "X-Api-Key", "abc\0", "The value of X-Api-Key cannot contain line breaks or NUL characters.")]
    [InlineData("another control character in the value", "X-Api-Key", "abc\u0007", "The value of X-Api-Key cannot contain control characters.")]
    [InlineData("non-ASCII in the value", "X-Greeting", "Grüße", "The value of X-Greeting can contain only ASCII characters (no accents, emoji or other scripts).")]
    [InlineData("Host", "Host", "evil.example", "Host is set by EasySpace and cannot be overridden.")]
    [InlineData("content-type in lower case", "content-type", "text/plain", "content-type is set by EasySpace and cannot be overridden.")]
    [InlineData("Content-Length", "Content-Length", "0", "Content-Length is set by EasySpace and cannot be overridden.")]
    [InlineData("Transfer-Encoding", "Transfer-Encoding", "chunked", "Transfer-Encoding is set by EasySpace and cannot be overridden.")]
    [InlineData("Connection", "CONNECTION", "close", "CONNECTION is set by EasySpace and cannot be overridden.")]
    [InlineData("a Standard Webhooks signature", "Webhook-Signature", "v1,abc", "Webhook-Signature is set by EasySpace and cannot be overridden.")]
    [InlineData("any webhook- header", "webhook-anything", "1", "webhook-anything is set by EasySpace and cannot be overridden.")]
    [InlineData("an EasySpace header", "X-EasySpace-Attempt", "1", "X-EasySpace-Attempt is set by EasySpace and cannot be overridden.")]
    [InlineData("an EasySpace header in odd case", "x-easyspace-event", "booking.created", "x-easyspace-event is set by EasySpace and cannot be overridden.")]
    public void A_header_that_cannot_be_sent_is_refused_naming_the_header(string tried, string name, string value, string problem)
    {
        var problems = HeaderRules.Problems([new(name, value)]);

        Assert.True(problems.SequenceEqual([problem]), $"{tried}: got {string.Join(" | ", problems)}");
    }

    [Theory]
    [InlineData("the same spelling", "X-Api-Key", "X-Api-Key")]
    [InlineData("a different case", "X-Api-Key", "x-api-key")]
    public void A_header_listed_twice_is_refused_once(string tried, string first, string second)
    {
        var problems = HeaderRules.Problems([new(first, "1"), new(second, "2"), new(first, "3")]);

        Assert.True(problems.SequenceEqual([$"{second} is listed more than once. Give each header one value."]), $"{tried}: got {string.Join(" | ", problems)}");
    }

    [Theory]
    [InlineData(20, true)]
    [InlineData(21, false)]
    public void At_most_20_headers_are_allowed(int count, bool accepted)
    {
        var headers = Enumerable.Range(1, count).Select(i => new KeyValuePair<string, string>($"X-Header-{i}", "1")).ToList();

        var problems = HeaderRules.Problems(headers);

        if (accepted) Assert.Empty(problems);
        else Assert.Equal(["An endpoint can have at most 20 custom headers; this one has 21."], problems);
    }

    [Theory]
    [InlineData("exactly 8 KB over two headers", 4096 - 5, 4096 - 5, true)]
    [InlineData("one byte over 8 KB", 4096 - 5, 4096 - 4, false)]
    [InlineData("one 9 KB value", 9 * 1024, 0, false)]
    public void Headers_can_take_at_most_8_KB_in_all(string tried, int firstValueLength, int secondValueLength, bool accepted)
    {
        // The names X-One and X-Two are 5 bytes each.
        var headers = new List<KeyValuePair<string, string>> { new("X-One", new string('a', firstValueLength)) };
        if (secondValueLength > 0) headers.Add(new("X-Two", new string('b', secondValueLength)));
        var total = headers.Sum(h => h.Key.Length + h.Value.Length);

        var problems = HeaderRules.Problems(headers);

        if (accepted) Assert.True(problems.Count == 0, $"{tried}: {string.Join(" ", problems)}");
        else Assert.True(problems.SequenceEqual([$"Custom headers can take at most 8 KB in all (names and values together); these take {total.ToString("N0", CultureInfo.InvariantCulture)} bytes."]),
            $"{tried}: got {string.Join(" | ", problems)}");
    }

    [Fact]
    public void Every_problem_is_reported_at_once_so_the_form_can_show_them_together()
    {
        var problems = HeaderRules.Problems([new("Bad Name", "1"), new("Host", "x"), new("X-Ok", "a\r\nb")]);

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("Bad Name"));
        Assert.Contains(problems, p => p.StartsWith("Host ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("X-Ok"));
    }
}
