using System.Net;
using System.Net.Http.Json;
using System.Text;
using EasySpace.Core;
using EasySpace.Core.Data;
using EasySpace.Core.RequestInbox;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Core.RequestInbox;

/// <summary>The app with the default guard (private and loopback addresses refused), set up at its loopback address.</summary>
public sealed class GuardedApp : IAsyncLifetime
{
    public AppHost App { get; } = new AppHost().With("Webhooks:AllowPrivateNetworks", "false");

    public async Task InitializeAsync() => await App.SetUpSpaceAsync();

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The request inbox on a box whose public address is private (127.0.0.1): the engine reaches the inbox without dialling,
/// and nothing else gets through to a private address that way.
/// </summary>
public class RequestInboxTests(GuardedApp fixture) : IClassFixture<GuardedApp>
{
    private readonly AppHost app = fixture.App;
    private string BaseUrl => app.Get<PublicUrls>().BaseUrl();

    private async Task<Inbox> NewInboxAsync(string name = "CRM trial")
    {
        var result = await app.Get<RequestInboxService>().CreateAsync(name, AppHost.OwnerEmail);
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    private string UrlOf(Inbox inbox) => Inbox.UrlOf(BaseUrl, inbox.Token);

    private Task<IReadOnlyList<InboxRequest>> RequestsAsync(Inbox inbox) => app.Get<RequestInboxService>().RequestsAsync(inbox.Id);

    [Fact]
    public async Task A_webhook_pointing_at_an_inbox_delivers_a_real_event_there_under_the_default_guard_with_a_valid_signature()
    {
        Assert.False(app.Get<Microsoft.Extensions.Options.IOptionsMonitor<WebhookOptions>>().CurrentValue.AllowPrivateNetworks);
        var inbox = await NewInboxAsync();
        var webhook = await app.CreateEndpointAsync(new Uri(UrlOf(inbox)), ["created_admin"], name: "CRM");

        await app.AddAdminAsync("ines@example.com");
        await app.PumpAsync();

        var delivery = Assert.Single(await app.DeliveriesAsync(webhook.Endpoint.Id));
        var attempt = Assert.Single(await app.AttemptsAsync(delivery.Id));
        Assert.Equal(200, attempt.StatusCode);
        var request = Assert.Single(await RequestsAsync(inbox));
        Assert.Equal("POST", request.Method);
        Assert.Equal(SignatureVerdict.Valid, request.Signature);
        Assert.Equal("CRM", request.WebhookName);
        Assert.Contains("ines@example.com", request.Body);
        Assert.Contains(delivery.MessageId, request.HeadersJson);
    }

    [Fact]
    public async Task Send_test_reaches_an_inbox_and_an_unknown_token_is_answered_404_without_dialling()
    {
        var inbox = await NewInboxAsync();
        var webhook = await app.CreateEndpointAsync(new Uri(UrlOf(inbox)), ["created_admin"]);

        var test = await app.Get<EndpointService>().SendTestAsync(webhook.Endpoint.Id, null, WebhookHostExtensions.Owner);
        Assert.True(test.Succeeded, test.Errors.ToString());
        Assert.Equal(200, test.Value!.StatusCode);
        Assert.Equal(SignatureVerdict.Valid, Assert.Single(await RequestsAsync(inbox)).Signature);

        // Deleted later: the engine is told "not found" by the inbox, still in-process.
        await app.Get<RequestInboxService>().DeleteAsync(inbox.Id, AppHost.OwnerEmail);
        var after = await app.Get<EndpointService>().SendTestAsync(webhook.Endpoint.Id, null, WebhookHostExtensions.Owner);
        Assert.Equal(404, after.Value!.StatusCode);
    }

    [Fact]
    public async Task The_signature_check_says_why_a_request_is_not_valid()
    {
        var inbox = await NewInboxAsync();
        var lonely = await NewInboxAsync("Nobody sends here");
        var secret = Signer.NewSecret();
        await app.CreateEndpointAsync(new Uri(UrlOf(inbox)), ["created_admin"], secret: secret, name: "Chat");
        var client = app.NewClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = """{"event":"created_admin"}"""u8.ToArray();

        async Task<InboxRequest> PostAsync(Inbox to, string? signingSecret, long timestamp, bool withHeaders = true)
        {
            var message = new HttpRequestMessage(HttpMethod.Post, $"/inbox/{to.Token}") { Content = new ByteArrayContent(body) };
            if (withHeaders)
            {
                message.Headers.Add("webhook-id", "msg_1");
                message.Headers.Add("webhook-timestamp", timestamp.ToString());
                message.Headers.Add("webhook-signature", Signer.Sign(signingSecret!, "msg_1", timestamp, body));
            }
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(message)).StatusCode);
            return (await RequestsAsync(to))[0];
        }

