using EasySpace.Core.Space.Bookings;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Space;

/// <summary>What a manager notices when booking: prices, clashes, changing and canceling, archived rooms.</summary>
public sealed class BookingsRulesTests : IAsyncLifetime
{
    private readonly BookingsCoreFixture fixture = new();
    private IServiceProvider Services => fixture.Services;
    private BookingService Bookings => Services.GetRequiredService<BookingService>();
    private BookingDirectory Directory => Services.GetRequiredService<BookingDirectory>();
    private CoreHost Host => fixture.Host;
    /// <summary>Tomorrow at 10:00 UTC (the host's clock reads Mon 2 Mar 2026 09:00 UTC; no setup, so the space's clock is UTC).</summary>
    private static readonly DateTimeOffset Ten = new(2026, 3, 3, 10, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => fixture.InitializeAsync();
    public Task DisposeAsync() => fixture.DisposeAsync();

    private static BookingDraft Draft(Resource r, DateTimeOffset from, DateTimeOffset to, string title = "Other meeting") =>
        new() { ResourceId = r.Id, From = from, To = to, Title = title };

    [Theory]
    [InlineData(10.00, 90, 15.00)]
    [InlineData(7.99, 20, 2.66)]
    [InlineData(0, 240, 0)]
    [InlineData(12.50, 14 * 24 * 60, 4200.00)]
    public async Task The_price_is_the_hourly_price_for_the_booked_time_to_the_cent(decimal hourly, int minutes, decimal expected)
    {
        var room = await Services.AddResourceAsync(hourlyPrice: hourly, taxRate: 7m);

        var booking = await Services.BookAsync(room, Ten, TimeSpan.FromMinutes(minutes));

        Assert.Equal(expected, booking.Price);
        var shown = await Directory.FindAsync(booking.Id.ToString());
        Assert.Equal(expected, shown!.Price);
        Assert.Equal(("EUR", "7.0"), (shown.Currency, shown.TaxRate));
    }

    [Fact]
    public async Task A_clashing_booking_is_refused_naming_the_other_bookings_time_and_raises_nothing()
    {
        var room = await Services.AddResourceAsync();
        await Services.BookAsync(room, Ten, TimeSpan.FromHours(1), title: "Team sync");

        var result = await Bookings.BookAsync(Draft(room, Ten.AddMinutes(30), Ten.AddMinutes(90)), BookingsTestData.Actor);

        Assert.False(result.Succeeded);
        Assert.Equal("Meeting Room is already booked Tue 3 Mar 2026, 10:00–11:00 (“Team sync”). Choose another time or room.", result.Errors.For(""));
        Assert.Single(await Services.EventsAsync("created_booking"));
        Assert.Equal(1, (await Directory.PageAsync(null, null, room.Id, 0, 50)).Total);
    }

    [Theory]
    [InlineData("inside it", 15, 45)]
    [InlineData("around it", -60, 120)]
    [InlineData("over its start", -30, 30)]
    [InlineData("exactly on it", 0, 60)]
    public async Task Every_kind_of_overlap_is_a_clash(string tried, int fromMinutes, int toMinutes)
    {
        var room = await Services.AddResourceAsync();
        await Services.BookAsync(room, Ten, TimeSpan.FromHours(1));

        var result = await Bookings.BookAsync(Draft(room, Ten.AddMinutes(fromMinutes), Ten.AddMinutes(toMinutes)), BookingsTestData.Actor);

        Assert.False(result.Succeeded, tried);
        Assert.Contains("is already booked", result.Errors.For(""));
    }

    [Fact]
    public async Task Back_to_back_bookings_another_room_at_the_same_time_and_a_canceled_slot_are_fine()
    {
        var room = await Services.AddResourceAsync();
        var desk = await Services.AddResourceAsync("Desk 1", kind: ResourceKind.Desk);
        var first = await Services.BookAsync(room, Ten, TimeSpan.FromHours(1));

        await Services.BookAsync(room, Ten.AddHours(1), TimeSpan.FromHours(1), title: "right after");
        await Services.BookAsync(room, Ten.AddHours(-1), TimeSpan.FromHours(1), title: "right before");
        await Services.BookAsync(desk, Ten, TimeSpan.FromHours(1), title: "same time, other desk");
        Assert.True((await Bookings.CancelAsync(first.Id, BookingsTestData.Actor)).Succeeded);
        await Services.BookAsync(room, Ten, TimeSpan.FromHours(1), title: "the freed slot");
    }

    [Fact]
    public async Task Changing_the_time_reprices_and_raises_updated_booking_once()
    {
        var room = await Services.AddResourceAsync(hourlyPrice: 20m);
        var booking = await Services.BookAsync(room, Ten, TimeSpan.FromHours(1));
        var draft = BookingDraft.Of(booking);
        draft.To = Ten.AddHours(3);

        var result = await Bookings.ChangeAsync(booking.Id, draft, BookingsTestData.Actor);

        Assert.True(result.Succeeded, result.Errors.ToString());
        Assert.Equal(60m, result.Value!.Price);
        var updated = Assert.Single(await Services.EventsAsync("updated_booking"));
        Assert.Contains("\"price\":60", updated.DataJson);
    }

    [Fact]
    public async Task Moving_a_booking_to_another_room_takes_that_rooms_price_and_names_it_in_the_event()
    {
        var room = await Services.AddResourceAsync(hourlyPrice: 20m);
        var cheap = await Services.AddResourceAsync("Phone Booth", hourlyPrice: 2m);
        var booking = await Services.BookAsync(room, Ten, TimeSpan.FromHours(2));
        var draft = BookingDraft.Of(booking);
        draft.ResourceId = cheap.Id;

        var result = await Bookings.ChangeAsync(booking.Id, draft, BookingsTestData.Actor);

        Assert.Equal(4m, result.Value!.Price);
        var updated = Assert.Single(await Services.EventsAsync("updated_booking"));
        Assert.Contains($"\"resource\":{{\"name\":\"Phone Booth\",\"id\":\"{cheap.Id}\"}}", updated.DataJson);
    }

    [Fact]
    public async Task Saving_a_booking_unchanged_raises_nothing()
    {
        var room = await Services.AddResourceAsync();
        var booking = await Services.BookAsync(room, Ten, TimeSpan.FromHours(1));

        var result = await Bookings.ChangeAsync(booking.Id, BookingDraft.Of(booking), BookingsTestData.Actor);

        Assert.True(result.Succeeded);
        Assert.Empty(await Services.EventsAsync("updated_booking"));
    }

    [Fact]
    public async Task Moving_a_booking_onto_another_is_refused_and_leaves_it_as_it_was()
    {
        var room = await Services.AddResourceAsync();
        await Services.BookAsync(room, Ten, TimeSpan.FromHours(1), title: "Board meeting");
        var later = await Services.BookAsync(room, Ten.AddHours(2), TimeSpan.FromHours(1), title: "Later");
        var draft = BookingDraft.Of(later);
        draft.From = Ten.AddMinutes(30);
        draft.To = Ten.AddMinutes(90);
        draft.Title = "Moved";

        var result = await Bookings.ChangeAsync(later.Id, draft, BookingsTestData.Actor);

        Assert.Equal("Meeting Room is already booked Tue 3 Mar 2026, 10:00–11:00 (“Board meeting”). Choose another time or room.", result.Errors.For(""));
        var unchanged = await Directory.FindAsync(later.Id.ToString());
        Assert.Equal(("Later", "2026/03/03 12:00:00 +0000"), (unchanged!.Title, unchanged.From));
        Assert.Empty(await Services.EventsAsync("updated_booking"));
    }

    [Fact]
    public async Task A_booking_that_has_started_can_no_longer_be_changed_or_canceled()
    {
        var room = await Services.AddResourceAsync();
        var booking = await Services.BookAsync(room, Ten, TimeSpan.FromHours(2));
        Host.Clock.SetUtcNow(Ten.AddMinutes(1));
        var draft = BookingDraft.Of(booking);
        draft.Title = "Renamed";

        var change = await Bookings.ChangeAsync(booking.Id, draft, BookingsTestData.Actor);
        var cancel = await Bookings.CancelAsync(booking.Id, BookingsTestData.Actor);

        Assert.Equal("This booking has started, so it can no longer be changed.", change.Errors.For(""));
        Assert.Equal("This booking has started, so it can no longer be canceled.", cancel.Errors.For(""));
        Assert.False((await Directory.FindAsync(booking.Id.ToString()))!.CanChange);
        Assert.Empty(await Services.EventsAsync("updated_booking"));
        Assert.Empty(await Services.EventsAsync("deleted_booking"));
    }

    [Fact]
    public async Task Canceling_sends_the_last_state_and_the_booking_is_gone_from_the_API()
    {
        var room = await Services.AddResourceAsync();
        var booking = await Services.BookAsync(room, Ten, TimeSpan.FromHours(2));
        var before = await Directory.FindAsync(booking.Id.ToString());

        Assert.True((await Bookings.CancelAsync(booking.Id, BookingsTestData.Actor)).Succeeded);

        Assert.Null(await Directory.FindAsync(booking.Id.ToString()));
        var deleted = Assert.Single(await Services.EventsAsync("deleted_booking"));
        Assert.Equal(before!.ToJson().ToJsonString(), deleted.DataJson);
        Assert.Equal("That booking does not exist or was already canceled.", (await Bookings.CancelAsync(booking.Id, BookingsTestData.Actor)).Errors.For(""));
        Assert.Single(await Services.EventsAsync("deleted_booking"));
    }

    [Fact]
    public async Task An_archived_room_takes_no_new_bookings_but_keeps_and_lets_you_edit_its_existing_ones()
    {
        var resources = Services.GetRequiredService<ResourceService>();
        var room = await Services.AddResourceAsync();
        var booking = await Services.BookAsync(room, Ten, TimeSpan.FromHours(1));

        Assert.True((await resources.ArchiveAsync(room.Id, BookingsTestData.Actor)).Succeeded);
        var refused = await Bookings.BookAsync(Draft(room, Ten.AddHours(3), Ten.AddHours(4)), BookingsTestData.Actor);
        var draft = BookingDraft.Of(booking);
        draft.Title = "Still on";
        var edited = await Bookings.ChangeAsync(booking.Id, draft, BookingsTestData.Actor);

        Assert.Equal("Meeting Room is archived; choose another room or desk.", refused.Errors.For("ResourceId"));
        Assert.True(edited.Succeeded, edited.Errors.ToString());
        Assert.DoesNotContain(await Directory.ResourcesAsync(), r => r.Id == room.Id);

        Assert.True((await resources.RestoreAsync(room.Id, BookingsTestData.Actor)).Succeeded);
        Assert.True((await Bookings.BookAsync(Draft(room, Ten.AddHours(3), Ten.AddHours(4)), BookingsTestData.Actor)).Succeeded);
    }

    [Fact]
    public async Task A_new_hourly_price_applies_to_new_bookings_only()
    {
        var resources = Services.GetRequiredService<ResourceService>();
        var room = await Services.AddResourceAsync(hourlyPrice: 10m);
        var old = await Services.BookAsync(room, Ten, TimeSpan.FromHours(1));
        var draft = ResourceDraft.From(room);
        draft.HourlyPrice = 30m;

        Assert.True((await resources.UpdateAsync(room.Id, draft, BookingsTestData.Actor)).Succeeded);
        var fresh = await Services.BookAsync(room, Ten.AddHours(1), TimeSpan.FromHours(1));

        Assert.Equal(10m, (await Directory.FindAsync(old.Id.ToString()))!.Price);
        Assert.Equal(30m, fresh.Price);
    }

    [Fact]
    public async Task Every_change_is_in_the_activity_log_with_who_did_it()
    {
        var room = await Services.AddResourceAsync();
        var booking = await Services.BookAsync(room, Ten, TimeSpan.FromHours(1));
        await Bookings.CancelAsync(booking.Id, "admin@example.com");

        var log = await Services.GetRequiredService<EasySpace.Core.Activity.ActivityLogReader>().PageAsync(null, 0, 10);

        Assert.Equal(["booking.canceled", "booking.created", "resource.added"], log.Items.Select(e => e.Action));
        Assert.Equal("Ada Lovelace's booking of Meeting Room on Tue 3 Mar 2026, 10:00–11:00 was canceled by admin@example.com", log.Items[0].Sentence);
    }
}
