using System.Globalization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Community;

/// <summary>Community events: drafts, publishing (published_event) and registrations (created_event_attendance).</summary>
public sealed class CommunityService(IDbContextFactory<AppDbContext> dbFactory, EventOutbox outbox, PublicUrls urls, TimeProvider clock)
{
    public async Task<Result<CommunityEvent>> CreateDraftAsync(CommunityEventDraft draft, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var space = await SpaceClock.LoadAsync(db, ct);
        var now = clock.GetUtcNow();
        var errors = draft.Validate(space.Local(now));
        if (!errors.IsEmpty) return errors;
        var e = CommunityEvent.Draft(draft, space.ToInstant(draft.Starts!.Value), space.ToInstant(draft.Ends!.Value), actor, now);
        db.CommunityEvents.Add(e);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.CommunityEventDrafted, e.Title, now));
        await db.SaveChangesAsync(ct);
        return e;
    }

    /// <summary>Changes a draft (nothing is raised: no one outside has seen it yet).</summary>
    public async Task<Result<CommunityEvent>> UpdateDraftAsync(long id, CommunityEventDraft draft, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var space = await SpaceClock.LoadAsync(db, ct);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.CommunityEvents.FirstOrDefaultAsync(e => e.Id == id, ct) is not { } e) return NoEvent();
        if (e.IsPublished) return Refused("", "A published event can't be edited.");
        var errors = draft.Validate(space.Local(now), e.AttendeeCount);
        if (!errors.IsEmpty) return errors;
        e.EditDraft(draft, space.ToInstant(draft.Starts!.Value), space.ToInstant(draft.Ends!.Value));
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.CommunityEventDraftChanged, e.Title, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return e;
    }

    public async Task<Result<CommunityEvent>> PublishAsync(long id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.CommunityEvents.FirstOrDefaultAsync(e => e.Id == id, ct) is not { } e) return NoEvent();
        var now = clock.GetUtcNow();
        if (e.IsPublished) return Refused("", "This event is already published.");
        if (e.HasEnded(now)) return Refused("", "This event is already over; it can't be published.");
        e.Publish(now);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.CommunityEventPublished, e.Title, now));
        await outbox.RaiseAsync(db, new PublishedEvent(await SubjectAsync(e, ct)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return e;
    }

    /// <summary>Registers someone for a published event that is neither over nor full; each e-mail address once per event.</summary>
    public async Task<Result<EventAttendance>> RegisterAsync(long eventId, AttendeeDraft draft, string actor, CancellationToken ct = default)
    {
        var errors = draft.Validate();
        if (!errors.IsEmpty) return errors;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.CommunityEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == eventId, ct) is not { } e) return NoEvent();
        var now = clock.GetUtcNow();
        if (!e.IsPublished) return Refused("", "Registration opens when the event is published.");
        if (e.HasEnded(now)) return Refused("", "This event is over; registration is closed.");
        var email = EventAttendance.Normalize(draft.Email);
        if (await db.EventAttendances.AnyAsync(a => a.EventId == e.Id && a.NormalizedEmail == email, ct))
            return Refused(nameof(AttendeeDraft.Email), $"{draft.Email.Trim()} is already registered for this event.");
        // The capacity check and the count are one statement, so two last-minute registrations can't both take the last place.
        var taken = await db.CommunityEvents.Where(x => x.Id == e.Id && x.AttendeeCount < x.Capacity)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.AttendeeCount, x => x.AttendeeCount + 1), ct);
        if (taken == 0) return Refused("", $"This event is full: all {e.Capacity} places are taken.");

        var attendance = EventAttendance.Register(e.Id, draft.Name, draft.Email, now);
        db.EventAttendances.Add(attendance);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.CommunityEventAttendee, e.Title, now, attendance.Email));
        await db.SaveChangesAsync(ct);
        var id = attendance.Id.ToString(CultureInfo.InvariantCulture);
        var json = EventAttendanceResource.Of(attendance, await urls.ApiUrlAsync(EventAttendanceResource.Collection, id, ct),
            await urls.ApiUrlAsync(CommunityEventResource.Collection, e.Id.ToString(CultureInfo.InvariantCulture), ct)).ToJson();
        await outbox.RaiseAsync(db, new CreatedEventAttendance(new EventSubject(id, attendance.Name, json)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return attendance;
    }

    /// <summary>The latest start first.</summary>
    public async Task<Page<CommunityEvent>> PageAsync(int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var total = await db.CommunityEvents.CountAsync(ct);
        var items = await db.CommunityEvents.AsNoTracking().OrderByDescending(e => e.StartsAt).ThenByDescending(e => e.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new Page<CommunityEvent>(items, total);
    }

    public async Task<CommunityEvent?> FindAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CommunityEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct);
    }

    public async Task<IReadOnlyList<EventAttendance>> AttendeesAsync(long eventId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.EventAttendances.AsNoTracking().Where(a => a.EventId == eventId).OrderBy(a => a.Id).ToListAsync(ct);
    }

    /// <summary>
    /// <c>GET /api/events/{id}</c>. Drafts are staff business: for anyone else (<paramref name="staff"/> false) a draft is
    /// as unknown as a wrong id.
    /// </summary>
    public async Task<CommunityEventResource?> ResourceAsync(string id, bool staff, CancellationToken ct = default)
    {
        if (!ApiIds.TryParse(id, out var key) || await FindAsync(key, ct) is not { } e) return null;
        if (!e.IsPublished && !staff) return null;
        return CommunityEventResource.Of(e, await urls.ApiUrlAsync(CommunityEventResource.Collection, e.Id.ToString(CultureInfo.InvariantCulture), ct));
    }

    public async Task<EventAttendanceResource?> AttendanceResourceAsync(string id, CancellationToken ct = default)
    {
        if (!ApiIds.TryParse(id, out var key)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var a = await db.EventAttendances.AsNoTracking().FirstOrDefaultAsync(x => x.Id == key, ct);
        if (a is null) return null;
        return EventAttendanceResource.Of(a, await urls.ApiUrlAsync(EventAttendanceResource.Collection, a.Id.ToString(CultureInfo.InvariantCulture), ct),
            await urls.ApiUrlAsync(CommunityEventResource.Collection, a.EventId.ToString(CultureInfo.InvariantCulture), ct));
    }

    private async Task<EventSubject> SubjectAsync(CommunityEvent e, CancellationToken ct)
    {
        var id = e.Id.ToString(CultureInfo.InvariantCulture);
        return new EventSubject(id, $"Community event “{e.Title}”", CommunityEventResource.Of(e, await urls.ApiUrlAsync(CommunityEventResource.Collection, id, ct)).ToJson());
    }

    private static ValidationErrors NoEvent() => Refused("", "There is no event with that id.");

    private static ValidationErrors Refused(string field, string message) => new ValidationErrors().Add(field, message);
}
