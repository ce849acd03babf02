using System.Globalization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Members;

/// <summary>
/// The membership events that come from the calendar. A date is reached at 00:00 on that day in the space's time
/// zone (<see cref="SpaceProfile.TimeZone"/>); the minute job asks, and each change is applied and raised once:
/// the membership's own state moves on, and the fired key is unique in the database.
/// </summary>
internal sealed class MembershipDates(EventOutbox outbox, PublicUrls urls) : IDateDrivenEvents
{
    public static string ConfirmationKey(Membership m) => $"confirmed_membership:m{Id(m)}";
    public static string PlanChangeKey(Membership m) => $"membership_plan_change_date_reached:m{Id(m)}:c{m.PlanChangeCount}";
    public static string CancellationKey(Membership m) => $"membership_cancellation_date_reached:m{Id(m)}:c{m.CancellationCount}";

    public async Task RaiseDueAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        if (!await db.SpaceProfiles.AnyAsync(ct)) return;
        var today = (await SpaceClock.LoadAsync(db, ct)).Today(now);

        // In the order a day's changes happen: a membership starts, moves to its new plan, then ends.
        foreach (var m in await db.Memberships.Where(m => !m.IsConfirmed && m.ConfirmationDate <= today).OrderBy(m => m.Id).ToListAsync(ct))
        {
            await RaiseAsync(db, m, ConfirmationKey(m), m.Confirm(now), ActivityKinds.MembershipConfirmed, now, ct);
        }

        foreach (var m in await db.Memberships.Where(m => m.NextPlanId != null && m.NextPlanFrom <= today && m.EndedOn == null).OrderBy(m => m.Id).ToListAsync(ct))
        {
            var key = PlanChangeKey(m);
            await RaiseAsync(db, m, key, m.ReachPlanChangeDate(now), ActivityKinds.MembershipPlanChangeReached, now, ct);
        }

        foreach (var m in await db.Memberships.Where(m => m.CanceledTo != null && m.CanceledTo <= today && m.EndedOn == null).OrderBy(m => m.Id).ToListAsync(ct))
        {
            if (!m.IsConfirmed) continue; // cannot happen (an end is never before the start), but never end what never began
            var key = CancellationKey(m);
            await RaiseAsync(db, m, key, m.End(now), ActivityKinds.MembershipEnded, now, ct);
        }
    }

    private async Task RaiseAsync(AppDbContext db, Membership m, string key, MembershipEvent reached, ActivityKind action, DateTimeOffset now, CancellationToken ct)
    {
        // The state change above is saved either way, so a refused claim (it fired already) cannot make this loop forever.
        if (!await db.TryClaimAsync(key, now, ct)) return;
        db.ActivityLog.Add(ActivityEntry.Record("system", action, MembershipService.Subject(m), now));
        await outbox.RaiseAsync(db, reached(await MembershipResources.SubjectAsync(db, m, urls, ct)), ct);
    }

    private static string Id(Membership m) => m.Id.ToString(CultureInfo.InvariantCulture);
}
