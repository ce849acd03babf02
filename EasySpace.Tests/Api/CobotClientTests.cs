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
    public async Task A_Ruby_app_through_the_OAuth2_gem_posts_a_form_encoded_body_with_a_bearer_header()
    {
        // OAuth2::AccessToken#post(path, body: {event:, callback_url:}): Faraday's url_encoded request middleware.
        var callback = Callback();
        var response = await SendAsync("application/x-www-form-urlencoded", $"callback_url={Uri.EscapeDataString(callback)}&event=created_booking",
            ("Authorization", $"Bearer {(await TokenAsync()).Token}"), ("User-Agent", "Faraday v2.9.0"));

        await AssertCreatedAsync(response, "created_booking", callback);
    }

    [Fact]
    public async Task A_PHP_app_posts_multipart_fields_with_the_token_in_an_access_token_field()
    {
        // curl with CURLOPT_POSTFIELDS set to an array: multipart/form-data, parts without a Content-Type of their own.
        var callback = Callback();
        const string boundary = "------------------------d74496d66958873e";
        var body = string.Concat(new[] { ("access_token", (await TokenAsync()).Token), ("event", "created_membership"), ("callback_url", callback) }
            .Select(f => $"--{boundary}\r\nContent-Disposition: form-data; name=\"{f.Item1}\"\r\n\r\n{f.Item2}\r\n")) + $"--{boundary}--\r\n";
        var response = await SendAsync($"multipart/form-data; boundary={boundary}", body, ("User-Agent", "curl/8.5.0"));

        await AssertCreatedAsync(response, "created_membership", callback);
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
    public async Task A_token_in_the_query_string_is_accepted()
    {
        var callback = Callback();
        var response = await app.NewClient().PostAsync($"/api/subscriptions?access_token={(await TokenAsync()).Token}",
            JsonContent.Create(new { @event = "created_booking", callback_url = callback }));
        await AssertCreatedAsync(response, "created_booking", callback);
    }

    [Theory]
    [InlineData("an unknown event", "created_unicorn", "https://crm.example.com/x", null)]
    [InlineData("a javascript: URL", "created_booking", "javascript:alert(1)", null)]
    [InlineData("a lead time of 90", "booking_will_begin", "https://crm.example.com/x", "90")]
    [InlineData("a lead time that is a word", "booking_will_begin", "https://crm.example.com/x", "soon")]
    public async Task A_form_gets_the_same_answer_as_the_same_JSON(string tried, string eventName, string callback, string? leadTime)
    {
        var client = app.ApiClient(await TokenAsync());
        var leadTimeJson = int.TryParse(leadTime, out _) ? leadTime : $"\"{leadTime}\"";
        var json = leadTime is null
            ? $$"""{"event":"{{eventName}}","callback_url":"{{callback}}"}"""
            : $$$"""{"event":"{{{eventName}}}","callback_url":"{{{callback}}}","filters":{"lead_time":{{{leadTimeJson}}}}}""";
        var form = new Dictionary<string, string> { ["event"] = eventName, ["callback_url"] = callback };
        if (leadTime is not null) form["filters[lead_time]"] = leadTime;

        var fromJson = await client.PostAsync("/api/subscriptions", new StringContent(json, Encoding.UTF8, "application/json"));
        var fromForm = await client.PostAsync("/api/subscriptions", new FormUrlEncodedContent(form));

        Assert.True(fromJson.StatusCode == HttpStatusCode.UnprocessableEntity, $"{tried}: {fromJson.StatusCode}");
        Assert.Equal(fromJson.StatusCode, fromForm.StatusCode);
        Assert.Equal(await fromJson.Content.ReadAsStringAsync(), await fromForm.Content.ReadAsStringAsync());
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
