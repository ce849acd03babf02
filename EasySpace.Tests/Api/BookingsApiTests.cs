using System.Net;
using System.Text.Json;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Api;

public class BookingsApiTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    private static int rooms;
    /// <summary>Each test books on its own day, far enough ahead that the lists of different tests never meet.</summary>
    private static DateTimeOffset Day(int n) => new DateTimeOffset(DateTimeOffset.UtcNow.Date, TimeSpan.Zero).AddDays(n);

    private Task<Resource> RoomAsync(decimal price = 10m) => app.Services.AddResourceAsync($"Room {Interlocked.Increment(ref rooms)}", hourlyPrice: price);

    private async Task<HttpClient> ClientAsync(string email, params string[] scopes) => app.ApiClient(await app.CreateTokenAsync(email, scopes));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task A_booking_reads_as_Cobot_shows_it_with_its_own_url()
    {
        var room = await RoomAsync(price: 12.5m);
        var from = Day(3).AddHours(9);
        var booking = await app.Services.BookAsync(room, from, TimeSpan.FromHours(2), title: "Workshop", memberName: "Ada Lovelace", comments: "projector");
        var client = await ClientAsync(AppHost.OwnerEmail, ApiScopes.ReadBookings);

        var json = await JsonAsync(await client.GetAsync($"/api/bookings/{booking.Id}"));

        var url = $"{app.BaseAddress.ToString().TrimEnd('/')}/api/bookings/{booking.Id}";
        Assert.Equal(["from", "to", "tax_rate", "title", "resource", "price", "currency", "membership", "url", "id", "can_change", "comments"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(from.ToString("yyyy'/'MM'/'dd HH':'mm':'ss '+0000'"), json.GetProperty("from").GetString());
        Assert.Equal(from.AddHours(2).ToString("yyyy'/'MM'/'dd HH':'mm':'ss '+0000'"), json.GetProperty("to").GetString());
        Assert.Equal("19.0", json.GetProperty("tax_rate").GetString());
        Assert.Equal(25m, json.GetProperty("price").GetDecimal());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("membership").GetProperty("id").ValueKind);
        Assert.Equal("Ada Lovelace", json.GetProperty("membership").GetProperty("name").GetString());
        Assert.Equal((room.Name, room.Id.ToString()), (json.GetProperty("resource").GetProperty("name").GetString(), json.GetProperty("resource").GetProperty("id").GetString()));
        Assert.Equal((url, booking.Id.ToString(), true), (json.GetProperty("url").GetString(), json.GetProperty("id").GetString(), json.GetProperty("can_change").GetBoolean()));
    }

    public static TheoryData<string, string, string, HttpStatusCode> Access => new()
    {
        { "bookings", AppHost.OwnerEmail, ApiScopes.ReadBookings, HttpStatusCode.OK },
        { "bookings", AppHost.OwnerEmail, ApiScopes.Read, HttpStatusCode.OK },
        { "bookings", ApiFixture.AdminEmail, ApiScopes.ReadBookings, HttpStatusCode.OK },
        { "bookings", AppHost.OwnerEmail, ApiScopes.ReadCheckIns, HttpStatusCode.Forbidden },
        { "bookings", ApiFixture.MemberEmail, ApiScopes.ReadBookings, HttpStatusCode.Forbidden },
        { "bookings", "", "", HttpStatusCode.Unauthorized },
        { "check_ins", AppHost.OwnerEmail, ApiScopes.ReadCheckIns, HttpStatusCode.OK },
        { "check_ins", ApiFixture.AdminEmail, ApiScopes.Read, HttpStatusCode.OK },
        { "check_ins", AppHost.OwnerEmail, ApiScopes.ReadBookings, HttpStatusCode.Forbidden },
        { "check_ins", ApiFixture.MemberEmail, ApiScopes.ReadCheckIns, HttpStatusCode.Forbidden },
        { "check_in_tokens", AppHost.OwnerEmail, ApiScopes.ReadCheckIns, HttpStatusCode.OK },
        { "check_in_tokens", AppHost.OwnerEmail, ApiScopes.ReadMemberships, HttpStatusCode.Forbidden },
        { "check_in_tokens", ApiFixture.MemberEmail, ApiScopes.Read, HttpStatusCode.Forbidden },
        { "resources", ApiFixture.MemberEmail, ApiScopes.ReadBookings, HttpStatusCode.OK },
        { "resources", AppHost.OwnerEmail, ApiScopes.ReadCheckIns, HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Access))]
    public async Task Bookings_and_check_ins_are_for_staff_tokens_with_the_scope_rooms_for_any_token_with_read_bookings(
        string collection, string email, string scope, HttpStatusCode expected)
    {
        var room = await RoomAsync();
        var id = collection switch
        {
            "bookings" => (await app.Services.BookAsync(room, Day(5).AddHours(Interlocked.Increment(ref rooms) % 20), TimeSpan.FromMinutes(30))).Id,
            "check_ins" => (await app.Services.CheckInAsync($"Member {Guid.NewGuid():N}")).Id,
            "check_in_tokens" => (await app.Services.AddTokenAsync($"T-{Guid.NewGuid():N}")).Id,
            _ => room.Id,
        };
        var client = email == "" ? app.ApiClient() : await ClientAsync(email, scope);

        var one = await client.GetAsync($"/api/{collection}/{id}");

        Assert.Equal(expected, one.StatusCode);
        if (expected != HttpStatusCode.OK) Assert.Contains("\"error\"", await one.Content.ReadAsStringAsync());
        if (collection != "check_in_tokens") Assert.Equal(expected, (await client.GetAsync($"/api/{collection}")).StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("+1")]
    [InlineData("987654321")]
    [InlineData("99999999999999999999999")]
    [InlineData("%3Cscript%3E")]
    public async Task An_unknown_or_malformed_id_answers_404_json(string id)
    {
        var client = await ClientAsync(AppHost.OwnerEmail, ApiScopes.Read);

        foreach (var collection in new[] { "bookings", "resources", "check_ins", "check_in_tokens" })
        {
            var response = await client.GetAsync($"/api/{collection}/{id}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("""{"error":"not found"}""", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_canceled_booking_and_a_removed_token_answer_404()
    {
        var booking = await app.Services.BookAsync(await RoomAsync(), Day(7).AddHours(9), TimeSpan.FromHours(1));
        var token = await app.Services.AddTokenAsync("GONE-0001");
        await app.Get<BookingService>().CancelAsync(booking.Id, "test");
        await app.Get<CheckInService>().DeleteTokenAsync(token.Id, "test");
        var client = await ClientAsync(AppHost.OwnerEmail, ApiScopes.Read);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/bookings/{booking.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/check_in_tokens/{token.Id}")).StatusCode);
    }

    [Fact]
    public async Task The_list_gives_the_bookings_that_overlap_the_range_in_time_order_page_by_page()
    {
        var room = await RoomAsync();
        var day = Day(9);
        await app.Services.BookAsync(room, day.AddHours(15), TimeSpan.FromHours(1), title: "late");
        var early = await app.Services.BookAsync(room, day.AddHours(8), TimeSpan.FromHours(2), title: "early");
        await app.Services.BookAsync(room, day.AddHours(-2), TimeSpan.FromHours(3), title: "overnight");
        await app.Services.BookAsync(room, day.AddDays(1).AddHours(8), TimeSpan.FromHours(1), title: "next day");
        var canceled = await app.Services.BookAsync(room, day.AddHours(12), TimeSpan.FromHours(1), title: "canceled");
        await app.Get<BookingService>().CancelAsync(canceled.Id, "test");
        var client = await ClientAsync(AppHost.OwnerEmail, ApiScopes.ReadBookings);
        var range = $"from={day:yyyy-MM-dd}&to={day.AddDays(1):yyyy-MM-dd}";

        var all = await client.GetAsync($"/api/bookings?{range}");
        var second = await client.GetAsync($"/api/bookings?{range}&page=2&per_page=1");
        var withTimes = await client.GetAsync($"/api/bookings?from={day.AddHours(9):yyyy-MM-ddTHH:mm:ssZ}&to={day.AddHours(15):yyyy-MM-ddTHH:mm:ss}%2B00:00");

        Assert.Equal(["overnight", "early", "late"], (await JsonAsync(all)).EnumerateArray().Select(b => b.GetProperty("title").GetString()));
        Assert.Equal("3", all.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal([early.Id.ToString()], (await JsonAsync(second)).EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        Assert.Equal("3", second.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal(["early"], (await JsonAsync(withTimes)).EnumerateArray().Select(b => b.GetProperty("title").GetString()));
    }

    [Theory]
    [InlineData("a word for a date", "from=yesterday", "from", "must be an ISO 8601 date or time, e.g. 2026-03-02 or 2026-03-02T09:00:00Z")]
    [InlineData("month 13", "from=2026-13-01", "from", "must be an ISO 8601 date or time")]
    [InlineData("30 February", "to=2026-02-30", "to", "must be an ISO 8601 date or time")]
    [InlineData("a US date", "from=03/02/2026", "from", "must be an ISO 8601 date or time")]
    [InlineData("markup", "to=%3Cscript%3E", "to", "must be an ISO 8601 date or time")]
    [InlineData("an empty date", "from=", "from", "must be an ISO 8601 date or time")]
    [InlineData("to before from", "from=2026-03-05&to=2026-03-04", "to", "must be after from")]
    [InlineData("to equal to from", "from=2026-03-05&to=2026-03-05", "to", "must be after from")]
    public async Task Bad_range_parameters_answer_400_naming_the_parameter(string tried, string query, string field, string message)
    {
        var client = await ClientAsync(AppHost.OwnerEmail, ApiScopes.ReadBookings);

        var response = await client.GetAsync($"/api/bookings?{query}");

        Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{tried}: {(int)response.StatusCode}");
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.StartsWith(message, errors.GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task Check_ins_list_newest_first_and_read_with_their_member_and_times()
    {
        var first = await app.Services.CheckInAsync($"Early {Guid.NewGuid():N}");
        var second = await app.Services.CheckInAsync($"Late {Guid.NewGuid():N}");
        await app.Get<CheckInService>().CheckOutAsync(first.Id, "test");
        var client = await ClientAsync(AppHost.OwnerEmail, ApiScopes.ReadCheckIns);

        var list = await client.GetAsync("/api/check_ins?per_page=200");
        var one = await JsonAsync(await client.GetAsync($"/api/check_ins/{first.Id}"));

        var ids = (await JsonAsync(list)).EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.True(ids.IndexOf(second.Id.ToString()) < ids.IndexOf(first.Id.ToString()));
        Assert.True(int.Parse(list.Headers.GetValues("X-Total-Count").Single()) >= 2);
        Assert.Equal(["id", "membership", "valid_from", "valid_until", "checked_out_at", "url"], one.EnumerateObject().Select(p => p.Name));
        Assert.Equal(one.GetProperty("valid_until").GetString(), one.GetProperty("checked_out_at").GetString());
        Assert.Equal(first.MemberName, one.GetProperty("membership").GetProperty("name").GetString());
        Assert.EndsWith($"/api/check_ins/{first.Id}", one.GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_check_in_token_reads_with_its_member_and_own_url()
    {
        var token = await app.Services.AddTokenAsync("04:A2:3B:9C:01", "Grace Hopper");
        var client = await ClientAsync(AppHost.OwnerEmail, ApiScopes.ReadCheckIns);

        var json = await JsonAsync(await client.GetAsync($"/api/check_in_tokens/{token.Id}"));

        Assert.Equal(("04:A2:3B:9C:01", "Grace Hopper"), (json.GetProperty("token").GetString(), json.GetProperty("membership").GetProperty("name").GetString()));
        Assert.Equal($"{app.BaseAddress.ToString().TrimEnd('/')}/api/check_in_tokens/{token.Id}", json.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Rooms_and_desks_list_without_the_archived_ones_and_read_one_by_one()
    {
        var open = await RoomAsync(price: 4.5m);
        var archived = await RoomAsync();
        await app.Get<ResourceService>().ArchiveAsync(archived.Id, "test");
        var client = await ClientAsync(ApiFixture.MemberEmail, ApiScopes.ReadBookings);

        var list = (await JsonAsync(await client.GetAsync("/api/resources"))).EnumerateArray().ToList();
        var one = await JsonAsync(await client.GetAsync($"/api/resources/{archived.Id}"));

        var shown = list.Single(r => r.GetProperty("id").GetString() == open.Id.ToString());
        Assert.Equal(["id", "name", "kind", "capacity", "hourly_price", "currency", "tax_rate", "archived", "url"], shown.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("room", 4.5m, "EUR"), (shown.GetProperty("kind").GetString(), shown.GetProperty("hourly_price").GetDecimal(), shown.GetProperty("currency").GetString()));
        Assert.DoesNotContain(list, r => r.GetProperty("id").GetString() == archived.Id.ToString());
        Assert.True(one.GetProperty("archived").GetBoolean());
    }

    [Fact]
    public async Task A_booking_title_with_markup_comes_back_as_the_same_text()
    {
        var booking = await app.Services.BookAsync(await RoomAsync(), Day(11).AddHours(9), TimeSpan.FromHours(1), title: "<script>alert(1)</script>");
        var client = await ClientAsync(AppHost.OwnerEmail, ApiScopes.ReadBookings);

        var json = await JsonAsync(await client.GetAsync($"/api/bookings/{booking.Id}"));

        Assert.Equal("<script>alert(1)</script>", json.GetProperty("title").GetString());
    }
}
