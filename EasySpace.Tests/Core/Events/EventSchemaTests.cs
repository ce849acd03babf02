using System.Text.Json.Nodes;
using EasySpace.Core.Events;
using EasySpace.Tests.Core.Identity;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Core.Webhooks;

namespace EasySpace.Tests.Core.Events;

/// <summary>
/// The published catalogue's schemas: every event has one per payload format, made from its kind; they are draft
/// 2020-12 and strict; the examples meet them; and the catalogue tests check the real bodies against them.
/// </summary>
public class EventSchemaTests
{
    private static readonly PayloadFormat[] Formats = [PayloadFormat.Full, PayloadFormat.Thin];

    public static TheoryData<string> Events => [.. EventCatalogue.All.Select(e => e.Name)];

    [Fact]
    public void Every_event_names_a_payload_kind_that_has_a_schema_and_every_kind_is_used()
    {
        var missing = EventCatalogue.All.Where(e => EventPayloads.KindOf(e) is null).Select(e => $"{e.Name} ({e.Resource})").ToList();
        Assert.True(missing.Count == 0, "Events whose kind has no Events/Payloads/<kind>.json: " + string.Join(", ", missing));
        var unused = EventPayloads.Kinds.Keys.Except(EventCatalogue.All.Select(e => e.Resource)).ToList();
        Assert.True(unused.Count == 0, "Payload kinds no event sends: " + string.Join(", ", unused));
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Each_schema_is_draft_2020_12_states_additional_properties_and_lists_required_fields(string name)
    {
        foreach (var format in Formats)
        {
            var schema = EventPayloads.Schema(EventCatalogue.Find(name)!, format);
            Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema["$schema"]!.GetValue<string>());
            foreach (var (path, node) in ObjectSchemas(schema, "#"))
            {
                Assert.True(node.ContainsKey("additionalProperties"), $"{name}, {format}: {path} does not say whether other properties may appear");
                if (node["properties"] is JsonObject properties)
                    Assert.True(node["required"] is JsonArray required && required.Count == properties.Count,
                        $"{name}, {format}: {path} does not list every property as required (a field that may be empty is null, never left out)");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Each_example_body_meets_its_schema_in_both_formats(string name)
    {
        foreach (var format in Formats)
        {
            var example = EventPayloads.Example(EventCatalogue.Find(name)!, format);
            Assert.StartsWith(EventPayloads.ExampleBaseUrl + "/api/", EventPayloads.KindOf(EventCatalogue.Find(name)!)!.ExampleUrl);
            Assert.Empty(PayloadSchemas.Problems(EventCatalogue.Find(name)!, format, example.ToJsonString()));
        }
    }

    [Fact]
    public void A_body_that_drifts_from_the_schema_is_caught()
    {
        var booking = EventCatalogue.Find("created_booking")!;
        var body = EventPayloads.Example(booking, PayloadFormat.Full);

        body["data"]!["room"] = "Room 1";                   // a field the schema does not know
        Assert.NotEmpty(PayloadSchemas.Problems(booking, PayloadFormat.Full, body.ToJsonString()));

        body = EventPayloads.Example(booking, PayloadFormat.Full);
        body["data"]!.AsObject().Remove("title");          // a required field left out
        Assert.NotEmpty(PayloadSchemas.Problems(booking, PayloadFormat.Full, body.ToJsonString()));

        body = EventPayloads.Example(booking, PayloadFormat.Full);
        body["data"]!["price"] = "30.0";                   // a number sent as a string
        Assert.NotEmpty(PayloadSchemas.Problems(booking, PayloadFormat.Full, body.ToJsonString()));

        var thin = EventPayloads.Example(booking, PayloadFormat.Thin);
        thin["data"] = new JsonObject();                   // the thin body carries only the url
        Assert.NotEmpty(PayloadSchemas.Problems(booking, PayloadFormat.Thin, thin.ToJsonString()));
    }

    /// <summary>
    /// The tests that raise each event by its real action and check the bodies written against these schemas
    /// (<see cref="PayloadSchemas.AssertSentBodiesMatchAsync"/>); an event added to the catalogue needs one.
    /// </summary>
    [Fact]
    public void Every_event_has_its_real_bodies_checked_by_a_catalogue_test()
    {
        var checkedBy = new Dictionary<string, string>();
        void By(string test, IEnumerable<object[]> names)
        {
            foreach (var row in names) checkedBy[(string)row[0]] = test;
        }
        By(nameof(MembersEventsTests), MembersEventsTests.ImmediateEvents);
        By(nameof(BookingsEventTests), BookingsEventTests.ActionEvents);
        By(nameof(BillingEventsTests), BillingEventsTests.Events);
        checkedBy["deleted_membership"] = nameof(MembersEventsTests.Deleting_a_membership_sends_its_last_state_and_removes_the_login);
        checkedBy["booking_will_begin"] = checkedBy["booking_has_ended"] = nameof(BookingsScheduleTests);
        checkedBy["created_admin"] = checkedBy["deleted_admin"] = nameof(AdminRemovalTests);
        checkedBy[EventCatalogue.TestWebhook] = nameof(EndpointServiceTests);
        checkedBy["deactivated_webhook"] = checkedBy["failing_webhook"] = checkedBy["recovered_webhook"] = nameof(EasySpace.Tests.Core.Alerts.AlertTests);

        var notChecked = EventCatalogue.All.Select(e => e.Name).Where(n => !checkedBy.ContainsKey(n)).ToList();
        Assert.True(notChecked.Count == 0, "Events whose real bodies no test checks against the schema: " + string.Join(", ", notChecked));
    }

    private static IEnumerable<(string Path, JsonObject Node)> ObjectSchemas(JsonNode? node, string path)
    {
        if (node is JsonObject o)
        {
            if (o["type"] is JsonValue t && t.GetValue<string>() == "object" || o["type"] is JsonArray ts && ts.Any(x => x!.GetValue<string>() == "object"))
                yield return (path, o);
            foreach (var (key, child) in o)
                if (key is not ("example" or "const" or "enum"))
                    foreach (var found in ObjectSchemas(child, $"{path}/{key}")) yield return found;
        }
        else if (node is JsonArray a)
        {
            for (var i = 0; i < a.Count; i++)
                foreach (var found in ObjectSchemas(a[i], $"{path}/{i}")) yield return found;
        }
    }
}
