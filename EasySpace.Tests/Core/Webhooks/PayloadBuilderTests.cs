using System.Text;
using System.Text.Json.Nodes;
using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;

namespace EasySpace.Tests.Core.Webhooks;

public class PayloadBuilderTests
{
    [Theory]
    [InlineData(PayloadFormat.Full)]
    [InlineData(PayloadFormat.Thin)]
    public void Bodies_write_plus_signs_accents_and_other_characters_as_themselves(PayloadFormat format)
    {
        var type = EventCatalogue.Find("deleted_membership")!;
        var data = new JsonObject { ["name"] = "Zoë + Søren <Co> & 'Partners'", ["url"] = "https://space.example.com/api/memberships/1?a=1&b=2" };

        var body = Encoding.UTF8.GetString(PayloadBuilder.Build(format, type, "msg_1", "https://space.example.com/api/memberships/1?a=1&b=2", data, DateTimeOffset.UnixEpoch));

        Assert.Contains("Zoë + Søren <Co> & 'Partners'", body);
        Assert.Contains("?a=1&b=2", body);
        Assert.DoesNotContain("\\u", body);
    }

    [Fact]
    public void A_quote_and_a_control_character_are_still_escaped()
    {
        var type = EventCatalogue.Find("deleted_membership")!;
        var body = Encoding.UTF8.GetString(PayloadBuilder.Build(PayloadFormat.Full, type, "msg_1", "https://x.example/1",
            new JsonObject { ["name"] = "a\"b\nc" }, DateTimeOffset.UnixEpoch));

        Assert.Contains("a\\\"b\\nc", body);
        Assert.NotNull(JsonNode.Parse(body));
    }
}
