using System.Net;
using System.Net.Http.Headers;
using EasySpace.Core.Identity;
using EasySpace.Core.Scheduling;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using EasySpace.Tests.Core.Events;

namespace EasySpace.Tests.Core.Space;

/// <summary>booking_will_begin and booking_has_ended come from the minute job, at the right minute, once.</summary>
public class BookingsScheduleTests() : AppWithReceiverTest(new AppHost())
{
    private FakeTimeProvider clock = default!;

    public override async Task InitializeAsync()
    {
        clock = app.UseFakeClock();
        await base.InitializeAsync();
    }

    private Uri At(string path) => new(receiver.Url, path);

    /// <summary>
    /// Moves the clock and runs the minute job twice, as a second run in the same minute would; then lets the pump
    /// finish, so no delivery is in flight when the clock jumps on (its lease would expire and it would go again).
    /// </summary>
    private async Task RunJobAtAsync(DateTimeOffset at)
    {
        clock.SetUtcNow(at);
        var job = ActivatorUtilities.CreateInstance<DateDrivenEventsJob>(app.Services);
        await job.RunAsync(CancellationToken.None);
        await job.RunAsync(CancellationToken.None);
        await app.PumpAsync();
    }

    private async Task<int[]> CountsAsync(params Endpoint[] endpoints)
    {
        var counts = new int[endpoints.Length];
        for (var i = 0; i < endpoints.Length; i++) counts[i] = (await app.DeliveriesAsync(endpoints[i].Id)).Count;
        return counts;
    }

    [Fact]
    public async Task will_begin_reaches_each_endpoint_at_its_lead_time_once_and_has_ended_once_after_the_end()
    {
        var lead0 = (await app.CreateEndpointAsync(At("lead0"), ["booking_will_begin"], name: "at the start")).Endpoint;
        var lead30 = (await app.CreateEndpointAsync(At("lead30"), ["booking_will_begin"], filters: new EndpointFilters { LeadTimeMinutes = 30 }, name: "half an hour before")).Endpoint;
        var ended = (await app.CreateEndpointAsync(At("ended"), ["booking_has_ended"], name: "after the end")).Endpoint;
        var start = clock.GetUtcNow().AddHours(2);
        var end = start.AddHours(1);
        var room = await app.Services.AddResourceAsync();
        var booking = await app.Services.BookAsync(room, start, end - start);

        (TimeSpan Offset, int[] Expected)[] minutes =
        [
            (TimeSpan.FromMinutes(-90), [0, 0, 0]),
            (TimeSpan.FromMinutes(-31), [0, 0, 0]),
            (TimeSpan.FromMinutes(-30), [0, 1, 0]),
            (TimeSpan.FromMinutes(-29), [0, 1, 0]),
            (TimeSpan.FromMinutes(-1), [0, 1, 0]),
            (TimeSpan.Zero, [1, 1, 0]),
            (TimeSpan.FromMinutes(1), [1, 1, 0]),
            (TimeSpan.FromMinutes(59), [1, 1, 0]),
            (TimeSpan.FromMinutes(60), [1, 1, 1]),
            (TimeSpan.FromMinutes(61), [1, 1, 1]),
            (TimeSpan.FromMinutes(75), [1, 1, 1]),
        ];
        foreach (var (offset, expected) in minutes)
        {
            await RunJobAtAsync(start + offset);
            var got = await CountsAsync(lead0, lead30, ended);
            Assert.True(expected.AsEnumerable().SequenceEqual(got), $"{offset.TotalMinutes} min from the start: expected {string.Join(",", expected)}, got {string.Join(",", got)}");
        }

        await app.PumpAsync();
        Assert.Equal(["/ended", "/lead0", "/lead30"], receiver.Received.Select(r => r.Path).Order());
        Assert.All(receiver.Received, r => Assert.EndsWith($"/api/bookings/{booking.Id}", r.Json.GetProperty("url").GetString()));
        var beginAtStart = receiver.Received.Single(r => r.Path == "/lead0");
        Assert.Equal("booking_will_begin", beginAtStart.Header("X-EasySpace-Event"));
        Assert.Equal("booking_has_ended", receiver.Received.Single(r => r.Path == "/ended").Header("X-EasySpace-Event"));

        // The payload's URL answers with the booking.
        var token = (await app.Get<ApiTokenService>().CreateAsync(AppHost.OwnerEmail, "reader", [ApiScopes.ReadBookings], "test")).Value!;
        var reader = app.NewClient();
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        var response = await reader.GetAsync(beginAtStart.Json.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"id\":\"{booking.Id}\"", await response.Content.ReadAsStringAsync());
        await PayloadSchemas.AssertSentBodiesMatchAsync(app.Services);
    }

