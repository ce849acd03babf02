using EasySpace.Core.Events;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using EasySpace.Tests.Core.Events;

namespace EasySpace.Tests.Core.Space;

/// <summary>Every membership event: raised once by the real action that causes it, delivered once, and its url reads the object.</summary>
public class MembersEventsTests() : AppWithReceiverTest(new AppHost())
{
    private IServiceProvider S => app.Services;

    public static TheoryData<string> ImmediateEvents => new()
    {
        "created_membership", "connected_user", "confirmed_membership", "updated_connected_user", "updated_membership_details",
        "updated_membership_picture", "updated_custom_field", "updated_payment_method", "changed_membership_plan",
        "membership_plan_change_date_reached", "canceled_membership", "uncanceled_membership", "reactivated_membership",
        "membership_cancellation_date_reached", "membership_added_time_passes", "membership_removed_time_passes",
    };

    [Theory]
    [MemberData(nameof(ImmediateEvents))]
    public async Task The_action_raises_its_event_once_and_the_payload_url_reads_the_membership_as_sent(string eventName)
    {
        var plan = await S.AddPlanAsync();
        var fixedDesk = await S.AddPlanAsync("Fixed desk", 250m);
        var service = S.GetRequiredService<MembershipService>();
        var today = await S.TodayAsync();
        CreatedMember? created = null;
        if (eventName is not ("created_membership" or "connected_user" or "confirmed_membership"))
            created = await S.AddMemberAsync(plan.Id);
        var id = created?.Membership.Id ?? 0;

        // What has to be true before the action (each step raises other events, before the endpoint exists).
        switch (eventName)
        {
            case "updated_custom_field":
                Assert.True((await S.GetRequiredService<CustomFieldService>().AddAsync("T-shirt size", "test")).Succeeded);
                break;
            case "uncanceled_membership":
                Ok(await service.CancelAsync(id, MembersKit.Day(today.AddDays(30)), "test"));
                break;
            case "reactivated_membership":
            case "membership_cancellation_date_reached":
                Ok(await service.CancelAsync(id, MembersKit.Day(today), "test"));
                if (eventName == "reactivated_membership") await S.RunDateJobAsync();
                break;
            case "membership_removed_time_passes":
                Ok(await service.AddTimePassesAsync(id, 3, "welcome", "test"));
                break;
        }
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, [eventName])).Endpoint;

        switch (eventName)
        {
            case "created_membership" or "connected_user" or "confirmed_membership":
                id = (await S.AddMemberAsync(plan.Id)).Membership.Id;
                break;
            case "updated_connected_user":
                Ok(await S.GetRequiredService<MemberAccounts>().ChangePasswordAsync(created!.Membership.UserId, created.Password, "N3w-password!!"));
                break;
            case "updated_membership_details":
                Ok(await service.UpdateDetailsAsync(id, new MemberDetails { Name = "Mia Moved", Address = "Neue Str. 1\n10115 Berlin", Phone = "+49 30 123" }, "test"));
                break;
            case "updated_membership_picture":
                Ok(await service.ChangePictureAsync(id, MembersKit.Png, "test"));
                break;
            case "updated_custom_field":
                Ok(await service.UpdateCustomFieldsAsync(id, new Dictionary<string, string?> { ["T-shirt size"] = "L" }, "test"));
                break;
            case "updated_payment_method":
                Ok(await service.ChangePaymentMethodAsync(id, PaymentMethod.Sepa, "test"));
                break;
            case "changed_membership_plan":
                Ok(await service.ChangePlanAsync(id, fixedDesk.Id, MembersKit.Day(today.AddDays(14)), "test"));
                break;
            case "membership_plan_change_date_reached":
                Ok(await service.ChangePlanAsync(id, fixedDesk.Id, null, "test")); // from today: reached at once
                break;
            case "canceled_membership":
                Ok(await service.CancelAsync(id, MembersKit.Day(today.AddDays(30)), "test"));
                break;
            case "uncanceled_membership":
                Ok(await service.UncancelAsync(id, "test"));
                break;
            case "reactivated_membership":
                Ok(await service.ReactivateAsync(id, "test"));
                break;
            case "membership_cancellation_date_reached":
                await S.RunDateJobAsync();
                break;
            case "membership_added_time_passes":
                Ok(await service.AddTimePassesAsync(id, 10, "bought a 10-pack", "test"));
                break;
            case "membership_removed_time_passes":
                Ok(await service.RemoveTimePassesAsync(id, 2, "used at the front desk", "test"));
                break;
        }

        var request = await receiver.NextAsync();
        await S.RunDateJobAsync(); // nothing date-driven may add a second one
        await app.PumpAsync();

        Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        Assert.Single(receiver.Received);
        Assert.Equal(eventName, request.Header("X-EasySpace-Event"));
        var body = JsonNode.Parse(request.Body)!;
        var url = body["url"]!.GetValue<string>();
        Assert.Equal($"{app.BaseAddress.ToString().TrimEnd('/')}/api/memberships/{id}", url);
        var response = await (await ReaderAsync()).GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(JsonNode.DeepEquals(read, body["data"]), $"GET {url}:\n{read}\nevent data:\n{body["data"]}");
        await PayloadSchemas.AssertSentBodiesMatchAsync(S);
    }

    [Fact]
    public async Task Updated_custom_field_names_the_changed_fields_so_a_fields_filter_selects_it()
    {
        var fields = S.GetRequiredService<CustomFieldService>();
        Assert.True((await fields.AddAsync("T-shirt size", "test")).Succeeded);
        Assert.True((await fields.AddAsync("Locker", "test")).Succeeded);
        var id = (await S.AddMemberAsync((await S.AddPlanAsync()).Id)).Membership.Id;
        var lockers = (await app.CreateEndpointAsync(receiver.Url, ["updated_custom_field"], filters: new EndpointFilters { Fields = ["Locker"] }, name: "lockers")).Endpoint;
        var shirts = (await app.CreateEndpointAsync(receiver.Url, ["updated_custom_field"], filters: new EndpointFilters { Fields = ["T-shirt size"] }, name: "shirts")).Endpoint;
        var service = S.GetRequiredService<MembershipService>();

        Ok(await service.UpdateCustomFieldsAsync(id, new Dictionary<string, string?> { ["Locker"] = "17", ["T-shirt size"] = null }, "test"));
        await receiver.NextAsync();
        await app.PumpAsync();

        Assert.Single(await app.DeliveriesAsync(lockers.Id));
        Assert.Empty(await app.DeliveriesAsync(shirts.Id)); // "T-shirt size" was empty and stays empty: not a change
        // The same values again change nothing and raise nothing.
        Ok(await service.UpdateCustomFieldsAsync(id, new Dictionary<string, string?> { ["Locker"] = "17" }, "test"));
        await app.PumpAsync();
        Assert.Single(await app.DeliveriesAsync(lockers.Id));
    }

    [Fact]
    public async Task Deleting_a_membership_sends_its_last_state_and_removes_the_login()
    {
        var created = await S.AddMemberAsync((await S.AddPlanAsync()).Id, "Dora Delete", "dora@example.com");
        var id = created.Membership.Id;
        var before = await (await ReaderAsync()).GetStringAsync($"/api/memberships/{id}");
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["deleted_membership"], PayloadFormat.Thin)).Endpoint;

        Ok(await S.GetRequiredService<MembershipService>().DeleteAsync(id, "test"));

        var body = JsonNode.Parse((await receiver.NextAsync()).Body)!;
        await app.PumpAsync();
        Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(before), body["membership"]), body.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, (await (await ReaderAsync()).GetAsync(body["url"]!.GetValue<string>())).StatusCode);
        await using var scope = S.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>().FindByEmailAsync("dora@example.com"));
        Assert.Null(await S.GetRequiredService<MembershipDirectory>().FindAsync(id));
        await PayloadSchemas.AssertSentBodiesMatchAsync(S);
    }

    [Fact]
    public async Task A_member_changing_their_e_mail_raises_updated_connected_user_and_logs_in_with_the_new_one()
    {
        var created = await S.AddMemberAsync((await S.AddPlanAsync()).Id, "Emil Email", "emil@example.com");
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["updated_connected_user", "updated_membership_details"])).Endpoint;

        Ok(await S.GetRequiredService<MemberAccounts>().ChangeOwnEmailAsync(created.Membership.UserId, "emil.new@example.com", created.Password));

        var body = JsonNode.Parse((await receiver.NextAsync()).Body)!;
        await app.PumpAsync();
        var delivery = Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        Assert.Equal("updated_connected_user", delivery.EventName);
        Assert.Equal("emil.new@example.com", body["data"]!["email"]!.GetValue<string>());
        await using var scope = S.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        var user = await users.FindByEmailAsync("emil.new@example.com");
        Assert.NotNull(user);
        Assert.Equal("emil.new@example.com", user.UserName); // the login form signs in by user name
        Assert.True(await users.CheckPasswordAsync(user, created.Password));
    }

    [Fact]
    public async Task A_wrong_current_password_changes_nothing_and_raises_nothing()
    {
        var created = await S.AddMemberAsync((await S.AddPlanAsync()).Id);
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["updated_connected_user"])).Endpoint;

        var result = await S.GetRequiredService<MemberAccounts>().ChangePasswordAsync(created.Membership.UserId, "not my password", "N3w-password!!");

        Assert.Contains("Incorrect password", result.Errors.For("OldPassword"));
        await app.PumpAsync();
        Assert.Empty(await app.DeliveriesAsync(endpoint.Id));
    }

    [Fact]
    public async Task A_staff_password_change_raises_no_membership_event()
    {
        var admin = await app.AddAdminAsync();
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["updated_connected_user"])).Endpoint;

        Ok(await S.GetRequiredService<MemberAccounts>().ChangePasswordAsync(admin.Id, AppHost.Password, "N3w-password!!"));

        await app.PumpAsync();
        Assert.Empty(await app.DeliveriesAsync(endpoint.Id));
    }

    [Fact]
    public async Task An_admin_giving_a_member_a_new_password_raises_updated_connected_user_once()
    {
        var created = await S.AddMemberAsync((await S.AddPlanAsync()).Id, email: "pia@example.com");
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["updated_connected_user"])).Endpoint;

        var reset = await S.GetRequiredService<MemberAccounts>().ResetPasswordAsync(created.Membership.Id, "test");

        Assert.True(reset.Succeeded);
        await receiver.NextAsync();
        await app.PumpAsync();
        Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        await using var scope = S.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        var user = await users.FindByEmailAsync("pia@example.com");
        Assert.True(await users.CheckPasswordAsync(user!, reset.Value!));
        Assert.False(await users.CheckPasswordAsync(user!, created.Password));
    }

    [Fact]
    public async Task A_refused_action_delivers_nothing()
    {
        var id = (await S.AddMemberAsync((await S.AddPlanAsync()).Id)).Membership.Id;
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["membership_removed_time_passes", "canceled_membership", "updated_membership_details"])).Endpoint;
        var service = S.GetRequiredService<MembershipService>();

        Assert.False((await service.RemoveTimePassesAsync(id, 1, null, "test")).Succeeded);
        Assert.False((await service.CancelAsync(id, "2001-01-01", "test")).Succeeded);
        Assert.False((await service.UpdateDetailsAsync(id, new MemberDetails { Name = "" }, "test")).Succeeded);
        await app.PumpAsync();

        Assert.Empty(await app.DeliveriesAsync(endpoint.Id));
        Assert.Empty(receiver.Received);
    }

    private async Task<HttpClient> ReaderAsync()
    {
        var token = await S.GetRequiredService<ApiTokenService>().CreateAsync(AppHost.OwnerEmail, "reader", [ApiScopes.ReadMemberships], "test");
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value!.Token);
        return client;
    }

    private static void Ok<T>(EasySpace.Core.Result<T> result) => Assert.True(result.Succeeded, result.Errors.ToString());
}
