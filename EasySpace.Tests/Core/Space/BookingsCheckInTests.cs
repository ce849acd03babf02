using EasySpace.Core.Scheduling;
using EasySpace.Core.Space.CheckIns;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Space;

/// <summary>Check-ins, check-outs and badge tokens, as the Check-ins page uses them (part of the Bookings slice).</summary>
public sealed class BookingsCheckInTests : IAsyncLifetime
{
    private readonly BookingsCoreFixture fixture = new();
    private IServiceProvider Services => fixture.Services;
    private CheckInService CheckIns => Services.GetRequiredService<CheckInService>();
    private CheckInDirectory Directory => Services.GetRequiredService<CheckInDirectory>();

    public Task InitializeAsync() => fixture.InitializeAsync();
    public Task DisposeAsync() => fixture.DisposeAsync();

    [Fact]
    public async Task A_checked_in_member_is_present_until_the_end_of_the_day()
    {
        var checkIn = await Services.CheckInAsync("Ada Lovelace");

        Assert.Equal(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero), checkIn.ValidUntil);
        Assert.Equal(["Ada Lovelace"], (await Directory.PresentAsync()).Select(c => c.MemberName));
        var shown = await Directory.FindAsync(checkIn.Id.ToString());
        Assert.Equal(("2026/03/02 09:00:00 +0000", "2026/03/03 00:00:00 +0000", null), (shown!.ValidFrom, shown.ValidUntil, shown.CheckedOutAt));
        Assert.Single(await Services.EventsAsync("created_checkin"));
    }

    [Fact]
    public async Task Checking_in_someone_already_present_is_refused_and_raises_nothing()
    {
        await Services.CheckInAsync("Ada Lovelace");

        var again = await CheckIns.CheckInAsync(new CheckInDraft { MemberName = "  ada lovelace " }, BookingsTestData.Actor);

        Assert.Equal("Ada Lovelace is already checked in (since 09:00).", again.Errors.For("MemberName"));
        Assert.Single(await Services.EventsAsync("created_checkin"));
    }

    [Fact]
    public async Task Checking_out_raises_created_checkout_once_and_a_second_check_out_is_refused()
    {
        var checkIn = await Services.CheckInAsync();
        fixture.Host.Clock.Advance(TimeSpan.FromHours(3));

        var result = await CheckIns.CheckOutAsync(checkIn.Id, BookingsTestData.Actor);
        var again = await CheckIns.CheckOutAsync(checkIn.Id, BookingsTestData.Actor);

        Assert.True(result.Succeeded);
        Assert.Equal("Ada Lovelace already checked out at 12:00.", again.Errors.For(""));
        var checkout = Assert.Single(await Services.EventsAsync("created_checkout"));
        Assert.Equal("2026/03/02 12:00:00 +0000", System.Text.Json.JsonDocument.Parse(checkout.DataJson).RootElement.GetProperty("checked_out_at").GetString());
        Assert.Empty(await Directory.PresentAsync());
        // Present again after leaving: a new check-in is fine.
        await Services.CheckInAsync();
    }

    [Fact]
    public async Task A_check_in_that_expires_raises_nothing_and_cannot_be_checked_out_afterwards()
    {
        var checkIn = await Services.CheckInAsync();
        fixture.Host.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 3, 8, 0, 0, TimeSpan.Zero));
        await ActivatorUtilities.CreateInstance<DateDrivenEventsJob>(Services).RunAsync(CancellationToken.None);

        var result = await CheckIns.CheckOutAsync(checkIn.Id, BookingsTestData.Actor);

        Assert.Empty(await Directory.PresentAsync());
        Assert.Equal("Ada Lovelace's check-in ended by itself at 00:00; there is nothing to check out.", result.Errors.For(""));
        Assert.Empty(await Services.EventsAsync("created_checkout"));
    }

    [Fact]
    public async Task Checking_out_an_unknown_check_in_is_refused()
    {
        var result = await CheckIns.CheckOutAsync(424242, BookingsTestData.Actor);

        Assert.Equal("That check-in does not exist.", result.Errors.For(""));
        Assert.Empty(await Services.EventsAsync());
    }

    [Fact]
    public async Task A_badge_checks_its_member_in_and_an_unknown_badge_is_refused()
    {
        var token = await Services.AddTokenAsync("04:A2:3B:9C", "Grace Hopper");

        var unknown = await CheckIns.CheckInWithTokenAsync("FF:FF:FF:FF", BookingsTestData.Actor);
        var known = await CheckIns.CheckInWithTokenAsync(" 04:A2:3B:9C ", BookingsTestData.Actor);

        Assert.Equal("No member has this token.", unknown.Errors.For("Token"));
        Assert.Equal(("Grace Hopper", (long?)token.Id), (known.Value!.MemberName, known.Value.CheckInTokenId));
        Assert.Single(await Services.EventsAsync("created_checkin"));
    }

    [Fact]
    public async Task A_token_belongs_to_one_member_only()
    {
        await Services.AddTokenAsync("04:A2:3B:9C", "Grace Hopper");

        var result = await CheckIns.AddTokenAsync(new CheckInTokenDraft { Token = "04:A2:3B:9C", MemberName = "Ada" }, BookingsTestData.Actor);

        Assert.Equal("This token already belongs to Grace Hopper.", result.Errors.For("Token"));
        Assert.Single(await Services.EventsAsync("created_checkin_token"));
    }

    [Fact]
    public async Task Deleting_a_token_raises_deleted_checkin_token_once_and_its_check_ins_stay_on_record()
    {
        var token = await Services.AddTokenAsync();
        var checkIn = (await CheckIns.CheckInWithTokenAsync(token.Token, BookingsTestData.Actor)).Value!;

        var result = await CheckIns.DeleteTokenAsync(token.Id, BookingsTestData.Actor);
        var again = await CheckIns.DeleteTokenAsync(token.Id, BookingsTestData.Actor);

        Assert.True(result.Succeeded);
        Assert.Equal("That token does not exist or was already removed.", again.Errors.For(""));
        Assert.Null(await Directory.FindTokenAsync(token.Id.ToString()));
        Assert.NotNull(await Directory.FindAsync(checkIn.Id.ToString()));
        var deleted = Assert.Single(await Services.EventsAsync("deleted_checkin_token"));
        Assert.Contains("\"token\":\"04:A2:3B:9C\"", deleted.DataJson);
        Assert.Equal("No member has this token.", (await CheckIns.CheckInWithTokenAsync(token.Token, BookingsTestData.Actor)).Errors.For("Token"));
    }
}
