using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EasySpace.Core.Space.Invoices;

namespace EasySpace.Core.Space.Community;

/// <summary>
/// A community event in the space (a talk, a breakfast): written as a draft, published once (published_event), then
/// open for registrations until it is full or over.
/// </summary>
public sealed class CommunityEvent
{
    public const int MaxCapacity = 10_000;

    private CommunityEvent() { }

    public long Id { get; private set; }
    public string Title { get; private set; } = "";
    public string? Description { get; private set; }
    public string? Location { get; private set; }
    public DateTimeOffset StartsAt { get; private set; }
    public DateTimeOffset EndsAt { get; private set; }
    public int Capacity { get; private set; }
    /// <summary>Registrations so far; counted up in the same statement that checks the capacity.</summary>
    public int AttendeeCount { get; private set; }
    public DateTimeOffset? PublishedAt { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsPublished => PublishedAt is not null;
    public bool IsFull => AttendeeCount >= Capacity;
    public bool HasEnded(DateTimeOffset now) => now >= EndsAt;

    internal static CommunityEvent Draft(CommunityEventDraft draft, DateTimeOffset startsAt, DateTimeOffset endsAt, string by, DateTimeOffset at)
    {
        var e = new CommunityEvent { CreatedBy = by, CreatedAt = at };
        e.Apply(draft, startsAt, endsAt);
        return e;
    }

    internal void EditDraft(CommunityEventDraft draft, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        if (IsPublished) throw new InvalidOperationException("A published event is not edited here.");
        Apply(draft, startsAt, endsAt);
    }

    internal void Publish(DateTimeOffset at)
    {
        if (IsPublished) throw new InvalidOperationException("The event is already published.");
        PublishedAt = at;
    }

    private void Apply(CommunityEventDraft draft, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        Title = draft.Title.Trim();
        Description = BillingInput.Clean(draft.Description);
        Location = BillingInput.Clean(draft.Location);
        StartsAt = startsAt;
        EndsAt = endsAt;
        Capacity = draft.Capacity;
    }
}

/// <summary>The new-event form. Starts and Ends are wall-clock times in the space's time zone.</summary>
public sealed class CommunityEventDraft
{
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public string? Location { get; set; }
    public DateTime? Starts { get; set; }
    public DateTime? Ends { get; set; }
    public int Capacity { get; set; } = 20;

    public ValidationErrors Validate(DateTime localNow, int alreadyRegistered = 0)
    {
        var errors = new ValidationErrors();
        BillingInput.AddIf(errors, nameof(Title), InputRules.RequiredText(Title, "a title", 200));
        BillingInput.AddIf(errors, nameof(Description), BillingInput.MultilineText(Description, "the description", 5000));
        BillingInput.AddIf(errors, nameof(Location), BillingInput.OptionalText(Location, "the location", 200));
        if (Starts is not { } starts) errors.Add(nameof(Starts), "Choose when the event starts.");
        else if (starts < localNow) errors.Add(nameof(Starts), "The event cannot start in the past.");
        else if (starts > localNow.AddYears(2)) errors.Add(nameof(Starts), "Choose a start within the next two years.");
        if (Ends is not { } ends) errors.Add(nameof(Ends), "Choose when the event ends.");
        else if (Starts is { } s && ends <= s) errors.Add(nameof(Ends), "The event must end after it starts.");
        else if (Starts is { } s2 && ends > s2.AddDays(14)) errors.Add(nameof(Ends), "An event lasts at most 14 days.");
        if (Capacity < 1) errors.Add(nameof(Capacity), "Allow at least 1 attendee.");
        else if (Capacity > CommunityEvent.MaxCapacity) errors.Add(nameof(Capacity), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Allow at most {CommunityEvent.MaxCapacity:N0} attendees."));
        else if (Capacity < alreadyRegistered) errors.Add(nameof(Capacity), $"{alreadyRegistered} people are already registered.");
        return errors;
    }
}

/// <summary>One person registered for an event.</summary>
public sealed class EventAttendance
{
    private EventAttendance() { }

    public long Id { get; private set; }
    public long EventId { get; private set; }
    public string Name { get; private set; } = "";
    public string Email { get; private set; } = "";
    /// <summary>Lower-case, for "already registered" (unique per event).</summary>
    public string NormalizedEmail { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    internal static EventAttendance Register(long eventId, string name, string email, DateTimeOffset at) => new()
    {
        EventId = eventId,
        Name = name.Trim(),
        Email = email.Trim(),
        NormalizedEmail = Normalize(email),
        CreatedAt = at,
    };

    internal static string Normalize(string email) => email.Trim().ToLowerInvariant();
}

/// <summary>The registration form.</summary>
public sealed class AttendeeDraft
{
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";

    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors();
        BillingInput.AddIf(errors, nameof(Name), InputRules.RequiredText(Name, "the attendee's name", 200));
        BillingInput.AddIf(errors, nameof(Email), InputRules.EmailProblem(Email));
        return errors;
    }
}

/// <summary>An event as <c>GET /api/events/{id}</c> returns it and published_event carries it.</summary>
public sealed record CommunityEventResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("location")] string? Location,
    [property: JsonPropertyName("starts_at")] string StartsAt,
    [property: JsonPropertyName("ends_at")] string EndsAt,
    [property: JsonPropertyName("capacity")] int Capacity,
    [property: JsonPropertyName("attendees_count")] int AttendeesCount,
    [property: JsonPropertyName("published")] bool Published,
    [property: JsonPropertyName("published_at")] string? PublishedAt,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("url")] string Url)
{
    public const string Collection = "events";

    public static CommunityEventResource Of(CommunityEvent e, string url) => new(e.Id.ToString(CultureInfo.InvariantCulture), e.Title, e.Description,
        e.Location, BillingFormat.Timestamp(e.StartsAt), BillingFormat.Timestamp(e.EndsAt), e.Capacity, e.AttendeeCount, e.IsPublished,
        BillingFormat.Timestamp(e.PublishedAt), BillingFormat.Timestamp(e.CreatedAt), url);

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();
}

/// <summary>An attendance as <c>GET /api/event_attendances/{id}</c> returns it and created_event_attendance carries it.</summary>
public sealed record EventAttendanceResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("event_id")] string EventId,
    [property: JsonPropertyName("event_url")] string EventUrl,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("url")] string Url)
{
    public const string Collection = "event_attendances";

    public static EventAttendanceResource Of(EventAttendance a, string url, string eventUrl) => new(a.Id.ToString(CultureInfo.InvariantCulture),
        a.EventId.ToString(CultureInfo.InvariantCulture), eventUrl, a.Name, a.Email, BillingFormat.Timestamp(a.CreatedAt), url);

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();
}
