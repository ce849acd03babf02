using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EasySpace.Tests.Fakes;

/// <summary>One call the fake answered.</summary>
public sealed record StripeCall(string Method, string Path, string ApiKey, IReadOnlyDictionary<string, string[]> Form, string? IdempotencyKey = null);

/// <summary>
/// The parts of Stripe's API the connection wizard uses, on Kestrel at 127.0.0.1 (a port the OS picks), for the real
/// Stripe.net client to call through <c>Payments:Stripe:ApiBase</c>. Objects are shaped from Stripe's own fixtures
/// (../shared/reference/stripe/fixtures3.json, MIT): the account and the webhook endpoint. Switches make it answer as
/// Stripe does to a bad key, a restricted key without a permission, and an account at its endpoint limit.
/// Checkout, its hosted page, its objects and its signed webhooks are in FakeStripe.Checkout.cs.
/// </summary>
public sealed partial class FakeStripe : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<StripeCall> calls = new();
    private int nextEndpoint;

    private FakeStripe(WebApplication app) => this.app = app;

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeStripe(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    public string ApiBase => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    // The account fixture, its fields the wizard reads.
    public string AccountName { get; set; } = "Coworking Co";
    public string Country { get; set; } = "DE";
    public string DefaultCurrency { get; set; } = "eur";
    public bool ChargesEnabled { get; set; } = true;

    /// <summary>Answer every call 401, as Stripe does to a key it does not know.</summary>
    public bool RejectKey { get; set; }

    /// <summary>Answer 403 to calls whose path starts with one of these, as Stripe does to a restricted key without the permission.</summary>
    public HashSet<string> ForbiddenPaths { get; } = [];

    /// <summary>Refuse to create an endpoint, as Stripe does to a test account that has 16.</summary>
    public bool AtEndpointLimit { get; set; }

    /// <summary>The webhook endpoints on the account, by id.</summary>
    public ConcurrentDictionary<string, JsonObject> Endpoints { get; } = new();

    public IReadOnlyList<StripeCall> Calls => calls.ToList();

    /// <summary>Puts an endpoint on the account as if someone had registered it before, e.g. an earlier install.</summary>
    public string AddEndpoint(string url, string? apiVersion = null)
    {
        var endpoint = Endpoint(url, ["charge.succeeded"], apiVersion);
        Endpoints[(string)endpoint["id"]!] = endpoint;
        return (string)endpoint["id"]!;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var form = request.HasFormContentType
            ? (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.Select(v => v ?? "").ToArray())
            : request.Query.ToDictionary(q => q.Key, q => q.Value.Select(v => v ?? "").ToArray());
        var key = request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
        var path = request.Path.Value ?? "";
        calls.Enqueue(new StripeCall(request.Method, path, key, form, request.Headers["Idempotency-Key"].FirstOrDefault()));

        if (RejectKey)
        {
            await Error(http, 401, "invalid_request_error", null, $"Invalid API Key provided: {key[..Math.Min(8, key.Length)]}********");
            return;
        }
        if (ForbiddenPaths.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
        {
            await Error(http, 403, "invalid_request_error", null,
                $"The provided key '{key[..Math.Min(8, key.Length)]}***' does not have the required permissions for this endpoint on account 'acct_1PgafTB7WZ01zgkW'.");
            return;
        }

        var segments = path.Trim('/').Split('/');
        switch (request.Method, segments)
        {
            case ("GET", ["v1", "account"]):
                await Json(http, Account());
                break;
            case ("GET", ["v1", "webhook_endpoints"]):
                await Json(http, new JsonObject
                {
                    ["object"] = "list",
                    ["data"] = new JsonArray(Endpoints.Values.OrderBy(e => (string)e["id"]!).Select(e => (JsonNode)e.DeepClone()).ToArray()),
                    ["has_more"] = false,
                    ["url"] = "/v1/webhook_endpoints",
                });
                break;
            case ("POST", ["v1", "webhook_endpoints"]):
                if (AtEndpointLimit)
                {
                    await Error(http, 400, "invalid_request_error", "url", "You have reached the maximum of 16 test webhook endpoints.");
                    return;
                }
                var created = Endpoint(form["url"][0], form.Where(f => f.Key.StartsWith("enabled_events", StringComparison.Ordinal)).SelectMany(f => f.Value).ToArray(),
                    form.TryGetValue("api_version", out var version) ? version[0] : null);
                Endpoints[(string)created["id"]!] = created;
                var answer = (JsonObject)created.DeepClone();
                answer["secret"] = "whsec_" + Guid.NewGuid().ToString("N");   // only the creation's answer carries it
                secrets[(string)created["id"]!] = (string)answer["secret"]!;
                await Json(http, answer);
                break;
            case ("GET", ["v1", "webhook_endpoints", var id]) when Endpoints.TryGetValue(id, out var found):
                await Json(http, found);
                break;
            case ("POST", ["v1", "webhook_endpoints", var id]) when Endpoints.TryGetValue(id, out var found):
                if (form.TryGetValue("disabled", out var disabled)) found["status"] = disabled[0] == "true" ? "disabled" : "enabled";
                var events = form.Where(f => f.Key.StartsWith("enabled_events", StringComparison.Ordinal)).SelectMany(f => f.Value).ToArray();
                if (events.Length > 0) found["enabled_events"] = new JsonArray(events.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
                await Json(http, found);
                break;
            case ("DELETE", ["v1", "webhook_endpoints", var id]) when Endpoints.TryRemove(id, out _):
                await Json(http, new JsonObject { ["id"] = id, ["object"] = "webhook_endpoint", ["deleted"] = true });
                break;
            default:
                if (await HandleCheckoutAsync(http, request.Method, segments, form)) return;
                await Error(http, 404, "invalid_request_error", "id", $"No such resource: '{path}'");
                break;
        }
    }

    private JsonObject Account() => new()
    {
        ["id"] = "acct_1PgafTB7WZ01zgkW",
        ["object"] = "account",
        ["business_profile"] = new JsonObject { ["name"] = AccountName, ["url"] = null },
        ["business_type"] = null,
        ["capabilities"] = new JsonObject { ["card_payments"] = "active", ["transfers"] = "active" },
        ["charges_enabled"] = ChargesEnabled,
        ["country"] = Country,
        ["created"] = 1234567890,
        ["default_currency"] = DefaultCurrency,
        ["details_submitted"] = ChargesEnabled,
        ["email"] = "site@stripe.com",
        ["metadata"] = new JsonObject(),
        ["payouts_enabled"] = ChargesEnabled,
        ["settings"] = new JsonObject { ["dashboard"] = new JsonObject { ["display_name"] = AccountName, ["timezone"] = "Etc/UTC" } },
        ["type"] = "standard",
    };

    private JsonObject Endpoint(string url, string[] events, string? apiVersion) => new()
    {
        ["id"] = $"we_fake{Interlocked.Increment(ref nextEndpoint):D4}",
        ["object"] = "webhook_endpoint",
        ["api_version"] = apiVersion,
        ["application"] = null,
        ["created"] = 1234567890,
        ["description"] = null,
        ["enabled_events"] = new JsonArray(events.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray()),
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["status"] = "enabled",
        ["url"] = url,
    };

    private static Task Json(HttpContext http, JsonNode body)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>Stripe's error shape: <c>{"error": {"type", "code", "param", "message"}}</c>.</summary>
    private static Task Error(HttpContext http, int status, string type, string? param, string message)
    {
        http.Response.StatusCode = status;
        return Json(http, new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["param"] = param, ["message"] = message } });
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
