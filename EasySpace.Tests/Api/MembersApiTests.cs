using System.Net;
using System.Text.Json;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Api;

/// <summary>The space of <see cref="ApiFixture"/> plus three memberships: Ann's and Ben's (members with their own logins) and Cleo's.</summary>
public sealed class MembersApiFixture : ApiFixture
{
    public CreatedMember Ann { get; private set; } = default!;
    public CreatedMember Ben { get; private set; } = default!;
    public CreatedMember Cleo { get; private set; } = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var plan = await Services.AddPlanAsync("Flex desk", 120m);
        Assert.True((await Get<CustomFieldService>().AddAsync("T-shirt size", "test")).Succeeded);
        Ann = await Services.AddMemberAsync(plan.Id, "Ann Api", "ann@example.com");
        Ben = await Services.AddMemberAsync(plan.Id, "Ben Api", "ben@example.com");
        Cleo = await Services.AddMemberAsync(plan.Id, "Cleo Api", "cleo@example.com", confirmationDate: MembersKit.Day((await Services.TodayAsync()).AddDays(7)));
        Assert.True((await Get<MembershipService>().UpdateCustomFieldsAsync(Ann.Membership.Id, new Dictionary<string, string?> { ["T-shirt size"] = "M" }, "test")).Succeeded);
    }
}

public class MembersApiTests(MembersApiFixture app) : IClassFixture<MembersApiFixture>
{
    [Fact]
    public async Task The_owner_reads_a_membership_with_every_field_and_its_own_url()
    {
        var token = await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadMemberships);
        var id = app.Ann.Membership.Id;

        var response = await app.ApiClient(token).GetAsync($"/api/memberships/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var m = json.RootElement;
        Assert.Equal(["id", "name", "email", "company", "address", "phone", "plan", "next_plan", "status", "confirmation_date", "confirmed_at",
            "canceled_to", "custom_fields", "payment_method", "time_passes", "picture_url", "url"], m.EnumerateObject().Select(p => p.Name));
        Assert.Equal(id.ToString(), m.GetProperty("id").GetString());
        Assert.Equal(("Ann Api", "ann@example.com", "Mia GmbH"), (m.GetProperty("name").GetString(), m.GetProperty("email").GetString(), m.GetProperty("company").GetString()));
        var plan = m.GetProperty("plan");
        Assert.Equal(("Flex desk", 120m, "EUR", "month"), (plan.GetProperty("name").GetString(), plan.GetProperty("price").GetDecimal(),
            plan.GetProperty("currency").GetString(), plan.GetProperty("interval").GetString()));
        Assert.Equal("active", m.GetProperty("status").GetString());
        Assert.Equal(m.GetProperty("confirmation_date").GetString(), m.GetProperty("confirmed_at").GetString());
        Assert.Equal(JsonValueKind.Null, m.GetProperty("canceled_to").ValueKind);
        Assert.Equal("M", m.GetProperty("custom_fields").GetProperty("T-shirt size").GetString());
        Assert.Equal("invoice", m.GetProperty("payment_method").GetString());
        Assert.Equal(0, m.GetProperty("time_passes").GetInt32());
        Assert.Equal($"{app.BaseAddress.ToString().TrimEnd('/')}/api/memberships/{id}", m.GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_pending_membership_shows_its_confirmation_day_but_no_confirmed_at()
    {
        var token = await app.CreateTokenAsync(ApiFixture.AdminEmail, ApiScopes.Read);

        using var json = JsonDocument.Parse(await app.ApiClient(token).GetStringAsync($"/api/memberships/{app.Cleo.Membership.Id}"));

        Assert.Equal("pending", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("confirmed_at").ValueKind);
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("confirmation_date").ValueKind);
    }

    [Fact]
    public async Task A_member_reads_their_own_membership_and_no_one_elses()
    {
        var token = await app.CreateTokenAsync("ann@example.com", ApiScopes.ReadMemberships);
        var client = app.ApiClient(token);

        var own = await client.GetAsync($"/api/memberships/{app.Ann.Membership.Id}");
        var other = await client.GetAsync($"/api/memberships/{app.Ben.Membership.Id}");
        var list = await client.GetAsync("/api/memberships");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode); // as if it did not exist: ids are not probed
        Assert.Equal("not found", await ErrorAsync(other));
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal("This call is for the owner and admins; this token's user is neither.", await ErrorAsync(list));
    }

