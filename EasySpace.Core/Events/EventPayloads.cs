using System.Reflection;
using System.Text.Json.Nodes;

namespace EasySpace.Core.Events;

/// <summary>
/// The object a kind of event carries, as the catalogue publishes it: every membership event carries a membership,
/// every booking event a booking. One file per kind in <c>Events/Payloads/</c>, named after the API collection
/// (<see cref="EventType.Resource"/>): its JSON Schema (draft 2020-12) and an example.
/// </summary>
/// <param name="ExampleUrl">The example body's url: the example's own, or the file's <c>example_url</c> for an object without one.</param>
public sealed record PayloadKind(string Resource, string Title, string SchemaJson, string ExampleJson, string ExampleUrl)
{
    // Kept as text and parsed per call: a JsonNode tree is mutable and not safe to share between requests.
    public JsonObject Schema() => JsonNode.Parse(SchemaJson)!.AsObject();
    public JsonObject Example() => JsonNode.Parse(ExampleJson)!.AsObject();
}

/// <summary>
/// The JSON Schema and an example of each event's body in each payload format, made from its kind the way
/// <see cref="PayloadBuilder"/> makes the real bodies: so an event added to the catalogue gets both by naming a kind
/// that has a file, and a test validates the bodies the product sends against these schemas.
/// </summary>
public static class EventPayloads
{
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>Where the examples' objects live (Events/Payloads/*.json); a "Test" send moves them to the space's own address.</summary>
    public const string ExampleBaseUrl = "https://space.example.com";

    // The examples' envelope: a fixed webhook-id and time, so the published catalogue does not change between calls.
    private const string ExampleMessageId = "msg_2zKq3Vb8xT4mN7pR1sW5yA9cE0f";
    private static readonly DateTimeOffset ExampleTime = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private const string ResourcePrefix = "EventPayloads/";

    public static IReadOnlyDictionary<string, PayloadKind> Kinds { get; } = Load();

    public static PayloadKind? KindOf(EventType type) => Kinds.GetValueOrDefault(type.Resource);

    /// <summary>The schema of the body this event sends in this format.</summary>
    public static JsonObject Schema(EventType type, PayloadFormat format)
    {
        var kind = Kind(type);
        var data = kind.Schema();
        data.Insert(0, "title", kind.Title);   // "Booking": what the body carries
        var schema = new JsonObject
        {
            ["$schema"] = Dialect,
            ["title"] = $"{type.Name}, {Words(format)}",
            ["description"] = type.Description,
        };
        if (format == PayloadFormat.Thin && type.LastState == LastState.AtTopLevel)
        {
            // The body is the object itself (Cobot's deleted_invoice).
            foreach (var (key, value) in data.ToList())
                if (key is not ("title" or "description")) schema[key] = value?.DeepClone();
            return schema;
        }

        var properties = new JsonObject();
        var required = new JsonArray();
        if (format == PayloadFormat.Full)
        {
            Add("id", new JsonObject { ["type"] = "string", ["pattern"] = "^msg_[0-9A-Za-z]{27}$", ["description"] = "The webhook-id header: one per event, the same in every attempt." });
            Add("type", new JsonObject { ["const"] = type.Name });
            Add("timestamp", new JsonObject { ["type"] = "string", ["format"] = "date-time", ["pattern"] = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", ["description"] = "When it happened, UTC." });
            Add("url", Url());
            Add("data", data);
        }
        else
        {
            Add("url", Url());
            if (type.LastState == LastState.UnderItsName) Add(type.SnapshotName, data);
        }
        schema["type"] = "object";
        schema["additionalProperties"] = false;
        schema["required"] = required;
        schema["properties"] = properties;
        return schema;

        void Add(string name, JsonNode property)
        {
            properties[name] = property;
            required.Add(name);
        }
    }

    /// <summary>An example body of this event in this format, made by <see cref="PayloadBuilder"/> from the kind's example.</summary>
    public static JsonObject Example(EventType type, PayloadFormat format)
    {
        var kind = Kind(type);
        var body = PayloadBuilder.Build(format, type, ExampleMessageId, kind.ExampleUrl, kind.Example(), ExampleTime);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>
    /// The example object of this event's kind and its url, at this space's address: what "Test" sends for an event other
    /// than test_webhook, a body the receiver parses like a real one, about an object that does not exist.
    /// </summary>
    public static (string Url, JsonObject Data) ExampleOn(EventType type, string baseUrl)
    {
        var kind = Kind(type);
        var data = JsonNode.Parse(kind.ExampleJson.Replace(ExampleBaseUrl, baseUrl, StringComparison.Ordinal))!.AsObject();
        return (kind.ExampleUrl.Replace(ExampleBaseUrl, baseUrl, StringComparison.Ordinal), data);
    }

    public static string Words(PayloadFormat format) => format == PayloadFormat.Full ? "full format" : "thin format (Cobot)";

    private static PayloadKind Kind(EventType type) =>
        KindOf(type) ?? throw new InvalidOperationException($"No payload kind '{type.Resource}' for {type.Name}: add Events/Payloads/{type.Resource}.json.");

    private static JsonObject Url() => new() { ["type"] = "string", ["format"] = "uri", ["description"] = "The object's address in the REST API." };

    private static Dictionary<string, PayloadKind> Load()
    {
        var assembly = typeof(EventPayloads).Assembly;
        var kinds = new Dictionary<string, PayloadKind>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var file = JsonNode.Parse(stream)!.AsObject();
            var resource = Path.GetFileNameWithoutExtension(name[ResourcePrefix.Length..]);
            var example = file["example"]!.AsObject();
            var url = example["url"]?.GetValue<string>() ?? file["example_url"]!.GetValue<string>();
            kinds[resource] = new PayloadKind(resource, file["title"]!.GetValue<string>(), file["schema"]!.ToJsonString(), example.ToJsonString(), url);
        }
        return kinds;
    }
}