        Assert.Equal(SignatureVerdict.Valid, (await PostAsync(inbox, secret, now)).Signature);
        var wrong = await PostAsync(inbox, Signer.NewSecret(), now);
        Assert.Equal((SignatureVerdict.Mismatch, "Chat"), (wrong.Signature, wrong.WebhookName));
        Assert.Equal(SignatureVerdict.TimestampTooOld, (await PostAsync(inbox, secret, now - 3600)).Signature);
        Assert.Equal(SignatureVerdict.MissingHeaders, (await PostAsync(inbox, null, now, withHeaders: false)).Signature);
        Assert.Equal(SignatureVerdict.NoWebhook, (await PostAsync(lonely, secret, now)).Signature);
    }

    /// <summary>Addresses of this private box that look like the inbox's but are not exactly it.</summary>
    public static TheoryData<string> LookAlikes => new()
    {
        "http://127.0.0.1:1/inbox/{token}",          // another port
        "http://localhost:{port}/inbox/{token}",     // another host name for the same box
        "http://127.0.0.2:{port}/inbox/{token}",     // another host
        "https://127.0.0.1:{port}/inbox/{token}",    // another scheme
        "{base}/inbox/../x",                         // a path trick
        "{base}/inbox/../inbox/{token}",             // the same address after dot segments, not as typed
        "{base}/inbox/%2e%2e/x",                     // the trick escaped
        "{base}/inbox/%2E%2E%2Fx",
        "{base}/inbox/{token}/../../x",
        "{base}/inbox/{token}?next=/x",              // a query
        "{base}/inbox/{token}/",                     // a trailing slash
        "{base}/INBOX/{token}",
        "{base}/inbox/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // token-shaped, no such inbox
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public async Task A_private_address_that_merely_looks_like_an_inbox_is_still_refused_by_the_guard(string pattern)
    {
        var inbox = await NewInboxAsync();
        var url = pattern.Replace("{base}", BaseUrl).Replace("{port}", app.BaseAddress.Port.ToString()).Replace("{token}", inbox.Token);
        var guard = app.Get<TargetGuard>();

        var check = guard.CheckUrl(url);
        Assert.False(check.IsValid, $"{url} was accepted as a webhook address");

        // What the engine sends goes through the same handler: refused before connecting, or (an inbox address no inbox
        // has, e.g. a deleted one) answered 404 by the inbox in-process. Either way nothing is dialled.
        using var http = new HttpClient(guard.CreateDeliveryHandler());
        if (pattern.EndsWith("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
            Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync(url, new StringContent("{}"))).StatusCode);
        else
            Assert.IsType<BlockedAddressException>((await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(url, new StringContent("{}")))).InnerException);
        Assert.Empty(await RequestsAsync(inbox));
    }

    [Fact]
    public async Task The_101st_request_drops_the_oldest()
    {
        var inbox = await NewInboxAsync();
        var receiver = app.Get<RequestInboxReceiver>();
        for (var n = 1; n <= 101; n++)
            Assert.True(await receiver.ReceiveAsync(inbox.Token, "POST", new Dictionary<string, string>(), Encoding.UTF8.GetBytes($"request {n}"), default));

        var kept = await RequestsAsync(inbox);
        Assert.Equal(100, kept.Count);
        Assert.Equal("request 101", kept[0].Body);
        Assert.Equal("request 2", kept[^1].Body);
    }

