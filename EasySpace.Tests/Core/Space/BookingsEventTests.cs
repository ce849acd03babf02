using EasySpace.Core.Events;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using EasySpace.Tests.Core.Events;

namespace EasySpace.Tests.Core.Space;

/// <summary>Each booking and check-in action reaches a subscribed endpoint exactly once, with a URL the API answers.</summary>
public class BookingsEventTests() : AppWithReceiverTest(new AppHost())
{
    private static readonly DateTimeOffset Tomorrow = DateTimeOffset.UtcNow.Date.AddDays(1).AddHours(10);

    private async Task<HttpClient> ReaderAsync(string scope)
    {
        var token = await app.Get<ApiTokenService>().CreateAsync(AppHost.OwnerEmail, "reader", [scope], "test");
        Assert.True(token.Succeeded, token.Errors.ToString());
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value!.Token);
        return client;
    }

    private static string ScopeOf(string eventName) => eventName.Contains("booking") ? ApiScopes.ReadBookings : ApiScopes.ReadCheckIns;

    /// <summary>Prepares what the action needs (raising nothing the endpoint listens to), performs it, and returns the object's last GET answer.</summary>
    private async Task<JsonNode> PerformAsync(string eventName, HttpClient reader)
    {
        var services = app.Services;
        var room = await services.AddResourceAsync();
        switch (eventName)
        {
            case "created_booking":
                return await GetAsync(reader, "bookings", (await services.BookAsync(room, Tomorrow, TimeSpan.FromHours(1))).Id);
            case "updated_booking":
            {
                var booking = await services.BookAsync(room, Tomorrow, TimeSpan.FromHours(1));
                var draft = BookingDraft.Of(booking);
                draft.Title = "Renamed";
                Assert.True((await app.Get<BookingService>().ChangeAsync(booking.Id, draft, "test")).Succeeded);
                return await GetAsync(reader, "bookings", booking.Id);
            }
            case "deleted_booking":
            {
                var booking = await services.BookAsync(room, Tomorrow, TimeSpan.FromHours(1));
                var last = await GetAsync(reader, "bookings", booking.Id);
                Assert.True((await app.Get<BookingService>().CancelAsync(booking.Id, "test")).Succeeded);
                return last;
            }
            case "created_checkin":
                return await GetAsync(reader, "check_ins", (await services.CheckInAsync()).Id);
            case "created_checkout":
            {
                var checkIn = await services.CheckInAsync();
                Assert.True((await app.Get<CheckInService>().CheckOutAsync(checkIn.Id, "test")).Succeeded);
                return await GetAsync(reader, "check_ins", checkIn.Id);
            }
            case "created_checkin_token":
                return await GetAsync(reader, "check_in_tokens", (await services.AddTokenAsync()).Id);
            case "deleted_checkin_token":
            {
                var token = await services.AddTokenAsync();
                var last = await GetAsync(reader, "check_in_tokens", token.Id);
                Assert.True((await app.Get<CheckInService>().DeleteTokenAsync(token.Id, "test")).Succeeded);
                return last;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(eventName));
        }
    }

    private async Task<JsonNode> GetAsync(HttpClient reader, string collection, long id)
    {
        var response = await reader.GetAsync($"/api/{collection}/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public static TheoryData<string> ActionEvents =>
        ["created_booking", "updated_booking", "deleted_booking", "created_checkin", "created_checkout", "created_checkin_token", "deleted_checkin_token"];

    [Theory]
    [MemberData(nameof(ActionEvents))]
    public async Task Each_action_delivers_its_event_exactly_once_with_the_object_its_url_returns(string eventName)
    {
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, [eventName], PayloadFormat.Full)).Endpoint;
        var reader = await ReaderAsync(ScopeOf(eventName));

        var lastState = await PerformAsync(eventName, reader);

        var request = await receiver.NextAsync();
        await app.PumpAsync();
        Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        Assert.Single(receiver.Received);
        Assert.Equal(eventName, request.Header("X-EasySpace-Event"));
        var body = JsonNode.Parse(request.BodyText)!;
        var url = body["url"]!.GetValue<string>();
        Assert.Equal(lastState["url"]!.GetValue<string>(), url);
        Assert.True(JsonNode.DeepEquals(lastState, body["data"]), $"data {body["data"]} differs from the API's {lastState}");

        // The URL answers with the object; a canceled booking or a removed token is gone, as in Cobot.
        var now = await reader.GetAsync(url);
        Assert.Equal(eventName.StartsWith("deleted_") ? HttpStatusCode.NotFound : HttpStatusCode.OK, now.StatusCode);
        if (now.StatusCode == HttpStatusCode.OK) Assert.True(JsonNode.DeepEquals(lastState, JsonNode.Parse(await now.Content.ReadAsStringAsync())));
        await PayloadSchemas.AssertSentBodiesMatchAsync(app.Services);
    }

    [Fact]
    public async Task deleted_booking_in_the_thin_format_carries_the_bookings_last_state_in_Cobots_shape()
    {
        await app.CreateEndpointAsync(receiver.Url, ["deleted_booking"], PayloadFormat.Thin);
        var room = await app.Services.AddResourceAsync("Meeting Room", hourlyPrice: 5m, taxRate: 20m);
        var booking = await app.Services.BookAsync(room, Tomorrow, TimeSpan.FromHours(2), title: "test booking", memberName: "John Doe", comments: "coffee please");

        Assert.True((await app.Get<BookingService>().CancelAsync(booking.Id, "test")).Succeeded);

        var body = (await receiver.NextAsync()).Json;
        var url = $"{app.BaseAddress.ToString().TrimEnd('/')}/api/bookings/{booking.Id}";
        Assert.Equal(["url", "booking"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(url, body.GetProperty("url").GetString());
        var snapshot = body.GetProperty("booking");
        Assert.Equal(["from", "to", "tax_rate", "title", "resource", "price", "currency", "membership", "url", "id", "can_change", "comments"],
            snapshot.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Tomorrow.UtcDateTime.ToString("yyyy'/'MM'/'dd HH':'mm':'ss '+0000'"), snapshot.GetProperty("from").GetString());
        Assert.Equal("20.0", snapshot.GetProperty("tax_rate").GetString());
        Assert.Equal("test booking", snapshot.GetProperty("title").GetString());
        Assert.Equal(("Meeting Room", room.Id.ToString()), (snapshot.GetProperty("resource").GetProperty("name").GetString(), snapshot.GetProperty("resource").GetProperty("id").GetString()));
        Assert.Equal(10m, snapshot.GetProperty("price").GetDecimal());
        Assert.Equal("EUR", snapshot.GetProperty("currency").GetString());
        Assert.Equal("John Doe", snapshot.GetProperty("membership").GetProperty("name").GetString());
        Assert.Equal((url, booking.Id.ToString(), true, "coffee please"),
            (snapshot.GetProperty("url").GetString(), snapshot.GetProperty("id").GetString(), snapshot.GetProperty("can_change").GetBoolean(), snapshot.GetProperty("comments").GetString()));
    }

    [Fact]
    public async Task A_subscription_filtered_by_resource_gets_only_that_rooms_bookings()
    {
        var blue = await app.Services.AddResourceAsync("Blue Room");
        var green = await app.Services.AddResourceAsync("Green Room");
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_booking", "updated_booking", "deleted_booking"],
            filters: new EndpointFilters { ResourceId = green.Id.ToString() })).Endpoint;

        var inBlue = await app.Services.BookAsync(blue, Tomorrow, TimeSpan.FromHours(1), title: "blue");
        await app.Get<BookingService>().CancelAsync(inBlue.Id, "test");
        var inGreen = await app.Services.BookAsync(green, Tomorrow, TimeSpan.FromHours(1), title: "green");

        var request = await receiver.NextAsync();
        await app.PumpAsync();
        Assert.Equal("green", request.Json.GetProperty("data").GetProperty("title").GetString());
        Assert.EndsWith($"/api/bookings/{inGreen.Id}", request.Json.GetProperty("url").GetString());
        Assert.Single(await app.DeliveriesAsync(endpoint.Id));
    }

    [Fact]
    public async Task Refused_actions_deliver_nothing()
    {
        var endpoint = (await app.CreateEndpointAsync(receiver.Url,
            ["created_booking", "updated_booking", "deleted_booking", "created_checkin", "created_checkout", "created_checkin_token", "deleted_checkin_token"])).Endpoint;
        var room = await app.Services.AddResourceAsync();
        var booking = await app.Services.BookAsync(room, Tomorrow, TimeSpan.FromHours(1));
        var checkIn = await app.Services.CheckInAsync("Ada");
        await app.Services.AddTokenAsync("CAFE-0001", "Ada");
        await app.PumpAsync();
        var before = (await app.DeliveriesAsync(endpoint.Id)).Count;

        var bookings = app.Get<BookingService>();
        var checkIns = app.Get<CheckInService>();
        Assert.False((await bookings.BookAsync(new BookingDraft { ResourceId = room.Id, From = Tomorrow.AddMinutes(30), To = Tomorrow.AddHours(2), Title = "clash" }, "test")).Succeeded);
        Assert.False((await bookings.BookAsync(new BookingDraft { ResourceId = room.Id, From = Tomorrow.AddDays(-3), To = Tomorrow.AddHours(2), Title = "" }, "test")).Succeeded);
        Assert.False((await bookings.ChangeAsync(booking.Id, new BookingDraft { ResourceId = room.Id, From = Tomorrow, To = Tomorrow.AddDays(20), Title = "x" }, "test")).Succeeded);
        Assert.False((await bookings.CancelAsync(987654, "test")).Succeeded);
        Assert.False((await checkIns.CheckInAsync(new CheckInDraft { MemberName = "ada" }, "test")).Succeeded);
        Assert.False((await checkIns.CheckInWithTokenAsync("CAFE-0001", "test")).Succeeded);
        Assert.False((await checkIns.AddTokenAsync(new CheckInTokenDraft { Token = "CAFE-0001", MemberName = "Bob" }, "test")).Succeeded);
        Assert.False((await checkIns.DeleteTokenAsync(987654, "test")).Succeeded);
        Assert.True((await checkIns.CheckOutAsync(checkIn.Id, "test")).Succeeded);
        await receiver.NextAsync(); await receiver.NextAsync(); await receiver.NextAsync(); await receiver.NextAsync(); // the four that succeeded
        Assert.False((await checkIns.CheckOutAsync(checkIn.Id, "test")).Succeeded);
        await app.PumpAsync();

        var deliveries = await app.DeliveriesAsync(endpoint.Id);
        Assert.Equal(before + 1, deliveries.Count);
        Assert.Equal("created_checkout", deliveries[^1].EventName);
        Assert.True(receiver.NothingMore);
    }
}
