using EasySpace.Core.Events;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EasySpace.Core.Webhooks;

namespace EasySpace.Tests.Core.Webhooks;

public class SignerTests
{
    // The example in the Standard Webhooks specification (spec/standard-webhooks.md, "Signature scheme").
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecMessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = """{"test": 2432232314}""";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void A_new_secret_is_whsec_and_base64_of_32_random_bytes()
    {
        var secret = Signer.NewSecret();

        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.Null(Signer.SecretProblem(secret));
    }

    [Fact]
    public void Two_new_secrets_are_never_the_same()
    {
        Assert.NotEqual(Signer.NewSecret(), Signer.NewSecret());
    }

    public static TheoryData<string?, string> SecretsThatCannotWork => new()
    {
        { null, "Enter a secret: whsec_ followed by base64." },
        { "", "Enter a secret: whsec_ followed by base64." },
        { "   ", "Enter a secret: whsec_ followed by base64." },
        { "whsec_", "A secret starts with whsec_ followed by base64." },
        { Base64Of(32), "A secret starts with whsec_ followed by base64." },
        { "WHSEC_" + Base64Of(32), "A secret starts with whsec_ followed by base64." },
        { "whsec_not base64 at all!", "A secret starts with whsec_ followed by base64." },
        { "whsec_" + Base64Of(32).TrimEnd('='), "A secret starts with whsec_ followed by base64." },
        { "whsec_" + Convert.ToBase64String(Enumerable.Repeat((byte)0xFF, 33).ToArray()).Replace('/', '_'), "A secret starts with whsec_ followed by base64." }, // base64url
        { " whsec_" + Base64Of(32), "A secret starts with whsec_ followed by base64." },
        { "whsec_" + Base64Of(32) + "\n", "A secret starts with whsec_ followed by base64." },
        { "whsec_" + Base64Of(16), "A secret must decode to 24 to 64 bytes." },
        { "whsec_" + Base64Of(23), "A secret must decode to 24 to 64 bytes." },
        { "whsec_" + Base64Of(65), "A secret must decode to 24 to 64 bytes." },
    };

    [Theory]
    [MemberData(nameof(SecretsThatCannotWork))]
    public void A_typed_secret_that_cannot_work_is_refused_with_a_reason(string? secret, string reason)
    {
        Assert.Equal(reason, Signer.SecretProblem(secret));
    }

