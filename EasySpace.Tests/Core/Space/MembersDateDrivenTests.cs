using EasySpace.Core;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Core.Space;

/// <summary>
/// The membership events that come from the calendar: due at 00:00 on their day in the space's time zone
/// (Europe/Berlin here), fired by the minute job exactly once however often it runs.
/// </summary>
public class MembersDateDrivenTests : AppWithReceiverTest
{
    private readonly FakeTimeProvider clock;
    private static readonly SpaceClock Berlin = SpaceClock.For("Europe/Berlin", "DE");

    public MembersDateDrivenTests() : base(new AppHost()) => clock = app.UseFakeClock();

    private IServiceProvider S => app.Services;

    [Fact]
    public async Task A_future_confirmation_date_confirms_the_membership_at_midnight_in_the_space_once()
    {
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["confirmed_membership"])).Endpoint;
        var day = (await S.TodayAsync()).AddDays(3);
        var created = await S.AddMemberAsync((await S.AddPlanAsync()).Id, confirmationDate: MembersKit.Day(day));
        Assert.Equal(MembershipStatus.Pending, (await S.MembershipAsync(created.Membership.Id)).Status);

        var body = await FiresAtMidnightOnceAsync(day, endpoint.Id);

        Assert.Equal("active", body["data"]!["status"]!.GetValue<string>());
        Assert.Equal(MembersKit.Day(day), body["data"]!["confirmed_at"]!.GetValue<string>());
        Assert.True((await S.MembershipAsync(created.Membership.Id)).IsConfirmed);
    }

    [Fact]
    public async Task A_plan_change_from_a_future_day_is_entered_at_once_and_takes_effect_at_midnight_once()
    {
        var flex = await S.AddPlanAsync();
        var fixedDesk = await S.AddPlanAsync("Fixed desk", 250m);
        var id = (await S.AddMemberAsync(flex.Id)).Membership.Id;
        var entered = (await app.CreateEndpointAsync(receiver.Url, ["changed_membership_plan"], name: "entered")).Endpoint;
        var reached = (await app.CreateEndpointAsync(receiver.Url, ["membership_plan_change_date_reached"], name: "reached")).Endpoint;
        var day = (await S.TodayAsync()).AddDays(10);

        Assert.True((await S.GetRequiredService<MembershipService>().ChangePlanAsync(id, fixedDesk.Id, MembersKit.Day(day), "test")).Succeeded);
        var enteredBody = JsonNode.Parse((await receiver.NextAsync()).Body)!;
        Assert.Equal(flex.Id.ToString(), enteredBody["data"]!["plan"]!["id"]!.GetValue<string>());
        Assert.Equal(MembersKit.Day(day), enteredBody["data"]!["next_plan"]!["from"]!.GetValue<string>());

        var body = await FiresAtMidnightOnceAsync(day, reached.Id);

        Assert.Equal(fixedDesk.Id.ToString(), body["data"]!["plan"]!["id"]!.GetValue<string>());
        Assert.Null(body["data"]!["next_plan"]);
        Assert.Single(await app.DeliveriesAsync(entered.Id));
        Assert.Equal(fixedDesk.Id, (await S.MembershipAsync(id)).PlanId);
    }

    [Fact]
    public async Task A_cancellation_ends_the_membership_at_midnight_once_and_moving_the_date_raises_canceled_again()
    {
        var id = (await S.AddMemberAsync((await S.AddPlanAsync()).Id)).Membership.Id;
        var canceled = (await app.CreateEndpointAsync(receiver.Url, ["canceled_membership"], name: "canceled")).Endpoint;
        var reached = (await app.CreateEndpointAsync(receiver.Url, ["membership_cancellation_date_reached"], name: "reached")).Endpoint;
        var service = S.GetRequiredService<MembershipService>();
        var today = await S.TodayAsync();
        var first = today.AddDays(20);
        var day = today.AddDays(5);

        Assert.True((await service.CancelAsync(id, MembersKit.Day(first), "test")).Succeeded);
        Assert.True((await service.CancelAsync(id, MembersKit.Day(day), "test")).Succeeded); // moved earlier
        await receiver.NextAsync();
        await receiver.NextAsync();
        Assert.Equal(2, (await app.DeliveriesAsync(canceled.Id)).Count);

        var body = await FiresAtMidnightOnceAsync(day, reached.Id);

        Assert.Equal("ended", body["data"]!["status"]!.GetValue<string>());
        Assert.Equal(MembershipStatus.Ended, (await S.MembershipAsync(id)).Status);
        // The first date passing later changes nothing: that cancellation was replaced.
        clock.SetUtcNow(Berlin.StartOf(first).AddMinutes(1));
        await S.RunDateJobAsync();
        await app.PumpAsync();
        Assert.Single(await app.DeliveriesAsync(reached.Id));
    }

    [Fact]
    public async Task A_removed_cancellation_never_fires_and_a_reactivated_membership_can_end_again_on_a_later_day()
    {
        var id = (await S.AddMemberAsync((await S.AddPlanAsync()).Id)).Membership.Id;
        var reached = (await app.CreateEndpointAsync(receiver.Url, ["membership_cancellation_date_reached"])).Endpoint;
        var service = S.GetRequiredService<MembershipService>();
        var today = await S.TodayAsync();

        Assert.True((await service.CancelAsync(id, MembersKit.Day(today.AddDays(2)), "test")).Succeeded);
        Assert.True((await service.UncancelAsync(id, "test")).Succeeded);
        clock.SetUtcNow(Berlin.StartOf(today.AddDays(3)));
        await S.RunDateJobAsync();
        await app.PumpAsync();
        Assert.Empty(await app.DeliveriesAsync(reached.Id));

        // End on today (due at once), reactivate, then end again on the same day: each cancellation fires on its own.
        var now = await S.TodayAsync();
        Assert.True((await service.CancelAsync(id, MembersKit.Day(now), "test")).Succeeded);
        await S.RunDateJobAsync();
        Assert.True((await service.ReactivateAsync(id, "test")).Succeeded);
        Assert.True((await service.CancelAsync(id, MembersKit.Day(now), "test")).Succeeded);
        await S.RunDateJobAsync();
        await S.RunDateJobAsync();
        await app.PumpAsync();

        Assert.Equal(2, (await app.DeliveriesAsync(reached.Id)).Count);
        Assert.Equal(MembershipStatus.Ended, (await S.MembershipAsync(id)).Status);
    }

    /// <summary>
    /// A minute before the day begins in Berlin: nothing, however often the job runs. At 00:00: one delivery. Later runs,
    /// the next minute and the next day: still one. Returns the delivered body, after checking its url reads the same object.
    /// </summary>
    private async Task<JsonNode> FiresAtMidnightOnceAsync(DateOnly day, long endpointId)
    {
        var midnight = Berlin.StartOf(day);
        await app.PumpAsync(); // every earlier delivery recorded, so no lease can lapse when the clock jumps
        var before = receiver.Received.Count;
        clock.SetUtcNow(midnight.AddMinutes(-1));
        await S.RunDateJobAsync();
        await S.RunDateJobAsync();
        await app.PumpAsync();
        Assert.Empty(await app.DeliveriesAsync(endpointId));

        clock.SetUtcNow(midnight);
        await S.RunDateJobAsync();
        var request = await receiver.NextAsync();
        await app.PumpAsync(); // recorded before the clock jumps: a jump past its lease would rightly send it again
        await S.RunDateJobAsync();
        clock.Advance(TimeSpan.FromMinutes(1));
        await S.RunDateJobAsync();
        clock.Advance(TimeSpan.FromDays(1));
        await S.RunDateJobAsync();
        await app.PumpAsync();

        Assert.Single(await app.DeliveriesAsync(endpointId));
        Assert.Equal(before + 1, receiver.Received.Count);
        var body = JsonNode.Parse(request.Body)!;
        var token = await S.GetRequiredService<ApiTokenService>().CreateAsync(AppHost.OwnerEmail, "reader", [ApiScopes.ReadMemberships], "test");
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value!.Token);
        var read = JsonNode.Parse(await client.GetStringAsync(body["url"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(read, body["data"]), $"{read}\n{body["data"]}");
        return body;
    }
}

