using System.Text.Json.Nodes;

namespace EasySpace.Core.Events;

/// <summary>
/// What happened, as raised (the outbox row): written once, in the same transaction as the change it reports, with the
/// resource's state at that moment, what the endpoints' filters need, and its body in each payload format. The delivery
/// engine fans it out to the subscribed endpoints afterwards (<see cref="FannedOut"/>); deliveries send its bodies.
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
    /// <summary>The webhook-id of every delivery of this event (and the "id" of its full body).</summary>
    public string MessageId { get; private set; } = "";
    public byte[] FullBody { get; private set; } = [];
    public byte[] ThinBody { get; private set; } = [];
    /// <summary>Filter input: the booked resource of a booking event.</summary>
    public string? FilterResourceId { get; private set; }
    /// <summary>Filter input: the custom fields an update changed.</summary>
    public List<string>? FilterFields { get; private set; }
    /// <summary>Filter input: the lead time a booking_will_begin announcement is for.</summary>
    public int? LeadMinutes { get; private set; }
    /// <summary>Set, with the event's deliveries, in the engine's transaction that fans it out: exactly once.</summary>
    public bool FannedOut { get; private set; }

    public byte[] Body(PayloadFormat format) => format == PayloadFormat.Full ? FullBody : ThinBody;

    /// <param name="fannedOut">True for an event that is never fanned out: a "Test" send, whose one delivery its caller makes.</param>
    internal static EventRecord Raise(EventType type, EventSubject subject, string url, DateTimeOffset at, bool fannedOut = false)
    {
        var messageId = MessageIds.New(at);
        return new()
        {
            Name = type.Name,
            Resource = type.Resource,
            ResourceId = subject.Id,
            Url = url,
            About = subject.About.Length <= AboutMaxLength ? subject.About : subject.About[..(AboutMaxLength - 1)] + "…",
            DataJson = subject.Data.ToJsonString(),
            OccurredAt = at,
            MessageId = messageId,
            FullBody = PayloadBuilder.Build(PayloadFormat.Full, type, messageId, url, subject.Data, at),
            ThinBody = PayloadBuilder.Build(PayloadFormat.Thin, type, messageId, url, subject.Data, at),
            FilterResourceId = subject.ResourceId,
            FilterFields = subject.ChangedFields?.ToList(),
            LeadMinutes = subject.LeadMinutes,
            FannedOut = fannedOut,
        };
    }
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
