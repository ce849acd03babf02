using EasySpace.Core.Events;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EasySpace.Core.Identity;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Api;

public class SubscriptionsApiTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    private static int n;
    private static string Callback() => $"https://crm.example.com/hooks/{Interlocked.Increment(ref n)}";

    private async Task<HttpClient> OwnerAsync(params string[] scopes) =>
        app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, scopes.Length == 0 ? [ApiScopes.ReadSubscriptions, ApiScopes.WriteSubscriptions] : scopes));

    private static Task<HttpResponseMessage> PostJson(HttpClient client, string json) =>
        client.PostAsync("/api/subscriptions", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Creating_a_subscription_answers_201_with_the_Cobot_fields_and_the_secret_once()
    {
        var client = await OwnerAsync();
        var callback = Callback();

        var response = await PostJson(client, $$"""{"event": "confirmed_membership", "callback_url": "{{callback}}"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal("confirmed_membership", body.GetProperty("event").GetString());
        Assert.Equal($"{app.BaseAddress.ToString().TrimEnd('/')}/api/subscriptions/{id}", body.GetProperty("url").GetString());
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal(callback, body.GetProperty("callback_url").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("filters").ValueKind);
        Assert.StartsWith("whsec_", body.GetProperty("secret").GetString());
        Assert.Equal(body.GetProperty("url").GetString(), response.Headers.Location?.ToString());

        var shown = await client.GetFromJsonAsync<JsonElement>(body.GetProperty("url").GetString());
        Assert.Equal(id, shown.GetProperty("id").GetString());
        Assert.False(shown.TryGetProperty("secret", out _));
    }

    [Fact]
    public async Task A_subscribed_event_arrives_thin_and_its_url_resolves_through_the_API()
    {
        await using var receiver = await Receiver.StartAsync();
        var client = await OwnerAsync();
        Assert.Equal(HttpStatusCode.Created, (await PostJson(client, $$"""{"event": "created_admin", "callback_url": "{{receiver.Url}}"}""")).StatusCode);

        var admin = await app.AddAdminAsync();

        var delivered = await receiver.NextAsync();
        Assert.Equal("created_admin", delivered.Header("X-EasySpace-Event"));
        var url = delivered.Json.GetProperty("url").GetString()!;
        Assert.Single(delivered.Json.EnumerateObject());
        var reader = app.ApiClient(await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadAdmins));
        var resource = await reader.GetFromJsonAsync<JsonElement>(url);
        Assert.Equal(admin.Email, resource.GetProperty("email").GetString());
    }

    [Theory]
    [InlineData("no event", """{"callback_url": "https://crm.example.com/x"}""", "event", "can't be blank")]
    [InlineData("no callback_url", """{"event": "created_booking"}""", "callback_url", "can't be blank")]
    [InlineData("an unknown event", """{"event": "created_unicorn", "callback_url": "https://crm.example.com/x"}""", "event", "is not an event")]
    [InlineData("the test event", """{"event": "test_webhook", "callback_url": "https://crm.example.com/x"}""", "event", "is not an event")]
    [InlineData("a javascript: URL", """{"event": "created_booking", "callback_url": "javascript:alert(1)"}""", "callback_url", "http")]
    [InlineData("a URL with a password", """{"event": "created_booking", "callback_url": "https://u:p@crm.example.com/x"}""", "callback_url", "")]
    [InlineData("a resource filter on a membership event", """{"event": "confirmed_membership", "callback_url": "https://crm.example.com/x", "filters": {"resource_id": "1"}}""", "filters", "resource")]
    [InlineData("a lead time of 90", """{"event": "booking_will_begin", "callback_url": "https://crm.example.com/x", "filters": {"lead_time": 90}}""", "filters", "0 to 60")]
    [InlineData("an unknown filter", """{"event": "created_booking", "callback_url": "https://crm.example.com/x", "filters": {"colour": "red"}}""", "filters", "unknown filter")]
    [InlineData("filters that are a list", """{"event": "created_booking", "callback_url": "https://crm.example.com/x", "filters": [1]}""", "filters", "must be an object")]
    [InlineData("an event that is a number", """{"event": 7, "callback_url": "https://crm.example.com/x"}""", "event", "must be a string")]
    public async Task Invalid_parameters_answer_422_with_field_errors(string tried, string json, string field, string message)
    {
        var client = await OwnerAsync();

        var response = await PostJson(client, json);

        Assert.True(HttpStatusCode.UnprocessableEntity == response.StatusCode, tried);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains(message, string.Join(" ", errors.GetProperty(field).EnumerateArray().Select(e => e.GetString())));
    }

    [Theory]
    [InlineData("invalid JSON", "{\"event\": ", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("a JSON array", "[]", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("text", "created_booking", "text/plain", HttpStatusCode.UnsupportedMediaType)]
    public async Task A_body_that_is_not_a_JSON_object_gets_a_clear_error(string tried, string body, string contentType, HttpStatusCode expected)
    {
        var client = await OwnerAsync();

        var response = await client.PostAsync("/api/subscriptions", new StringContent(body, Encoding.UTF8, contentType));

        Assert.True(expected == response.StatusCode, $"{tried}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("error", out _));
    }

    [Fact]
    public async Task A_one_megabyte_body_is_refused_with_413_and_creates_nothing()
    {
        var client = await OwnerAsync();
        var before = (await client.GetFromJsonAsync<JsonElement>("/api/subscriptions")).GetArrayLength();

        var response = await PostJson(client, $$"""{"event": "created_booking", "callback_url": "https://crm.example.com/big", "pad": "{{new string('x', 1024 * 1024)}}"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before, (await client.GetFromJsonAsync<JsonElement>("/api/subscriptions")).GetArrayLength());
    }

    [Fact]
    public async Task The_url_of_a_test_webhook_resolves_for_a_webhook_made_in_the_settings_too()
    {
        await using var receiver = await Receiver.StartAsync();
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_booking"], PayloadFormat.Thin, name: "made in the settings")).Endpoint;
        Assert.True((await app.Get<EndpointService>().SendTestAsync(endpoint.Id, null, WebhookHostExtensions.Owner)).Succeeded);
        var url = (await receiver.NextAsync()).Json.GetProperty("url").GetString()!;

        var response = await (await OwnerAsync(ApiScopes.ReadSubscriptions)).GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shown = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(endpoint.Id.ToString(), shown.GetProperty("id").GetString());
        Assert.Equal(url, shown.GetProperty("url").GetString());
        Assert.Equal(receiver.Url.ToString(), shown.GetProperty("callback_url").GetString());

        // Tried: an admin without ManageIntegrations, who can't see the settings' webhooks either: 403, as every
        // subscriptions call answers them.
        var admin = await app.AddAdminAsync();
        var plain = app.ApiClient(await app.CreateTokenAsync(admin.Email!, [ApiScopes.ReadSubscriptions]));
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task The_same_event_and_callback_url_twice_answers_409()
    {
        var client = await OwnerAsync();
        var json = $$"""{"event": "created_booking", "callback_url": "{{Callback()}}"}""";

        Assert.Equal(HttpStatusCode.Created, (await PostJson(client, json)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostJson(client, json)).StatusCode);
    }

    [Theory]
    [InlineData("the scheme in capitals", "HTTPS://crm.example.com/{0}")]
    [InlineData("the host in capitals", "https://CRM.Example.COM/{0}")]
    [InlineData("the default port written out", "https://crm.example.com:443/{0}")]
    public async Task A_callback_url_that_differs_only_in_case_or_a_default_port_is_the_same_subscription(string tried, string same)
    {
        var client = await OwnerAsync();
        var path = $"same/{Interlocked.Increment(ref n)}";
        Assert.Equal(HttpStatusCode.Created, (await PostJson(client, $$"""{"event": "created_booking", "callback_url": "https://crm.example.com/{{path}}"}""")).StatusCode);

        var again = await PostJson(client, $$"""{"event": "created_booking", "callback_url": "{{string.Format(same, path)}}"}""");

        Assert.True(HttpStatusCode.Conflict == again.StatusCode, $"{tried}: {again.StatusCode}");
    }

    [Fact]
    public async Task Answers_write_plus_signs_and_accents_as_themselves()
    {
        var client = await OwnerAsync();

        var response = await PostJson(client, $$$"""{"event": "created_booking", "callback_url": "{{{Callback()}}}?tag=a+b", "filters": {"resource_id": "salle-café"}}""");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("?tag=a+b\"", text);
        Assert.Contains("\"salle-café\"", text);
    }

    [Fact]
    public async Task Each_user_sees_only_their_own_subscriptions()
    {
        var owner = await OwnerAsync();
        await app.AddUserAsync("hub-own@example.com", Roles.Admin, manageIntegrations: true);
        var admin = app.ApiClient(await app.CreateTokenAsync("hub-own@example.com", ApiScopes.ReadSubscriptions, ApiScopes.WriteSubscriptions));
        var created = await (await PostJson(owner, $$"""{"event": "created_booking", "callback_url": "{{Callback()}}"}""")).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString();

        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>("/api/subscriptions")).EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Contains((await owner.GetFromJsonAsync<JsonElement>("/api/subscriptions")).EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/subscriptions/{id}")).StatusCode);
    }

    [Fact]
    public async Task Delete_answers_204_and_the_subscription_is_gone()
    {
        var client = await OwnerAsync();
        var created = await (await PostJson(client, $$"""{"event": "created_booking", "callback_url": "{{Callback()}}"}""")).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/subscriptions/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("99999999999999999999999")]
    [InlineData("-1")]
    public async Task An_odd_or_unknown_id_answers_404(string id)
    {
        var client = await OwnerAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/subscriptions/{id}")).StatusCode);
    }

    [Fact]
    public async Task Without_a_token_401_without_the_scope_403_and_a_member_403()
    {
        var json = $$"""{"event": "created_booking", "callback_url": "{{Callback()}}"}""";
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostJson(app.ApiClient(), json)).StatusCode);

        var readOnly = await OwnerAsync(ApiScopes.ReadSubscriptions);
        var forbidden = await PostJson(readOnly, json);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("write_subscriptions", await forbidden.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await OwnerAsync(ApiScopes.WriteSubscriptions)).GetAsync("/api/subscriptions")).StatusCode);

        var member = app.ApiClient(await app.CreateTokenAsync(ApiFixture.MemberEmail, ApiScopes.ReadSubscriptions, ApiScopes.WriteSubscriptions));
        Assert.Equal(HttpStatusCode.Forbidden, (await PostJson(member, json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/subscriptions")).StatusCode);
    }

    [Fact]
    public async Task An_admin_without_ManageIntegrations_can_neither_make_nor_list_nor_delete_subscriptions()
    {
        // Tried: a plain admin's token holding both subscription scopes, on every subscriptions call.
        var admin = app.ApiClient(await app.CreateTokenAsync(ApiFixture.AdminEmail, ApiScopes.ReadSubscriptions, ApiScopes.WriteSubscriptions));
        var id = (await (await PostJson(await OwnerAsync(), $$"""{"event": "created_booking", "callback_url": "{{Callback()}}"}"""))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        foreach (var response in new[]
                 {
                     await PostJson(admin, $$"""{"event": "created_booking", "callback_url": "{{Callback()}}"}"""),
                     await admin.GetAsync("/api/subscriptions"),
                     await admin.GetAsync($"/api/subscriptions/{id}"),
                     await admin.DeleteAsync($"/api/subscriptions/{id}"),
                 })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("ManageIntegrations", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Taking_ManageIntegrations_away_applies_to_an_existing_token_at_once()
    {
        await app.AddUserAsync("hub-revoked@example.com", Roles.Admin, manageIntegrations: true);
        var client = app.ApiClient(await app.CreateTokenAsync("hub-revoked@example.com", ApiScopes.ReadSubscriptions, ApiScopes.WriteSubscriptions));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/subscriptions")).StatusCode);

        var userId = await app.UserIdAsync("hub-revoked@example.com");
        Assert.True((await app.Get<UserAdministration>().SetManageIntegrationsAsync(userId, false, AppHost.OwnerEmail)).Succeeded);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/subscriptions")).StatusCode);
        Assert.True((await app.Get<UserAdministration>().SetManageIntegrationsAsync(userId, true, AppHost.OwnerEmail)).Succeeded);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/subscriptions")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_subscriptions_calls()
    {
        var document = await app.NewClient().GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/subscriptions", document);
        Assert.Contains("/api/subscriptions/{id}", document);
    }
}
