using EasySpace.Core.Data;
using EasySpace.Core.Space.Invoices;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Dashboard;

/// <summary>Where a booking of today stands at the moment the dashboard was read.</summary>
public enum BookingMoment
{
    Ended,
    Now,
    Later,
}

public sealed record DashboardBooking(long Id, DateTimeOffset From, DateTimeOffset To, string Title, string ResourceName, string? MemberName, long? MembershipId);
public sealed record PresentMember(long CheckInId, long? MembershipId, string MemberName, DateTimeOffset Since);
/// <param name="Outstanding">What is still to pay: the total less what was paid.</param>
public sealed record OpenInvoice(long Id, string Number, string BillingName, decimal Outstanding, string Currency, DateOnly DueDate, bool Overdue);
/// <param name="Day">The day the membership began (joined) or the day it ends (leaving).</param>
public sealed record MemberOnDay(long MembershipId, string Name, DateOnly Day);

/// <summary>A part of a longer list: the first items and how many there are in all.</summary>
public sealed record Shortlist<T>(IReadOnlyList<T> Items, int Total)
{
    public int More => Total - Items.Count;
}

public sealed record DashboardView(
    SpaceClock Clock,
    DateTimeOffset Now,
    IReadOnlyList<DashboardBooking> Today,
    Shortlist<DashboardBooking> Upcoming,
    Shortlist<PresentMember> CheckedIn,
    Shortlist<OpenInvoice> OpenInvoices,
    int OverdueInvoices,
    IReadOnlyList<(string Currency, decimal Outstanding, decimal Overdue)> InvoiceTotals,
    Shortlist<MemberOnDay> Joined,
    Shortlist<MemberOnDay> Leaving,
    int ActiveMembers)
{
    public BookingMoment MomentOf(DashboardBooking b) => b.To <= Now ? BookingMoment.Ended : b.From <= Now ? BookingMoment.Now : BookingMoment.Later;
}

/// <summary>
/// What a manager checks in the morning: today's bookings and the next days', who is in, what is unpaid (overdue first),
/// who joined lately and who leaves soon. Days are the space's days (<see cref="SpaceClock"/>).
/// </summary>
public sealed class DashboardReader(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>How far ahead "upcoming" bookings reach, after today.</summary>
    public const int UpcomingDays = 6;
    public const int JoinedWithinDays = 14;
    public const int LeavingWithinDays = 30;
    private const int ListLength = 8;
    private const int TodayLength = 50;

    public async Task<DashboardView> ReadAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var space = await SpaceClock.LoadAsync(db, ct);
        var today = space.Today(now);
        var dayStart = space.StartOf(today);
        var tomorrow = space.StartOf(today.AddDays(1));
        var upcomingEnd = space.StartOf(today.AddDays(1 + UpcomingDays));

        var bookings = from b in db.Bookings.AsNoTracking()
                       join r in db.Resources.AsNoTracking() on b.ResourceId equals r.Id
                       where b.CanceledAt == null
                       orderby b.From, b.Id
                       select new { b.From, b.To, Row = new DashboardBooking(b.Id, b.From, b.To, b.Title, r.Name, b.MemberName, b.MembershipId) };
        var todays = await bookings.Where(b => b.From < tomorrow && b.To > dayStart).Select(b => b.Row).Take(TodayLength).ToListAsync(ct);
        var upcoming = bookings.Where(b => b.From >= tomorrow && b.From < upcomingEnd);
        var upcomingList = new Shortlist<DashboardBooking>(await upcoming.Select(b => b.Row).Take(ListLength).ToListAsync(ct), await upcoming.CountAsync(ct));

        var present = db.CheckIns.AsNoTracking().Where(c => c.CheckedOutAt == null && c.ValidFrom <= now && c.ValidUntil > now);
        var presentList = new Shortlist<PresentMember>(await present.OrderBy(c => c.ValidFrom).ThenBy(c => c.Id).Take(ListLength)
            .Select(c => new PresentMember(c.Id, c.MembershipId, c.MemberName, c.ValidFrom)).ToListAsync(ct), await present.CountAsync(ct));

        // Sent and not settled; a draft is not owed yet. Few enough to sort in memory, where decimals sort right on SQLite.
        var open = (await db.Invoices.AsNoTracking().Where(i => i.Status == InvoiceStatus.Sent)
                .Select(i => new { i.Id, i.FormattedNumber, i.BillingName, i.Total, i.PaidAmount, i.Currency, i.DueDate }).ToListAsync(ct))
            .Select(i => new OpenInvoice(i.Id, i.FormattedNumber, i.BillingName, i.Total - i.PaidAmount, i.Currency, i.DueDate, i.DueDate < today))
            .Where(i => i.Outstanding > 0)
            .OrderByDescending(i => i.Overdue).ThenBy(i => i.DueDate).ThenBy(i => i.Id).ToList();
        var totals = open.GroupBy(i => i.Currency).OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Sum(i => i.Outstanding), g.Where(i => i.Overdue).Sum(i => i.Outstanding))).ToList();

        var joinedSince = today.AddDays(-JoinedWithinDays);
        var joined = db.Memberships.AsNoTracking()
            .Where(m => m.IsConfirmed && m.EndedOn == null && m.ConfirmationDate > joinedSince && m.ConfirmationDate <= today);
        var joinedList = new Shortlist<MemberOnDay>(await joined.OrderByDescending(m => m.ConfirmationDate).ThenBy(m => m.Name).Take(ListLength)
            .Select(m => new MemberOnDay(m.Id, m.Name, m.ConfirmationDate)).ToListAsync(ct), await joined.CountAsync(ct));
        // CanceledTo is the first day without the membership: it ends when that day begins.
        var leavingBy = today.AddDays(LeavingWithinDays);
        var leaving = db.Memberships.AsNoTracking().Where(m => m.EndedOn == null && m.CanceledTo > today && m.CanceledTo <= leavingBy);
        var leavingList = new Shortlist<MemberOnDay>(await leaving.OrderBy(m => m.CanceledTo).ThenBy(m => m.Name).Take(ListLength)
            .Select(m => new MemberOnDay(m.Id, m.Name, m.CanceledTo!.Value)).ToListAsync(ct), await leaving.CountAsync(ct));
        var active = await db.Memberships.CountAsync(m => m.IsConfirmed && m.EndedOn == null, ct);

        return new DashboardView(space, now, todays, upcomingList, presentList,
            new Shortlist<OpenInvoice>(open.Take(ListLength).ToList(), open.Count), open.Count(i => i.Overdue), totals,
            joinedList, leavingList, active);
    }
}
