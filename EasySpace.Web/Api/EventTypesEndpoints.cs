using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EasySpace.Core.Events;

namespace EasySpace.Web.Api;

/// <summary>One event of the published catalogue, as <c>GET /api/event_types</c> lists it.</summary>
public sealed record EventTypeDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("subscribable")] bool Subscribable,
    [property: JsonPropertyName("filters")] IReadOnlyList<string> Filters,
    [property: JsonPropertyName("payloads")] EventPayloadsDto Payloads)
{
    public static EventTypeDto Of(EventType type) => new(type.Name, type.Title, type.Category, type.Description,
        type.Name != EventCatalogue.TestWebhook, type.Filters,
        new EventPayloadsDto(PayloadDto.Of(type, PayloadFormat.Full), PayloadDto.Of(type, PayloadFormat.Thin)));
}

/// <summary>The body in each payload format a webhook can choose.</summary>
public sealed record EventPayloadsDto(
    [property: JsonPropertyName("full")] PayloadDto Full,
    [property: JsonPropertyName("thin")] PayloadDto Thin);

/// <summary>An example body and the JSON Schema (draft 2020-12) every body of this event in this format meets.</summary>
public sealed record PayloadDto(
    [property: JsonPropertyName("example")] JsonObject Example,
    [property: JsonPropertyName("schema")] JsonObject Schema)
{
    public static PayloadDto Of(EventType type, PayloadFormat format) => new(EventPayloads.Example(type, format), EventPayloads.Schema(type, format));
}

/// <summary><c>/api/event_types</c>: the event catalogue, for developers writing a receiver. Any valid token reads it.</summary>
internal static class EventTypesEndpoints
{
    public static RouteGroupBuilder MapEventTypes(this RouteGroupBuilder api)
    {
        api.MapGet("/event_types", List)
            .WithName("ListEventTypes").WithTags("Events")
            .WithSummary("Every event a webhook can receive, with an example body and a JSON Schema per payload format")
            .WithDescription("The catalogue in its order, grouped by category: name, title, category, when it fires (description), the filters a "
                + "subscription may set, and for each payload format (full, thin) an example body and its JSON Schema (draft 2020-12). "
                + "test_webhook is listed with subscribable false: only the Test button sends it. Any valid token may call it; no scope is needed.");
        return api;
    }

    private static List<EventTypeDto> List() => [.. EventCatalogue.All.Select(EventTypeDto.Of)];
}
