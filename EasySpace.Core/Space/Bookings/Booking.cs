using System.Globalization;
using EasySpace.Core.Events;

namespace EasySpace.Core.Space.Bookings;

/// <summary>
/// A room or desk reserved for a span of time. Its price is fixed when it is made or moved, from the resource's
/// hourly price at that moment. A canceled booking stays on record but is gone from the API, as in Cobot.
/// </summary>
public sealed class Booking
{
    public const int MaxTitleLength = 200;
    public const int MaxCommentsLength = 2000;
    public const int MaxMemberNameLength = 200;
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(14);
    /// <summary>How far ahead a booking may start.</summary>
    public static readonly TimeSpan MaxAdvance = TimeSpan.FromDays(2 * 366);

    private Booking() { }

    public long Id { get; private set; }
    public long ResourceId { get; private set; }
    public DateTimeOffset From { get; private set; }
    public DateTimeOffset To { get; private set; }
    public string Title { get; private set; } = "";
    public string? Comments { get; private set; }
    /// <summary>The membership it is booked for; null for a walk-in booked by name, or the space's own booking.</summary>
    public long? MembershipId { get; private set; }
    /// <summary>Who it is booked for, as shown; null for the space's own bookings.</summary>
    public string? MemberName { get; private set; }
    public decimal Price { get; private set; }
    public string Currency { get; private set; } = "";
    public decimal TaxRate { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? CanceledAt { get; private set; }

    public bool IsCanceled => CanceledAt is not null;

    /// <summary>A booking can be changed or canceled until it starts (Cobot's <c>can_change</c>).</summary>
    public bool CanChange(DateTimeOffset now) => !IsCanceled && now < From;

    public bool Overlaps(DateTimeOffset from, DateTimeOffset to) => From < to && from < To;

    internal static Booking Make(Resource resource, BookingDraft draft, DateTimeOffset at)
    {
        var booking = new Booking { CreatedAt = at };
        booking.Reschedule(resource, draft.From!.Value, draft.To!.Value, at);
        booking.Describe(draft, at);
        return booking;
    }

    /// <summary>Moves the booking to another time and/or resource; the price follows the resource's current hourly price.</summary>
    internal void Reschedule(Resource resource, DateTimeOffset from, DateTimeOffset to, DateTimeOffset at)
    {
        ResourceId = resource.Id;
        From = from;
        To = to;
        Price = resource.PriceFor(to - from);
        Currency = resource.Currency;
        TaxRate = resource.TaxRate;
        UpdatedAt = at;
    }

    internal void Describe(BookingDraft draft, DateTimeOffset at)
    {
        Title = draft.Title.Trim();
        Comments = string.IsNullOrWhiteSpace(draft.Comments) ? null : draft.Comments.Trim();
        MemberName = string.IsNullOrWhiteSpace(draft.MemberName) ? null : draft.MemberName.Trim();
        MembershipId = draft.MembershipId;
        UpdatedAt = at;
    }

    /// <summary>Cancels the booking; its event carries <paramref name="lastState"/>, since its URL answers 404 from now on.</summary>
    internal DeletedBooking Cancel(EventSubject lastState, DateTimeOffset at)
    {
        CanceledAt = at;
        UpdatedAt = at;
        return new DeletedBooking(lastState, ResourceId);
    }
}

/// <summary>What the booking form hands in to make or change a booking. Field names are the form's.</summary>
public sealed class BookingDraft
{
    public long? ResourceId { get; set; }
    public DateTimeOffset? From { get; set; }
    public DateTimeOffset? To { get; set; }
    public string Title { get; set; } = "";
    public string? Comments { get; set; }
    public string? MemberName { get; set; }
    /// <summary>The member picked in the form; the service then takes <see cref="MemberName"/> from the membership.</summary>
    public long? MembershipId { get; set; }

    public static BookingDraft Of(Booking b) => new()
    {
        ResourceId = b.ResourceId, From = b.From, To = b.To, Title = b.Title, Comments = b.Comments, MemberName = b.MemberName, MembershipId = b.MembershipId,
    };

    /// <summary>The checks that need only the clock; the resource and overlaps are checked by the service.</summary>
    public ValidationErrors Validate(DateTimeOffset now)
    {
        var errors = new ValidationErrors();
        if (ResourceId is null) errors.Add(nameof(ResourceId), "Choose a room or desk.");
        if (From is null) errors.Add(nameof(From), "Choose when the booking starts.");
        if (To is null) errors.Add(nameof(To), "Choose when the booking ends.");
        if (From is { } from && To is { } to)
        {
            if (to <= from) errors.Add(nameof(To), "The end must be after the start.");
            else if (to - from > Booking.MaxLength) errors.Add(nameof(To), "A booking lasts at most 14 days.");
        }
        if (From is { } start)
        {
            if (start <= now) errors.Add(nameof(From), "The start must be in the future.");
            else if (start - now > Booking.MaxAdvance) errors.Add(nameof(From), "Bookings can be made at most two years ahead.");
        }
        if (InputRules.RequiredText(Title, "a title", Booking.MaxTitleLength) is { } title) errors.Add(nameof(Title), title);
        if (!string.IsNullOrWhiteSpace(MemberName))
        {
            if (MemberName.Trim().Length > Booking.MaxMemberNameLength) errors.Add(nameof(MemberName), $"A member's name has at most {Booking.MaxMemberNameLength} characters.");
            else if (MemberName.Any(char.IsControl)) errors.Add(nameof(MemberName), "A member's name cannot contain control characters.");
            else if (InputRules.HiddenCharacterProblem(MemberName, "a member's name") is { } hidden) errors.Add(nameof(MemberName), hidden);
        }
        if (MembershipId is <= 0) errors.Add(nameof(MembershipId), "That membership does not exist.");
        if (Comments is { } comments)
        {
            if (comments.Trim().Length > Booking.MaxCommentsLength) errors.Add(nameof(Comments), $"Comments have at most {Booking.MaxCommentsLength.ToString("N0", CultureInfo.InvariantCulture)} characters.");
            else if (comments.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
                errors.Add(nameof(Comments), "Comments cannot contain control characters other than line breaks and tabs.");
        }
        return errors;
    }
}
