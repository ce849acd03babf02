using System.Globalization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Events;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Bookings;

/// <summary>
/// Makes, changes and cancels bookings. Each call is one operation and one transaction: the check for a clashing
/// booking, the change, its activity-log line and its event commit together (SQLite's write lock is taken at the
/// start, so two managers cannot book the same slot at once). A refused call changes and raises nothing.
/// </summary>
public sealed class BookingService(IDbContextFactory<AppDbContext> dbFactory, EventOutbox outbox, PublicUrls urls, TimeProvider clock)
{
    public async Task<Result<Booking>> BookAsync(BookingDraft draft, string actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var errors = draft.Validate(now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var resource = await ResourceForAsync(db, draft.ResourceId, currentResourceId: null, errors, ct);
        await LinkMemberAsync(db, draft, stored: (null, null), errors, ct);
        var space = await SpaceClock.LoadAsync(db, ct);
        if (errors.IsEmpty) await CheckClashAsync(db, resource!, draft.From!.Value, draft.To!.Value, exceptBookingId: 0, space, errors, ct);
        if (!errors.IsEmpty) return errors;

        var booking = Booking.Make(resource!, draft, now);
        db.Bookings.Add(booking);
        await db.SaveChangesAsync(ct); // the id goes into the event's URL
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.BookingCreated, Subject(booking, resource!, space), now, Money(booking)));
        await outbox.RaiseAsync(db, new CreatedBooking(await SubjectAsync(db, urls, booking, resource!.Name, now, ct), booking.ResourceId), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return booking;
    }

    /// <summary>Changes time, resource, title, comments or who it is for. Nothing changed: nothing is raised.</summary>
    public async Task<Result<Booking>> ChangeAsync(long bookingId, BookingDraft draft, string actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Bookings.FirstOrDefaultAsync(b => b.Id == bookingId && b.CanceledAt == null, ct) is not { } booking)
            return new ValidationErrors().Add("", "That booking does not exist or was canceled.");
        if (!booking.CanChange(now))
            return new ValidationErrors().Add("", "This booking has started, so it can no longer be changed.");

        var errors = draft.Validate(now);
        var resource = await ResourceForAsync(db, draft.ResourceId, booking.ResourceId, errors, ct);
        await LinkMemberAsync(db, draft, (booking.MembershipId, booking.MemberName), errors, ct);
        var space = await SpaceClock.LoadAsync(db, ct);
        if (errors.IsEmpty) await CheckClashAsync(db, resource!, draft.From!.Value, draft.To!.Value, booking.Id, space, errors, ct);
        if (!errors.IsEmpty) return errors;

        var changes = new ActivityDetails();
        var oldResourceName = await db.Resources.Where(r => r.Id == booking.ResourceId).Select(r => r.Name).FirstAsync(ct);
        changes.Change("Room or desk", oldResourceName, resource!.Name);
        changes.Change("Time", space.Span(booking.From, booking.To), space.Span(draft.From!.Value, draft.To!.Value));
        if (!changes.IsEmpty) booking.Reschedule(resource, draft.From!.Value, draft.To!.Value, now);

