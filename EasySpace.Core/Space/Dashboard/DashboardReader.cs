using EasySpace.Core.Data;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.Invoices;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Dashboard;

public sealed record TodaysBooking(long Id, DateTimeOffset From, DateTimeOffset To, string Title, string ResourceName, string? MemberName);
public sealed record PresentMember(long CheckInId, string MemberName, DateTimeOffset Since);
public sealed record OpenInvoice(long Id, string Number, string BillingName, decimal Total, decimal Paid, string Currency, DateOnly DueDate, bool Overdue);
public sealed record RecentEvent(string Name, string Url, DateTimeOffset At);

public sealed record DashboardView(
    IReadOnlyList<TodaysBooking> Bookings,
    IReadOnlyList<PresentMember> CheckedIn,
    IReadOnlyList<OpenInvoice> OpenInvoices,
    IReadOnlyList<RecentEvent> RecentEvents,
    int ActiveMembers);

/// <summary>What a manager sees first: today's bookings, who is here, what is unpaid, what just happened.</summary>
public sealed class DashboardReader(IDbContextFactory<AppDbContext> dbFactory, SetupService setup, TimeProvider clock)
{
    public async Task<DashboardView> ReadAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var space = (await setup.GetProfileAsync(ct)) is { } profile ? SpaceClock.For(profile.TimeZone, profile.Country) : SpaceClock.Utc;
        var today = space.Today(now);
        var dayStart = space.StartOf(today);
        var dayEnd = space.StartOf(today.AddDays(1)); // 23 or 25 hours on the days the clocks change

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var bookings = await (from b in db.Bookings.AsNoTracking()
                              join r in db.Resources.AsNoTracking() on b.ResourceId equals r.Id
                              where b.CanceledAt == null && b.From < dayEnd && b.To > dayStart
                              orderby b.From
                              select new TodaysBooking(b.Id, b.From, b.To, b.Title, r.Name, b.MemberName)).Take(50).ToListAsync(ct);
        var present = await db.CheckIns.AsNoTracking()
            .Where(c => c.CheckedOutAt == null && c.ValidFrom <= now && c.ValidUntil > now)
            .OrderBy(c => c.ValidFrom).Take(50)
            .Select(c => new PresentMember(c.Id, c.MemberName, c.ValidFrom)).ToListAsync(ct);
        var invoices = (await db.Invoices.AsNoTracking()
                .Where(i => i.Status == InvoiceStatus.Draft || i.Status == InvoiceStatus.Sent)
                .OrderBy(i => i.DueDate).Take(20).ToListAsync(ct))
            .Select(i => new OpenInvoice(i.Id, i.FormattedNumber, i.BillingName, i.Total, i.PaidAmount, i.Currency, i.DueDate, i.DueDate < today)).ToList();
        var events = await db.Events.AsNoTracking().OrderByDescending(e => e.Id).Take(10)
            .Select(e => new RecentEvent(e.Name, e.Url, e.OccurredAt)).ToListAsync(ct);
        var members = await db.Memberships.CountAsync(ct);
        return new DashboardView(bookings, present, invoices, events, members);
    }
}
