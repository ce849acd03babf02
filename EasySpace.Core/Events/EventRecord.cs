using System.Text.Json.Nodes;

namespace EasySpace.Core.Events;

/// <summary>
/// What happened, as raised (the outbox row): written in the same transaction as the change it reports,
/// with the resource's state at that moment. Deliveries to endpoints hang off it.
/// </summary>
public sealed class EventRecord
{
    private EventRecord() { }

    public const int AboutMaxLength = 300;

    public long Id { get; private set; }
    public string Name { get; private set; } = "";
    public string Resource { get; private set; } = "";
    public string ResourceId { get; private set; } = "";
    /// <summary>The absolute API URL of the resource: the thin payload's only field.</summary>
    public string Url { get; private set; } = "";
    /// <summary>What the event is about in a manager's words ("Ada Keller", "Invoice 2026-0042 to Ada Keller"), as it was when raised; "" for events raised before labels existed.</summary>
    public string About { get; private set; } = "";
    /// <summary>The resource as its API URL returned it at event time (the full payload's "data").</summary>
    public string DataJson { get; private set; } = "{}";
    public DateTimeOffset OccurredAt { get; private set; }

    internal static EventRecord Raise(EventType type, EventSubject subject, string url, DateTimeOffset at) => new()
    {
        Name = type.Name,
        Resource = type.Resource,
        ResourceId = subject.Id,
        Url = url,
        About = subject.About.Length <= AboutMaxLength ? subject.About : subject.About[..(AboutMaxLength - 1)] + "…",
        DataJson = subject.Data.ToJsonString(),
        OccurredAt = at,
    };
}

/// <summary>The object an event is about, as the caller hands it to <see cref="EventOutbox"/>.</summary>
/// <param name="Id">The object's id in its API collection.</param>
/// <param name="About">What the delivery log says the event is about, in a manager's words: "Ada Keller",
/// "Room 1 booking, Tue 3 Dec 2026, 10:00–11:00" (times on the space's clock). Required, so no raise site can leave it out.</param>
/// <param name="Data">The object as its API URL returns it (it carries its own "url").</param>
public sealed record EventSubject(string Id, string About, JsonObject Data)
{
    /// <summary>For the resource_id filter: the booked resource of a booking.</summary>
    public string? ResourceId { get; init; }

    /// <summary>For the fields filter: the custom fields that changed.</summary>
    public IReadOnlyCollection<string>? ChangedFields { get; init; }

    /// <summary>For the lead_time filter of booking_will_begin: the lead (0–60 minutes) this announcement is for; only
    /// endpoints whose lead time is this one get it.</summary>
    public int? LeadMinutes { get; init; }
}