        var before = (booking.Title, booking.Comments, booking.MemberName, booking.MembershipId);
        booking.Describe(draft, now);
        changes.Change("Title", before.Title, booking.Title).Change("Comments", before.Comments, booking.Comments).Change("Member", before.MemberName, booking.MemberName);
        if (booking.MemberName == before.MemberName && booking.MembershipId != before.MembershipId) changes.Note("Member: linked to another membership");
        if (changes.IsEmpty) return booking; // a save without changes is not an update

        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.BookingChanged, Subject(booking, resource, space), now, changes.Text));
        await outbox.RaiseAsync(db, new UpdatedBooking(await SubjectAsync(db, urls, booking, resource.Name, now, ct), booking.ResourceId), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return booking;
    }

    /// <summary>Cancels a booking that has not started; deleted_booking carries its last state, since its URL answers 404 from now on.</summary>
    public async Task<Result<Booking>> CancelAsync(long bookingId, string actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Bookings.FirstOrDefaultAsync(b => b.Id == bookingId && b.CanceledAt == null, ct) is not { } booking)
            return new ValidationErrors().Add("", "That booking does not exist or was already canceled.");
        if (!booking.CanChange(now))
            return new ValidationErrors().Add("", "This booking has started, so it can no longer be canceled.");
        var resource = await db.Resources.FirstAsync(r => r.Id == booking.ResourceId, ct);
        var space = await SpaceClock.LoadAsync(db, ct);

        var lastState = await SubjectAsync(db, urls, booking, resource.Name, now, ct); // as it was, can_change and all
        var canceled = booking.Cancel(lastState, now);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.BookingCanceled, Subject(booking, resource, space), now));
        await outbox.RaiseAsync(db, canceled, ct);
        await db.SaveChangesAsync(ct);
        return booking;
    }

    /// <summary>The booking as its API URL returns it; its events carry the resource id for subscriptions filtered by resource.</summary>
    /// <remarks>What it is about reads "Room 1 booking, Tue 3 Dec 2026, 10:00–11:00" on the space's clock.</remarks>
    internal static async Task<EventSubject> SubjectAsync(AppDbContext db, PublicUrls urls, Booking booking, string resourceName, DateTimeOffset now, CancellationToken ct)
    {
        var id = booking.Id.ToString(CultureInfo.InvariantCulture);
        var json = BookingResource.Of(booking, resourceName, await urls.ApiUrlAsync(BookingDirectory.Collection, id, ct), now).ToJson();
        var about = $"{resourceName} booking, {(await SpaceClock.LoadAsync(db, ct)).Span(booking.From, booking.To)}";
        return new EventSubject(id, about, json);
    }

    /// <summary>A booking for a picked member carries the membership's name; without one it is a walk-in, by the name typed.</summary>
    private static async Task LinkMemberAsync(AppDbContext db, BookingDraft draft, (long?, string?) stored, ValidationErrors errors, CancellationToken ct)
    {
        if (await MembershipLink.NameAsync(db, draft.MembershipId, stored, errors, nameof(BookingDraft.MembershipId), ct) is { } name)
            draft.MemberName = name;
    }

    /// <summary>The chosen resource, if it can take the booking. A booking may stay on a resource archived since it was made.</summary>
    private static async Task<Resource?> ResourceForAsync(AppDbContext db, long? resourceId, long? currentResourceId, ValidationErrors errors, CancellationToken ct)
    {
        if (resourceId is not { } id) return null;
        var resource = await db.Resources.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (resource is null) errors.Add(nameof(BookingDraft.ResourceId), "That room or desk does not exist.");
        else if (resource.IsArchived && resource.Id != currentResourceId)
            errors.Add(nameof(BookingDraft.ResourceId), $"{resource.Name} is archived; choose another room or desk.");
        return resource;
    }

    private static async Task CheckClashAsync(AppDbContext db, Resource resource, DateTimeOffset from, DateTimeOffset to, long exceptBookingId,
        SpaceClock space, ValidationErrors errors, CancellationToken ct)
    {
        var clash = await db.Bookings.AsNoTracking()
            .Where(b => b.ResourceId == resource.Id && b.CanceledAt == null && b.Id != exceptBookingId && b.From < to && from < b.To)
            .OrderBy(b => b.From).FirstOrDefaultAsync(ct);
        if (clash is not null)
            errors.Add("", $"{resource.Name} is already booked {space.Span(clash.From, clash.To)} (“{clash.Title}”). Choose another time or room.");
    }

    /// <summary>"Ada Keller's booking of Room 1 on Tue 3 Dec 2026, 10:00–11:00", as the activity log reads it.</summary>
    private static string Subject(Booking b, Resource r, SpaceClock space) =>
        $"{(b.MemberName is { } member ? member + "'s booking" : "the booking")} of {r.Name} on {space.Span(b.From, b.To)}";

    private static string? Money(Booking b) => new ActivityDetails().Value("Price", $"{b.Price.ToString("0.00", CultureInfo.InvariantCulture)} {b.Currency}").Text;
}
