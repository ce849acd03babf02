using EasySpace.Core.Demo;
using EasySpace.Core.Data;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Dashboard;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Core.Space;

/// <summary>demo-data makes a lively space around the moment it runs, on the space's clock (Zurich here), and only once.</summary>
public class DemoDataTests : IAsyncLifetime
{
    private readonly CoreHost core = new();

    public async Task InitializeAsync()
    {
        await core.InitializeAsync();
        var setup = await core.Get<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = AppHost.OwnerEmail, Password = AppHost.Password, SpaceName = "Co-Up Zurich", Country = "CH", Currency = "CHF",
            TimeZone = "Europe/Zurich", PublicBaseUrl = "https://space.example.com",
        }, "test");
        Assert.True(setup.Succeeded, setup.Errors.ToString());
    }

    public async Task DisposeAsync() => await core.DisposeAsync();

    /// <summary>Sets the fake clock to a wall-clock time in Zurich on Tue 1 Dec 2026 (UTC+1).</summary>
    private void At(int hour, int minute) => core.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, hour, minute, 0, TimeSpan.FromHours(1)));

    [Fact]
    public async Task At_mid_morning_the_dashboard_has_a_booking_ended_one_going_on_one_later_and_the_week_ahead_and_a_second_run_adds_nothing()
    {
        At(11, 10);

        var result = await core.Get<DemoData>().CreateAsync();

        Assert.True(result.Succeeded, result.Errors.ToString());
        Assert.Contains("Times are in Europe/Zurich", result.Value);
        var view = await core.Get<DashboardReader>().ReadAsync();
        Assert.Equal(["Ended", "Now", "Later"], view.Today.Select(b => view.MomentOf(b).ToString()));
        Assert.Equal(["08:00–09:30", "10:30–12:00", "12:30–13:30"], view.Today.Select(b => $"{view.Clock.Time(b.From)}–{view.Clock.Time(b.To)}"));
        Assert.Equal(24, view.Upcoming.Total);   // four a day over the next six days, at office hours in Zurich
        Assert.Equal("Wed 2 Dec 2026, 09:00–10:30", view.Clock.Span(view.Upcoming.Items[0].From, view.Upcoming.Items[0].To));
        Assert.Equal(6, view.CheckedIn.Total);
        Assert.Contains(view.CheckedIn.Items, c => c.MembershipId is null);   // a walk-in guest
        Assert.All(view.CheckedIn.Items, c => Assert.Equal(new DateOnly(2026, 12, 1), view.Clock.Today(c.Since)));
        Assert.Equal(4, view.Joined.Total);
        Assert.Equal([new DateOnly(2026, 12, 6), new DateOnly(2026, 12, 21)], view.Leaving.Items.Select(m => m.Day));
        Assert.Equal(9, view.OpenInvoices.Total);
        Assert.Equal(3, view.OverdueInvoices);
        Assert.All(view.OpenInvoices.Items.Take(3), i => Assert.True(i.Overdue));
        Assert.Equal("CHF", Assert.Single(view.InvoiceTotals).Currency);

        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(2, await db.CommunityEvents.CountAsync(e => e.PublishedAt != null && e.AttendeeCount > 0));
        Assert.Equal(1, await db.CommunityEvents.CountAsync(e => e.PublishedAt == null));
        Assert.Equal(2, await db.GuestAccounts.CountAsync());
        Assert.Equal(5, await db.Payments.CountAsync());
        var webhooks = await db.Endpoints.AsNoTracking().ToListAsync();
        Assert.Equal(2, webhooks.Count);
        Assert.All(webhooks, w => Assert.Equal(EndpointStatus.Disabled, w.Status));
        Assert.All(webhooks, w => Assert.Contains("Example", w.Name));
        Assert.False(await db.Deliveries.AnyAsync());   // switched off before anything was sent to them

        // Each run is a whole sample space, so a second one is refused rather than mixed into the first.
        var before = (await db.Memberships.CountAsync(), await db.Bookings.CountAsync(), await db.Invoices.CountAsync(), await db.Endpoints.CountAsync());
        var again = await core.Get<DemoData>().CreateAsync();
        Assert.False(again.Succeeded);
        Assert.Equal("demo-data fills an empty space only: this one already has members or resources, so nothing was added.", again.Errors.ToString().TrimStart(':', ' '));
        Assert.Equal(before, (await db.Memberships.CountAsync(), await db.Bookings.CountAsync(), await db.Invoices.CountAsync(), await db.Endpoints.CountAsync()));
    }

    [Theory]
    [InlineData(0, 10)]    // nothing has ended yet today
    [InlineData(23, 50)]   // nothing starts later today
    public async Task Late_at_night_and_just_after_midnight_it_still_fills_the_space_and_a_booking_is_going_on(int hour, int minute)
    {
        At(hour, minute);

        var result = await core.Get<DemoData>().CreateAsync();

        Assert.True(result.Succeeded, result.Errors.ToString());
        var view = await core.Get<DashboardReader>().ReadAsync();
        Assert.Contains(view.Today, b => view.MomentOf(b) == BookingMoment.Now);
        Assert.All(view.Today, b => Assert.True(b.From < b.To));
        Assert.Equal(24, view.Upcoming.Total);
        Assert.Equal(6, view.CheckedIn.Total);
    }
}
