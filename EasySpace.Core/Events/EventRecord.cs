using System.Text.Json.Nodes;

namespace EasySpace.Core.Events;

/// <summary>
/// What happened, as raised (the outbox row): written in the same transaction as the change it reports,
/// with the resource's state at that moment. Deliveries to endpoints hang off it.
/// </summary>
public sealed class EventRecord
{
    private EventRecord() { }

    public long Id { get; private set; }
    public string Name { get; private set; } = "";
    public string Resource { get; private set; } = "";
    public string ResourceId { get; private set; } = "";
    /// <summary>The absolute API URL of the resource: the thin payload's only field.</summary>
    public string Url { get; private set; } = "";
    /// <summary>The resource as its API URL returned it at event time (the full payload's "data").</summary>
    public string DataJson { get; private set; } = "{}";
    public DateTimeOffset OccurredAt { get; private set; }

    internal static EventRecord Raise(EventType type, EventSubject subject, string url, DateTimeOffset at) => new()
    {
        Name = type.Name,
        Resource = type.Resource,
        ResourceId = subject.Id,
        Url = url,
        DataJson = subject.Data.ToJsonString(),
        OccurredAt = at,
    };
}

/// <summary>The object an event is about, as the caller hands it to <see cref="EventOutbox"/>.</summary>
/// <param name="Id">The object's id in its API collection.</param>
/// <param name="Data">The object as its API URL returns it (it carries its own "url").</param>
public sealed record EventSubject(string Id, JsonObject Data)
{
    /// <summary>For the resource_id filter: the booked resource of a booking.</summary>
    public string? ResourceId { get; init; }

    /// <summary>For the fields filter: the custom fields that changed.</summary>
    public IReadOnlyCollection<string>? ChangedFields { get; init; }
}