    [Fact]
    public async Task A_member_without_a_membership_reads_nothing()
    {
        var token = await app.CreateTokenAsync(ApiFixture.MemberEmail, ApiScopes.ReadMemberships);

        var response = await app.ApiClient(token).GetAsync($"/api/memberships/{app.Ann.Membership.Id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_token_without_the_scope_gets_403_naming_it()
    {
        var token = await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadBookings, ApiScopes.ReadAdmins);

        var one = await app.ApiClient(token).GetAsync($"/api/memberships/{app.Ann.Membership.Id}");
        var list = await app.ApiClient(token).GetAsync("/api/memberships");

        Assert.Equal(HttpStatusCode.Forbidden, one.StatusCode);
        Assert.Equal("This token lacks the read_memberships scope.", await ErrorAsync(one));
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal("This token lacks the read_memberships scope.", await ErrorAsync(list));
    }

    [Fact]
    public async Task No_token_gets_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ApiClient().GetAsync($"/api/memberships/{app.Ann.Membership.Id}")).StatusCode);
    }

    [Theory]
    [InlineData("999999")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("%20")]
    [InlineData("99999999999999999999999")]
    [InlineData("%3Cscript%3E")]
    public async Task An_unknown_or_malformed_id_gets_404_JSON(string id)
    {
        var token = await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadMemberships);

        var response = await app.ApiClient(token).GetAsync($"/api/memberships/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not found", await ErrorAsync(response));
    }

    [Fact]
    public async Task The_list_pages_oldest_first_with_the_total_in_a_header()
    {
        var token = await app.CreateTokenAsync(ApiFixture.AdminEmail, ApiScopes.ReadMemberships);
        var client = app.ApiClient(token);

        var first = await client.GetAsync("/api/memberships?page=1&per_page=2");
        var second = await client.GetAsync("/api/memberships?page=2&per_page=2");
        var beyond = await client.GetAsync("/api/memberships?page=9&per_page=2");
        var all = await client.GetAsync("/api/memberships");

        Assert.Equal("3", first.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal([app.Ann.Membership.Id.ToString(), app.Ben.Membership.Id.ToString()], await IdsAsync(first));
        Assert.Equal([app.Cleo.Membership.Id.ToString()], await IdsAsync(second));
        Assert.Empty(await IdsAsync(beyond));
        Assert.Equal(3, (await IdsAsync(all)).Count);
    }

    [Fact]
    public async Task A_picture_is_read_at_its_picture_url_by_whoever_may_read_the_membership()
    {
        var id = app.Ben.Membership.Id;
        Assert.True((await app.Get<MembershipService>().ChangePictureAsync(id, MembersKit.Png, "test")).Succeeded);
        var owner = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadMemberships));
        var ann = app.ApiClient(await app.CreateTokenAsync("ann@example.com", ApiScopes.ReadMemberships));

        using var json = JsonDocument.Parse(await owner.GetStringAsync($"/api/memberships/{id}"));
        var pictureUrl = json.RootElement.GetProperty("picture_url").GetString()!;
        var picture = await owner.GetAsync(pictureUrl);

        Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
        Assert.Equal("image/png", picture.Content.Headers.ContentType?.MediaType);
        Assert.Equal(MembersKit.Png, await picture.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await ann.GetAsync(pictureUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/memberships/{app.Cleo.Membership.Id}/picture")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_membership_reads_with_their_scope()
    {
        using var json = JsonDocument.Parse(await app.NewClient().GetStringAsync("/openapi/v1.json"));
        var paths = json.RootElement.GetProperty("paths");

        Assert.True(paths.TryGetProperty("/api/memberships/{id}", out var one));
        Assert.True(paths.TryGetProperty("/api/memberships", out _));
        Assert.Equal("read_memberships", one.GetProperty("get").GetProperty("security")[0].GetProperty("Bearer")[0].GetString());
    }

    private static async Task<List<string>> IdsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
    }

    private static async Task<string?> ErrorAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString();
    }
}
