using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Dashboard;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Space;

/// <summary>
/// The space's clock where it decides something, in Zurich across its 2026 clock changes (forward at 02:00 on 29 March,
/// back at 03:00 on 25 October).
/// </summary>
public class SpaceClockUseTests
{
    private static async Task<CoreHost> ZurichAsync()
    {
        var core = await CoreHost.StartAsync(); // the clock says 2026-03-02 09:00 UTC
        var setup = await core.Get<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = "owner@example.com", Password = AppHost.Password, SpaceName = "Co-Up Zürich", Country = "CH", Currency = "CHF",
            TimeZone = "Europe/Zurich", PublicBaseUrl = "https://space.example.com",
        }, "test");
        Assert.True(setup.Succeeded, setup.Errors.ToString());
        return core;
    }

    [Fact]
    public async Task On_the_day_the_clocks_go_forward_the_dashboard_lists_that_days_bookings_and_not_the_evening_before()
    {
        await using var core = await ZurichAsync();
        var room = await core.Services.AddResourceAsync();
        // 23:15–23:45 on Saturday 28 March (winter time, UTC+1), and 12:00–13:00 on Sunday the 29th (summer time, UTC+2).
        await core.Services.BookAsync(room, new DateTimeOffset(2026, 3, 28, 22, 15, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30), title: "Saturday late");
        await core.Services.BookAsync(room, new DateTimeOffset(2026, 3, 29, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1), title: "Sunday noon");

        core.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 29, 12, 0, 0, TimeSpan.Zero));   // 14:00 on the 29th in Zurich
        var view = await core.Get<DashboardReader>().ReadAsync();

        // Midnight that day was 00:00 at UTC+1; reading it at the afternoon's UTC+2 would take in Saturday's last hour.
        Assert.Equal(["Sunday noon"], view.Today.Select(b => b.Title));
    }

    [Fact]
    public async Task A_membership_date_is_reached_at_midnight_in_Zurich_on_the_night_the_clocks_go_back()
    {
        await using var core = await ZurichAsync();
        var created = await core.Services.AddMemberAsync((await core.Services.AddPlanAsync()).Id, confirmationDate: "2026-10-25");

        core.Clock.SetUtcNow(new DateTimeOffset(2026, 10, 24, 21, 59, 0, TimeSpan.Zero)); // 23:59 on the 24th, still summer time
        await core.Services.RunDateJobAsync();
        Assert.False((await core.Services.MembershipAsync(created.Membership.Id)).IsConfirmed);

        core.Clock.SetUtcNow(new DateTimeOffset(2026, 10, 24, 22, 0, 0, TimeSpan.Zero));  // 00:00 on the 25th; at 03:00 the clocks go back
        await core.Services.RunDateJobAsync();

        Assert.True((await core.Services.MembershipAsync(created.Membership.Id)).IsConfirmed);
    }
}
