using System.Net.Http.Json;
using System.Text.Json;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using EasySpace.Core.Space.Invoices;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Api;

/// <summary>
/// Bookings, check-ins and invoices made for a member carry the membership's id, the key an integrator joins on, both
/// when read through the API and in the webhook that announced them; a walk-in keeps its typed name and no id.
/// </summary>
public class MembershipLinkApiTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    private const string Actor = AppHost.OwnerEmail;
    private static int rooms;

    private async Task<(long Id, string Name)> MemberAsync()
    {
        var created = await app.Services.AddMemberAsync((await app.Services.AddPlanAsync($"Plan {Guid.NewGuid():N}")).Id);
        return (created.Membership.Id, created.Membership.Name);
    }

    /// <summary>Subscribes a receiver to <paramref name="eventName"/>, runs <paramref name="act"/>, and returns the object the webhook carried and the one the API reads at its URL.</summary>
    private async Task<(JsonElement Payload, JsonElement Read)> AnnouncedAndReadAsync(string eventName, string scope, Func<Task> act)
    {
        await using var receiver = await Receiver.StartAsync();
        await app.CreateEndpointAsync(receiver.Url, [eventName]);
        await act();
        var payload = (await receiver.NextAsync()).Json.GetProperty("data");
        var client = app.ApiClient(await app.CreateTokenAsync(Actor, scope));
        var read = await client.GetFromJsonAsync<JsonElement>(payload.GetProperty("url").GetString());
        return (payload, read);
    }

    /// <summary>Each object's <c>membership</c> is the member's id and name, as in Cobot's deleted_booking example.</summary>
    private static void AssertFor((long Id, string Name) member, params JsonElement[] objects)
    {
        foreach (var o in objects)
            Assert.Equal((member.Id.ToString(), member.Name),
                (o.GetProperty("membership").GetProperty("id").GetString(), o.GetProperty("membership").GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_booking_for_a_member_carries_the_membership_id_and_name_in_GET_and_in_created_booking()
    {
        var member = await MemberAsync();
        var room = await app.Services.AddResourceAsync($"Member room {Interlocked.Increment(ref rooms)}");
        var from = new DateTimeOffset(DateTimeOffset.UtcNow.Date, TimeSpan.Zero).AddDays(20).AddHours(9);

        var (payload, read) = await AnnouncedAndReadAsync("created_booking", ApiScopes.ReadBookings, async () =>
            (await app.Get<BookingService>().BookAsync(new BookingDraft
            {
                ResourceId = room.Id, From = from, To = from.AddHours(1), Title = "Pitch", MembershipId = member.Id,
                MemberName = "typed by mistake",   // the membership names the member, not what was typed
            }, Actor)).Ok());

        AssertFor(member, payload, read);
    }

    [Fact]
    public async Task A_check_in_of_a_member_carries_the_membership_id_in_GET_and_in_created_checkin()
    {
        var member = await MemberAsync();

        var (payload, read) = await AnnouncedAndReadAsync("created_checkin", ApiScopes.ReadCheckIns, async () =>
            (await app.Get<CheckInService>().CheckInAsync(new CheckInDraft { MembershipId = member.Id }, Actor)).Ok());

        AssertFor(member, payload, read);
    }

    [Fact]
    public async Task An_invoice_for_a_member_carries_membership_id_in_GET_and_in_created_invoice()
    {
        var member = await MemberAsync();
        var draft = BillingTestData.CobotExample(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14));
        draft.MembershipId = member.Id;

        var (payload, read) = await AnnouncedAndReadAsync("created_invoice", ApiScopes.ReadInvoices, async () =>
            (await app.Get<InvoiceService>().CreateAsync(draft, Actor)).Ok());

        Assert.Equal(member.Id.ToString(), payload.GetProperty("membership_id").GetString());
        Assert.Equal(member.Id.ToString(), read.GetProperty("membership_id").GetString());
    }

    [Fact]
    public async Task A_walk_in_keeps_its_typed_name_and_no_membership_id()
    {
        var walkIn = await app.Get<CheckInService>().CheckInAsync(new CheckInDraft { MemberName = $"Gina Guest {Guid.NewGuid():N}" }, Actor);
        var client = app.ApiClient(await app.CreateTokenAsync(Actor, ApiScopes.ReadCheckIns));

        var read = await client.GetFromJsonAsync<JsonElement>($"/api/check_ins/{walkIn.Ok().Id}");

        Assert.Equal(JsonValueKind.Null, read.GetProperty("membership").GetProperty("id").ValueKind);
        Assert.Equal(walkIn.Value!.MemberName, read.GetProperty("membership").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_membership_that_does_not_exist_is_refused_at_its_field_and_nothing_is_made()
    {
        const long nobody = 987_654;
        var room = await app.Services.AddResourceAsync($"Member room {Interlocked.Increment(ref rooms)}");
        var from = new DateTimeOffset(DateTimeOffset.UtcNow.Date, TimeSpan.Zero).AddDays(21).AddHours(9);
        var invoice = BillingTestData.CobotExample(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14));
        invoice.MembershipId = nobody;

        var errors = new[]
        {
            (await app.Get<BookingService>().BookAsync(new BookingDraft { ResourceId = room.Id, From = from, To = from.AddHours(1), Title = "Ghost", MembershipId = nobody }, Actor)).Errors,
            (await app.Get<CheckInService>().CheckInAsync(new CheckInDraft { MembershipId = nobody }, Actor)).Errors,
            (await app.Get<CheckInService>().AddTokenAsync(new CheckInTokenDraft { Token = "GHOST-0001", MembershipId = nobody }, Actor)).Errors,
            (await app.Get<InvoiceService>().CreateAsync(invoice, Actor)).Errors,
        };

        Assert.All(errors, e => Assert.Equal("That member does not exist (any more): pick another one.", e.For("MembershipId")));
    }
}
