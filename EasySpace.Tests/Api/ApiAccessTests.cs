using System.Net;
using System.Text.Json;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Api;

public class ApiAccessTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    private async Task<string> OwnerUrlAsync() => $"/api/admins/{await app.UserIdAsync(AppHost.OwnerEmail)}";

    [Fact]
    public async Task No_authorization_header_gets_401_JSON_with_a_bearer_challenge()
    {
        var response = await app.ApiClient().GetAsync(await OwnerUrlAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("Send an API token as 'Authorization: Bearer <token>'.", await ErrorAsync(response));
    }

    [Theory]
    [InlineData("Bearer", "garbage", "This API token is not valid or has been revoked.")]
    [InlineData("Bearer", "es_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "This API token is not valid or has been revoked.")]
    [InlineData("Basic", "eHl6", "Only bearer tokens are accepted")]
    public async Task A_wrong_credential_gets_401_JSON_with_a_bearer_challenge(string scheme, string parameter, string message)
    {
        var response = await app.ApiClient(scheme, parameter).GetAsync(await OwnerUrlAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains(message, await ErrorAsync(response));
    }

    [Fact]
    public async Task A_revoked_token_gets_401()
    {
        var token = await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadAdmins);
        var client = app.ApiClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(await OwnerUrlAsync())).StatusCode);

        Assert.True((await app.Tokens.RevokeAsync(token.Entity.Id, "test")).Succeeded);
        var response = await client.GetAsync(await OwnerUrlAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_token", response.Headers.WwwAuthenticate.Single().Parameter?.Split('"')[1]);
        Assert.Equal("This API token is not valid or has been revoked.", await ErrorAsync(response));
    }

    [Fact]
    public async Task A_token_without_the_scope_gets_403_JSON_naming_it()
    {
        var token = await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadBookings, ApiScopes.WriteSubscriptions);

        var response = await app.ApiClient(token).GetAsync(await OwnerUrlAsync());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("This token lacks the read_admins scope.", await ErrorAsync(response));
    }

    [Theory]
    [InlineData(ApiScopes.ReadAdmins)]
    [InlineData(ApiScopes.Read)]
    public async Task A_token_with_the_scope_reads_an_admin_whose_url_reads_the_same(string scope)
    {
        var token = await app.CreateTokenAsync(ApiFixture.AdminEmail, scope);
        var adminId = await app.UserIdAsync(ApiFixture.AdminEmail);
        var client = app.ApiClient(token);

        var response = await client.GetAsync($"/api/admins/{adminId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        Assert.Equal(["id", "name", "email", "url"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(adminId, json.RootElement.GetProperty("id").GetString());
        Assert.Equal(ApiFixture.AdminEmail, json.RootElement.GetProperty("email").GetString());
        var url = new Uri(json.RootElement.GetProperty("url").GetString()!);
        Assert.True(url.IsAbsoluteUri);
        Assert.Equal(new Uri(app.BaseAddress, $"/api/admins/{adminId}"), url);

        var again = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(body, await again.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(ApiScopes.ReadAdmins)]
    [InlineData(ApiScopes.Read)]
    public async Task A_members_token_reads_no_admin_403(string scope)
    {
        // Tried: a member's token with read_admins, and with the umbrella read, asking for the owner and for an admin.
        var client = app.ApiClient(await app.CreateTokenAsync(ApiFixture.MemberEmail, scope));

        foreach (var email in new[] { AppHost.OwnerEmail, ApiFixture.AdminEmail })
        {
            var response = await client.GetAsync($"/api/admins/{await app.UserIdAsync(email)}");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("This call is for the owner and admins; this token's user is neither.", await ErrorAsync(response));
        }
    }

    [Theory]
    [InlineData(ApiFixture.MemberEmail)]
    [InlineData(null)]
    public async Task A_member_or_an_unknown_id_gets_404_JSON(string? email)
    {
        var token = await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadAdmins);
        var id = email is null ? "00000000-0000-0000-0000-000000000000" : await app.UserIdAsync(email);

        var response = await app.ApiClient(token).GetAsync($"/api/admins/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"error":"not found"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_api_address_gets_404_JSON_not_the_HTML_page()
    {
        var token = await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.Read);

        var response = await app.ApiClient(token).GetAsync("/api/no/such/thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not found", await ErrorAsync(response));
    }

    [Fact]
    public async Task The_page_login_cookie_does_not_authenticate_the_api()
    {
        var owner = await app.LoggedInClientAsync(AppHost.OwnerEmail);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/settings/integrations")).StatusCode);

        var response = await owner.GetAsync(await OwnerUrlAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Pages_still_use_the_cookie_and_redirect_anonymous_visitors_to_the_login()
    {
        var response = await app.NewClient().GetAsync("/settings/integrations");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_request_records_when_the_token_was_last_used()
    {
        var token = await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadAdmins);
        Assert.Null((await app.Tokens.ListAsync()).Single(t => t.Id == token.Entity.Id).LastUsedAt);

        await app.ApiClient(token).GetAsync(await OwnerUrlAsync());

        Assert.NotNull((await app.Tokens.ListAsync()).Single(t => t.Id == token.Entity.Id).LastUsedAt);
    }

    internal static async Task<string?> ErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString();
    }
}