    [Theory]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(64)]
    public void A_typed_secret_of_24_to_64_bytes_is_accepted_and_its_bytes_are_the_key(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        var secret = "whsec_" + Convert.ToBase64String(bytes);

        Assert.Null(Signer.SecretProblem(secret));
        Assert.Equal(bytes, Signer.KeyOf(secret));
    }

    [Fact]
    public void The_specification_example_secret_is_accepted()
    {
        Assert.Null(Signer.SecretProblem(SpecSecret));
        Assert.Equal(24, Signer.KeyOf(SpecSecret).Length);
    }

    [Fact]
    public void An_invalid_secret_has_no_key_and_says_why()
    {
        var error = Assert.Throws<ArgumentException>(() => Signer.KeyOf("whsec_" + Base64Of(16)));

        Assert.StartsWith("A secret must decode to 24 to 64 bytes.", error.Message);
    }

    [Fact]
    public void Signing_with_an_invalid_secret_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Signer.Sign("not-a-secret", "msg_1", 1, "{}"u8));
        Assert.Throws<ArgumentException>(() => Signer.SignatureHeader(Signer.NewSecret(), "whsec_short", "msg_1", 1, "{}"u8));
    }

    [Fact]
    public void A_message_id_is_msg_and_27_ascii_letters_or_digits()
    {
        Assert.Matches(new Regex("^msg_[A-Za-z0-9]{27}$"), MessageIds.New());
    }

    [Fact]
    public void Message_ids_sort_by_when_they_were_made_so_the_delivery_index_grows_at_its_end()
    {
        var start = DateTimeOffset.Parse("2026-11-23T10:00:00Z");
        var ids = Enumerable.Range(0, 50).Select(i => MessageIds.New(start.AddMilliseconds(i * 37))).ToList();
        Assert.Equal(ids, ids.OrderBy(id => id, StringComparer.Ordinal));
        // Far apart too: the year 2400 after 2026, in the characters' ordinal order.
        Assert.True(string.CompareOrdinal(MessageIds.New(start), MessageIds.New(start.AddYears(374))) < 0);
        Assert.Matches(new Regex("^msg_[A-Za-z0-9]{27}$"), MessageIds.New(start.AddYears(374)));
    }

    [Fact]
    public void Message_ids_do_not_repeat()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => MessageIds.New()).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void The_signature_of_the_specification_example_is_the_published_one()
    {
        var signature = Signer.Sign(SpecSecret, SpecMessageId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecBody));

        Assert.Equal(SpecSignature, signature);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    [InlineData(5_000)]      // past the stack buffer: the pooled path
    [InlineData(1_000_000)]
    public void The_signature_is_the_HMAC_SHA256_of_id_timestamp_and_body_under_the_decoded_secret(int bodyLength)
    {
        var secret = Signer.NewSecret();
        var body = RandomNumberGenerator.GetBytes(bodyLength);
        const long timestamp = 1_750_000_000;

        var expected = Independently(secret, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", timestamp, body);

        Assert.Equal(expected, Signer.Sign(secret, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", timestamp, body));
    }

    [Fact]
    public void Changing_one_byte_of_the_body_changes_the_signature()
    {
        var secret = Signer.NewSecret();
        var body = Encoding.UTF8.GetBytes(SpecBody);
        var altered = (byte[])body.Clone();
        altered[^2] ^= 1;

        Assert.NotEqual(Signer.Sign(secret, SpecMessageId, SpecTimestamp, body), Signer.Sign(secret, SpecMessageId, SpecTimestamp, altered));
    }

    [Fact]
    public void Outside_a_rotation_the_header_carries_one_signature()
    {
        var secret = Signer.NewSecret();
        var body = Encoding.UTF8.GetBytes(SpecBody);
        var single = Signer.Sign(secret, SpecMessageId, SpecTimestamp, body);

        Assert.Equal(single, Signer.SignatureHeader(secret, null, SpecMessageId, SpecTimestamp, body));
        Assert.Equal(single, Signer.SignatureHeader(secret, "", SpecMessageId, SpecTimestamp, body));
        Assert.Equal(single, Signer.SignatureHeader(secret, secret, SpecMessageId, SpecTimestamp, body));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(5_000)]
    public void During_a_rotation_the_header_carries_the_new_signature_then_the_old_one(int bodyLength)
    {
        var newSecret = Signer.NewSecret();
        var oldSecret = Signer.NewSecret();
        var body = RandomNumberGenerator.GetBytes(bodyLength);

        var header = Signer.SignatureHeader(newSecret, oldSecret, SpecMessageId, SpecTimestamp, body);

        Assert.Equal(
            Independently(newSecret, SpecMessageId, SpecTimestamp, body) + " " + Independently(oldSecret, SpecMessageId, SpecTimestamp, body),
            header);
    }

    [Fact]
    public void The_masked_secret_shows_the_prefix_and_last_4_characters_only()
    {
        var secret = Signer.NewSecret();

        var masked = Signer.Mask(secret);

        Assert.Equal("whsec_••••••••" + secret[^4..], masked);
        Assert.DoesNotContain(secret["whsec_".Length..][..^4], masked);
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_abcdefgh")]
    [InlineData("whsec_")]
    [InlineData("")]
    public void The_masked_secret_never_contains_the_secrets_body(string secret)
    {
        var body = secret.StartsWith("whsec_") ? secret["whsec_".Length..] : secret;
        var masked = Signer.Mask(secret);

        Assert.StartsWith("whsec_••••••••", masked);
        if (body.Length > 0) Assert.DoesNotContain(body, masked);
        Assert.True(masked.Length <= "whsec_••••••••".Length + 4);
    }

    /// <summary>Fixed bytes, so theory cases keep the same names from one run to the next.</summary>
    private static string Base64Of(int length) => Convert.ToBase64String(Enumerable.Range(0, length).Select(i => (byte)(i * 37 + 11)).ToArray());

    /// <summary>The scheme written out the slow, obvious way, with no code shared with Signer.</summary>
    private static string Independently(string secret, string messageId, long timestamp, byte[] body)
    {
        var key = Convert.FromBase64String(secret.Substring(6));
        var content = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.").Concat(body).ToArray();
        using var hmac = new HMACSHA256(key);
        return "v1," + Convert.ToBase64String(hmac.ComputeHash(content));
    }
}
