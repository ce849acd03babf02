using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EasySpace.Core.Identity;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Api;

/// <summary>One delivery at a time per webhook, so a second event waits behind a first that is still on its way.</summary>
public sealed class OneAtATimeApiFixture : ApiFixture
{
    public OneAtATimeApiFixture() => With("Webhooks:MaxConcurrencyPerEndpoint", "1");
}

/// <summary>
/// Subscribing the way real Cobot clients do, each request written as its library sends it (headers and body bytes),
/// and the renewal Cobot's document asks of a client whose subscription was deactivated.
/// </summary>
public class CobotClientTests(OneAtATimeApiFixture app) : IClassFixture<OneAtATimeApiFixture>
{
    private static int n;
    private static string Callback() => $"https://crm.example.com/cobot/{Interlocked.Increment(ref n)}";

    private Task<CreatedApiToken> TokenAsync() =>
        app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.ReadSubscriptions, ApiScopes.WriteSubscriptions);

    /// <summary>A POST with exactly these bytes and headers, none added by HttpClient's content types.</summary>
    private Task<HttpResponseMessage> SendAsync(string contentType, string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/subscriptions") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return app.NewClient().SendAsync(request);
    }

    private static async Task<JsonElement> AssertCreatedAsync(HttpResponseMessage response, string eventName, string callback)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(HttpStatusCode.Created == response.StatusCode, $"{(int)response.StatusCode} {text}");
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(eventName, body.GetProperty("event").GetString());
        Assert.Equal(callback, body.GetProperty("callback_url").GetString());
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.StartsWith("whsec_", body.GetProperty("secret").GetString());
        Assert.Equal(body.GetProperty("url").GetString(), response.Headers.Location?.ToString());
        return body;
    }

    [Fact]
    public async Task A_Java_Jersey_client_posts_JSON()
    {
        // target.request(APPLICATION_JSON).header("Authorization", "Bearer " + token).post(Entity.json(map))
        var callback = Callback();
        var response = await SendAsync("application/json", $$"""{"callback_url":"{{callback}}","event":"created_checkin"}""",
            ("Accept", "application/json"), ("Authorization", $"Bearer {(await TokenAsync()).Token}"), ("User-Agent", "Jersey/2.41 (HttpUrlConnection 17.0.9)"));

        await AssertCreatedAsync(response, "created_checkin", callback);
    }

    [Fact]
    public async Task A_Zapier_app_posts_JSON_with_a_charset()
    {
        // z.request({method: 'POST', body: {...}}) with the bearer header added in beforeRequest.
        var callback = Callback();
        var response = await SendAsync("application/json; charset=utf-8", $$"""{"event":"created_invoice","callback_url":"{{callback}}"}""",
            ("Accept", "application/json"), ("Authorization", $"Bearer {(await TokenAsync()).Token}"), ("User-Agent", "Zapier"));

        await AssertCreatedAsync(response, "created_invoice", callback);
    }

    [Fact]
    public async Task Posting_a_deactivated_subscription_again_renews_it_and_sends_what_it_held_with_the_same_webhook_ids()
    {
        await using var receiver = await Receiver.StartAsync();
        var gate = new TaskCompletionSource();
        receiver.Respond = async (_, http) => { await gate.Task; http.Response.StatusCode = 410; };
        var client = app.ApiClient(await TokenAsync());
        var json = $$"""{"event": "created_admin", "callback_url": "{{receiver.Url}}"}""";
        var created = await AssertCreatedAsync(await client.PostAsync("/api/subscriptions", new StringContent(json, Encoding.UTF8, "application/json")),
            "created_admin", receiver.Url.ToString());
        var id = long.Parse(created.GetProperty("id").GetString()!);
        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.AddAdminAsync();     // waits behind the first, which the receiver is still answering
        gate.SetResult();              // 410 Gone: deactivated, the second held
        await app.PumpAsync();
        Assert.Equal(EndpointStatus.Deactivated, (await app.EndpointAsync(id)).Status);
        var held = Assert.Single(await app.DeliveriesAsync(id), d => d.Status == DeliveryStatus.Held);

        receiver.Respond = Receiver.Status(200);
        var renewed = await client.PostAsync("/api/subscriptions", new StringContent(json, Encoding.UTF8, "application/json"));

        var body = await renewed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, renewed.StatusCode);
        Assert.Equal(id.ToString(), body.GetProperty("id").GetString());
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.False(body.TryGetProperty("secret", out _)); // unchanged, and shown only when it was made
        Assert.Equal(held.MessageId, (await receiver.NextAsync()).Header("webhook-id"));
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync("/api/subscriptions", new StringContent(json, Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task A_subscription_a_manager_disabled_is_not_switched_on_again_by_posting_it()
    {
        var client = app.ApiClient(await TokenAsync());
        var json = $$"""{"event": "created_booking", "callback_url": "{{Callback()}}"}""";
        var created = await (await client.PostAsync("/api/subscriptions", new StringContent(json, Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonElement>();
        var id = long.Parse(created.GetProperty("id").GetString()!);
        Assert.True((await app.Get<EndpointService>().DisableAsync(id, WebhookHostExtensions.Owner)).Succeeded);

        var again = await client.PostAsync("/api/subscriptions", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("manager", await again.Content.ReadAsStringAsync());
        Assert.Equal(EndpointStatus.Disabled, (await app.EndpointAsync(id)).Status);
    }
}
