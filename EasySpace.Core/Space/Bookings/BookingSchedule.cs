using System.Globalization;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Scheduling;
using EasySpace.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Bookings;

/// <summary>
/// booking_will_begin and booking_has_ended, asked every minute by <see cref="DateDrivenEventsJob"/>.
/// <para>
/// will_begin honours each subscription's lead time L (0–60 minutes): it is raised for the endpoints with lead L once
/// now ≥ start − L, and claimed once per (booking, L, start), so a booking moved to a new time announces itself again.
/// has_ended is raised once in the 10 minutes after the end. Both give up 10 minutes late, so a box that was down
/// does not announce stale bookings hours later. Canceled bookings never fire.
/// </para>
/// </summary>
public sealed class BookingSchedule(EventOutbox outbox, PublicUrls urls) : IDateDrivenEvents
{
    // Also the prefixes of the fired keys, which must not change.
    private static readonly string WillBegin = CatalogueEvent.NameOf<BookingWillBegin>();
    private static readonly string HasEnded = CatalogueEvent.NameOf<BookingHasEnded>();
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    public async Task RaiseDueAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        await RaiseWillBeginAsync(db, now, ct);
        await RaiseHasEndedAsync(db, now, ct);
    }

    private async Task RaiseWillBeginAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var subscribed = await db.Endpoints.AsNoTracking()
            .Where(e => e.Status == EndpointStatus.Active && e.Events.Contains(WillBegin))
            .ToListAsync(ct);
        // Lead 0 is always announced, so the event log shows the start even when nobody listens yet.
        var leads = subscribed.Select(e => e.Filters.LeadMinutes).Append(0).Distinct().OrderBy(l => l).ToList();
        var horizon = now + TimeSpan.FromMinutes(leads[^1]);
        var earliest = now - Grace;

        var due = await BookingDirectory.WithResourceNamesAsync(db,
            BookingDirectory.Active(db).Where(b => b.From <= horizon && b.From > earliest).OrderBy(b => b.Id), ct);
        foreach (var (booking, resourceName) in due)
            foreach (var lead in leads)
            {
                if (now < booking.From - TimeSpan.FromMinutes(lead)) continue;
                var key = $"{WillBegin}:{booking.Id}:{lead}:{booking.From.UtcTicks.ToString(CultureInfo.InvariantCulture)}";
                if (!await db.TryClaimAsync(key, now, ct)) continue;
                var subject = await BookingService.SubjectAsync(db, urls, booking, resourceName, now, ct);
                await outbox.RaiseAsync(db, new BookingWillBegin(subject, booking.ResourceId, lead), ct);
            }
    }

    private async Task RaiseHasEndedAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var earliest = now - Grace;
        var ended = await BookingDirectory.WithResourceNamesAsync(db,
            BookingDirectory.Active(db).Where(b => b.To <= now && b.To > earliest).OrderBy(b => b.Id), ct);
        foreach (var (booking, resourceName) in ended)
        {
            var key = $"{HasEnded}:{booking.Id}:{booking.To.UtcTicks.ToString(CultureInfo.InvariantCulture)}";
            if (!await db.TryClaimAsync(key, now, ct)) continue;
            await outbox.RaiseAsync(db, new BookingHasEnded(await BookingService.SubjectAsync(db, urls, booking, resourceName, now, ct), booking.ResourceId), ct);
        }
    }
}