    [Fact]
    public async Task Hostile_posts_to_the_anonymous_address_get_a_clear_4xx_and_store_nothing_they_should_not()
    {
        var inbox = await NewInboxAsync();
        var client = app.NewClient();

        // Tried: tokens that are not one (short, long, an escaped path, markup), each a JSON 404; an escaped NUL is refused by Kestrel (400).
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/inbox/%00", new StringContent("{}"))).StatusCode);
        foreach (var token in new[] { "x", new string('a', 33), "%2Fetc%2Fpasswd", "<script>", new string('b', 31) + "!" })
        {
            var response = await client.PostAsync($"/inbox/{token}", new StringContent("{}"));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"POST /inbox/{token}: {(int)response.StatusCode}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }

        // Tried: a body over the limit, declared and streamed (no Content-Length): 413, nothing stored.
        var huge = new byte[RequestInboxEndpointLimit + 1];
        var declared = await client.PostAsync($"/inbox/{inbox.Token}", new ByteArrayContent(huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Contains("larger than", (await declared.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["error"]);
        var streamed = new StreamContent(new MemoryStream(huge));
        streamed.Headers.ContentLength = null;
        var chunked = new HttpRequestMessage(HttpMethod.Post, $"/inbox/{inbox.Token}") { Content = streamed };
        chunked.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(chunked)).StatusCode);
        Assert.Empty(await RequestsAsync(inbox));

        // Tried: 100 KB, under the limit: kept cut at 64 KB, with its whole size and the cut recorded; a cookie is not kept.
        var big = new HttpRequestMessage(HttpMethod.Post, $"/inbox/{inbox.Token}") { Content = new StringContent(new string('x', 100 * 1024)) };
        big.Headers.Add("Cookie", "EasySpace.Auth=secret-session");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(big)).StatusCode);
        var stored = Assert.Single(await RequestsAsync(inbox));
        Assert.True(stored.BodyCut);
        Assert.Equal(100 * 1024, stored.BodyBytes);
        Assert.Equal(InboxRequest.MaxBodyBytes, stored.Body.Length);
        Assert.DoesNotContain("secret-session", stored.HeadersJson);
    }

    private const int RequestInboxEndpointLimit = EasySpace.Web.RequestInbox.RequestInboxEndpoint.MaxBodyBytes;

    [Fact]
    public async Task Inbox_requests_go_with_the_inbox_and_clear_empties_it()
    {
        var inbox = await NewInboxAsync();
        var receiver = app.Get<RequestInboxReceiver>();
        await receiver.ReceiveAsync(inbox.Token, "POST", new Dictionary<string, string>(), "one"u8.ToArray(), default);
        await app.Get<RequestInboxService>().ClearAsync(inbox.Id, AppHost.OwnerEmail);
        Assert.Empty(await RequestsAsync(inbox));

        await receiver.ReceiveAsync(inbox.Token, "POST", new Dictionary<string, string>(), "two"u8.ToArray(), default);
        await app.Get<RequestInboxService>().DeleteAsync(inbox.Id, AppHost.OwnerEmail);
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.InboxRequests.AnyAsync(r => r.InboxId == inbox.Id));
        Assert.False(await receiver.ReceiveAsync(inbox.Token, "POST", new Dictionary<string, string>(), "three"u8.ToArray(), default));
    }
}

/// <summary>Its own app: the limit counts every request from 127.0.0.1, which the other inbox tests share.</summary>
public sealed class RequestInboxRateLimitTests : IAsyncLifetime
{
    private readonly AppHost app = new();

    public Task InitializeAsync() => app.SetUpSpaceAsync();

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task One_address_sending_past_the_limit_gets_429_with_retry_after_in_json()
    {
        var client = app.NewClient();
        var limit = EasySpace.Web.RequestInbox.RequestInboxEndpoint.RequestsPerMinute;
        // Tried: limit + 1 posts to a token no inbox has, from one address within a minute.
        for (var i = 0; i < limit; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/inbox/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", new StringContent("{}"))).StatusCode);
        var refused = await client.PostAsync("/inbox/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("Too many requests", (await refused.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["error"]);
    }
}