/// <summary>The space's own time zone decides when a day begins, not the server's and not UTC.</summary>
public class MembershipDatesTimeZoneTests
{
    [Fact]
    public async Task In_New_York_a_date_is_reached_at_midnight_there_five_hours_after_utc_midnight()
    {
        await using var core = await CoreHost.StartAsync(); // the clock says 2026-03-02 09:00 UTC
        var setup = await core.Get<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = "owner@example.com", Password = AppHost.Password, SpaceName = "Big Apple Desks", Country = "US", Currency = "USD",
            TimeZone = "America/New_York", PublicBaseUrl = "https://desks.example.com",
        }, "test");
        Assert.True(setup.Succeeded, setup.Errors.ToString());
        var created = await core.Services.AddMemberAsync((await core.Services.AddPlanAsync()).Id, confirmationDate: "2026-03-05");

        core.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 5, 4, 59, 0, TimeSpan.Zero)); // 23:59 on the 4th in New York
        await core.Services.RunDateJobAsync();
        Assert.False((await core.Services.MembershipAsync(created.Membership.Id)).IsConfirmed);

        core.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 5, 5, 0, 0, TimeSpan.Zero)); // 00:00 on the 5th in New York
        await core.Services.RunDateJobAsync();
        await core.Services.RunDateJobAsync();

        Assert.True((await core.Services.MembershipAsync(created.Membership.Id)).IsConfirmed);
        Assert.Single(await core.Services.EventNamesAsync(), e => e == "confirmed_membership");
    }

    [Fact]
    public void A_day_that_skips_midnight_begins_at_its_first_valid_minute()
    {
        // Chile moved its clocks from 00:00 to 01:00 on 2022-09-11: that day began at 01:00 local.
        var santiago = SpaceClock.For("America/Santiago", "CL");

        var start = santiago.StartOf(new DateOnly(2022, 9, 11));

        Assert.Equal(new DateTimeOffset(2022, 9, 11, 4, 0, 0, TimeSpan.Zero), start.ToUniversalTime());
        Assert.Equal(new DateOnly(2022, 9, 11), santiago.Today(start));
    }
}