    [Fact]
    public async Task A_booking_moved_to_a_later_time_announces_itself_again_and_a_canceled_one_never_does()
    {
        var lead30 = (await app.CreateEndpointAsync(At("lead30"), ["booking_will_begin"], filters: new EndpointFilters { LeadTimeMinutes = 30 })).Endpoint;
        var ended = (await app.CreateEndpointAsync(At("ended"), ["booking_has_ended"])).Endpoint;
        var start = clock.GetUtcNow().AddHours(2);
        var room = await app.Services.AddResourceAsync();
        var moved = await app.Services.BookAsync(room, start, TimeSpan.FromHours(1), title: "moved");
        var canceled = await app.Services.BookAsync(room, start.AddHours(3), TimeSpan.FromHours(1), title: "canceled");
        Assert.True((await app.Get<BookingService>().CancelAsync(canceled.Id, "test")).Succeeded);

        await RunJobAtAsync(start.AddMinutes(-30));
        Assert.Equal(new[] { 1, 0 }, await CountsAsync(lead30, ended));

        var draft = BookingDraft.Of(moved);
        draft.From = start.AddHours(1);
        draft.To = start.AddHours(2);
        Assert.True((await app.Get<BookingService>().ChangeAsync(moved.Id, draft, "test")).Succeeded);
        await RunJobAtAsync(start.AddMinutes(29));
        Assert.Equal(new[] { 1, 0 }, await CountsAsync(lead30, ended));
        await RunJobAtAsync(start.AddMinutes(30));
        Assert.Equal(new[] { 2, 0 }, await CountsAsync(lead30, ended));

        // The moved booking ends at +120 min; past the canceled one's start (+180) and end (+240) nothing more comes.
        foreach (var minutes in new[] { 121, 180, 181, 240, 241, 245 }) await RunJobAtAsync(start.AddMinutes(minutes));
        Assert.Equal(new[] { 2, 1 }, await CountsAsync(lead30, ended));
    }

    [Fact]
    public async Task After_more_than_ten_minutes_of_downtime_the_stale_announcements_are_skipped()
    {
        var begin = (await app.CreateEndpointAsync(At("begin"), ["booking_will_begin"])).Endpoint;
        var ended = (await app.CreateEndpointAsync(At("ended"), ["booking_has_ended"])).Endpoint;
        var start = clock.GetUtcNow().AddHours(1);
        var room = await app.Services.AddResourceAsync();
        await app.Services.BookAsync(room, start, TimeSpan.FromMinutes(30));

        await RunJobAtAsync(start.AddMinutes(-5));
        await RunJobAtAsync(start.AddMinutes(11));   // the box was down across the start
        await RunJobAtAsync(start.AddMinutes(41));   // ... and across the end

        Assert.Equal(new[] { 0, 0 }, await CountsAsync(begin, ended));
    }

    [Fact]
    public async Task A_booking_made_inside_the_lead_time_is_announced_at_the_next_minute()
    {
        var lead60 = (await app.CreateEndpointAsync(At("lead60"), ["booking_will_begin"], filters: new EndpointFilters { LeadTimeMinutes = 60 })).Endpoint;
        var room = await app.Services.AddResourceAsync();
        var now = clock.GetUtcNow();
        await app.Services.BookAsync(room, now.AddMinutes(20), TimeSpan.FromHours(1));

        await RunJobAtAsync(now.AddMinutes(1));

        Assert.Equal(new[] { 1 }, await CountsAsync(lead60));
    }
}
