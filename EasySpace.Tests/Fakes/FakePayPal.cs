using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EasySpace.Core.Payments.PayPal;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EasySpace.Tests.Fakes;

/// <summary>One request as the fake PayPal got it, for assertions on headers.</summary>
public sealed record PayPalRequest(string Method, string Path, string? RequestId, string? AuthorizationScheme);

/// <summary>
/// PayPal's REST APIs as far as our client uses them (OAuth2, Orders v2, Catalog products, Billing plans and
/// subscriptions, Webhooks, verify-webhook-signature), on Kestrel at 127.0.0.1 with in-memory state.
/// Shapes and error bodies follow ../shared/reference/paypal/*.json. It checks the Basic credentials and bearer
/// tokens, answers a repeated PayPal-Request-Id with the first result, and lets the test expire tokens,
/// decline captures, approve orders and activate subscriptions (what a payer would do on PayPal's pages).
/// </summary>
public sealed partial class FakePayPal : IAsyncDisposable
{
    private WebApplication app = default!;
    private readonly object gate = new();
    private readonly byte[] signingKey = RandomNumberGenerator.GetBytes(32);
    private readonly HashSet<string> liveTokens = [];
    private readonly List<string> issuedTokens = [];
    private readonly Dictionary<string, (int Status, string? Body)> byRequestId = [];
    private readonly Dictionary<string, JsonObject> orders = [];
    private readonly Dictionary<string, JsonObject> products = [];
    private readonly Dictionary<string, JsonObject> plans = [];
    private readonly Dictionary<string, JsonObject> subscriptions = [];
    private readonly Dictionary<string, JsonObject> webhooks = [];
    private readonly List<PayPalRequest> requests = [];
    private int nextId;

    public string ClientId { get; } = "AFakeClient" + Guid.NewGuid().ToString("N")[..12];
    public string Secret { get; } = "EFakeSecret" + Guid.NewGuid().ToString("N");

    /// <summary>What the token endpoint answers as <c>expires_in</c> (PayPal: 32400, nine hours).</summary>
    public int TokenLifetimeSeconds { get; set; } = 32400;

    /// <summary>Captures from now on are DECLINED inside a COMPLETED order, as PayPal does when the funding source fails.</summary>
    public bool DeclineCaptures { get; set; }

    /// <summary>Every bearer token is refused, even a fresh one (an app whose access was revoked).</summary>
    public bool RefuseEveryToken { get; set; }

    private FakePayPal() { }

    public static async Task<FakePayPal> StartAsync()
    {
        var fake = new FakePayPal();
        fake.app = await LoopbackApp.StartAsync(fake.HandleAsync);
        return fake;
    }

    /// <summary>The base URL to put in <c>Payments:PayPal:ApiBase</c>.</summary>
    public string Url => app.BaseUrl();

    public PayPalAccount Account => new(PayPalEnvironment.Sandbox, ClientId, Secret);

    /// <summary>Every access token handed out, for a test that looks for them where they must not be.</summary>
    public IReadOnlyList<string> IssuedTokens { get { lock (gate) return issuedTokens.ToList(); } }

    public int TokensIssued => IssuedTokens.Count;

    public IReadOnlyList<PayPalRequest> Requests { get { lock (gate) return requests.ToList(); } }

    /// <summary>Every token issued so far stops working, as when PayPal's side expires it.</summary>
    public void ExpireTokens() { lock (gate) liveTokens.Clear(); }

    /// <summary>The payer approved the order on PayPal's page.</summary>
    public void Approve(string orderId) { lock (gate) orders[orderId]["status"] = "APPROVED"; }

    /// <summary>The payer approved the subscription and PayPal took the first payment.</summary>
    public void ActivateSubscription(string subscriptionId)
    {
        lock (gate)
        {
            var subscription = subscriptions[subscriptionId];
            var price = plans[(string)subscription["plan_id"]!]["billing_cycles"]![0]!["pricing_scheme"]!["fixed_price"]!.DeepClone();
            subscription["status"] = "ACTIVE";
            subscription["billing_info"] = new JsonObject
            {
                ["outstanding_balance"] = new JsonObject { ["currency_code"] = (string)price["currency_code"]!, ["value"] = "0.00" },
                ["last_payment"] = new JsonObject { ["amount"] = price, ["time"] = "2026-03-02T09:00:00Z" },
                ["next_billing_time"] = "2026-04-02T10:00:00Z",
                ["failed_payments_count"] = 0,
            };
        }
    }

    /// <summary>The transmission headers PayPal would send with <paramref name="rawBody"/> to the webhook <paramref name="webhookId"/>.</summary>
    public PayPalTransmission Sign(string webhookId, string rawBody)
    {
        var transmissionId = Guid.NewGuid().ToString();
        const string time = "2026-03-02T09:00:00Z";
        return new("SHA256withRSA", Url + "/v1/notifications/certs/CERT-fake", transmissionId, Signature(transmissionId, time, webhookId, rawBody), time);
    }

    private string Signature(string transmissionId, string time, string webhookId, string rawBody) =>
        Convert.ToBase64String(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes($"{transmissionId}|{time}|{webhookId}|{rawBody}")));

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        var requestId = request.Headers["PayPal-Request-Id"].FirstOrDefault();
        var authorization = request.Headers.Authorization.ToString();
        (int Status, string? Body) answer;
        lock (gate)
        {
            requests.Add(new(request.Method, request.Path, requestId, authorization.Split(' ')[0] is { Length: > 0 } scheme ? scheme : null));
            if (InjectedFailure(request.Method, request.Path) is { } failure) answer = failure;
            else if (request.Path == "/v1/oauth2/token") answer = Token(authorization, body);
            else if (!authorization.StartsWith("Bearer ") || RefuseEveryToken || !liveTokens.Contains(authorization["Bearer ".Length..]))
                answer = (401, """{"error":"invalid_token","error_description":"Token signature verification failed"}""");
            else if (request.Method == "POST" && requestId is not null && byRequestId.TryGetValue(request.Path + " " + requestId, out var first))
                answer = first;
            else
            {
                caller = tokenOwners.GetValueOrDefault(authorization["Bearer ".Length..], ClientId);
                answer = Route(request.Method, request.Path.Value!, body);
                if (request.Method == "POST" && requestId is not null) byRequestId[request.Path + " " + requestId] = answer;
            }
        }
        http.Response.StatusCode = answer.Status;
        if (answer.Body is not null)
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(answer.Body);
        }
    }

    private (int, string?) Token(string authorization, string body)
    {
        var app = AppSignedIn(authorization);
        if (app is null) return (401, """{"error":"invalid_client","error_description":"Client Authentication failed"}""");
        if (body != "grant_type=client_credentials") return (400, """{"error":"unsupported_grant_type","error_description":"Grant Type is NULL"}""");
        var token = "A21AA" + Guid.NewGuid().ToString("N");
        liveTokens.Add(token);
        issuedTokens.Add(token);
        tokenOwners[token] = app;
        return (200, Json(new JsonObject
        {
            ["scope"] = "https://uri.paypal.com/services/payments/payment",
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["app_id"] = "APP-80W284485P519543T",
            ["expires_in"] = TokenLifetimeSeconds,
            ["nonce"] = Guid.NewGuid().ToString(),
        }));
    }

    private (int, string?) Route(string method, string path, string body)
    {
        JsonObject input;
        try { input = body.Length == 0 ? [] : JsonNode.Parse(body) as JsonObject ?? []; }
        catch (JsonException) { return Error(400, "INVALID_REQUEST", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed."); }

        if (method == "POST" && path == "/v2/checkout/orders") return CreateOrder(input);
        if (Match(OrderPath(), path) is { } orderId)
            return method == "GET" && orders.TryGetValue(orderId, out var order) ? (200, Json(order)) : NotFound();
        if (method == "POST" && Match(CapturePath(), path) is { } captureId) return Capture(captureId);
        if (method == "POST" && path == "/v1/catalogs/products") return CreateProduct(input);
        if (method == "POST" && path == "/v1/billing/plans") return CreatePlan(input);
        if (method == "POST" && path == "/v1/billing/subscriptions") return CreateSubscription(input);
        if (Match(SubscriptionPath(), path) is { } subscriptionId)
            return method == "GET" && subscriptions.TryGetValue(subscriptionId, out var subscription) ? (200, Json(subscription)) : NotFound();
        if (method == "POST" && Match(CancelPath(), path) is { } cancelId) return Cancel(cancelId);
        if (path == "/v1/notifications/webhooks")
            return method == "GET" ? ListWebhooks() : method == "POST" ? CreateWebhook(input) : NotFound();
        if (method == "DELETE" && Match(WebhookPath(), path) is { } webhookId) return DeleteWebhook(webhookId);
        if (method == "POST" && path == "/v1/notifications/verify-webhook-signature") return Verify(body);
        return NotFound();
    }

    private (int, string?) CreateOrder(JsonObject input)
    {
        var unit = input["purchase_units"]?[0];
        if ((string?)input["intent"] is not ("CAPTURE" or "AUTHORIZE") || unit?["amount"] is not JsonObject amount)
            return Error(400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        if (!decimal.TryParse((string?)amount["value"], System.Globalization.CultureInfo.InvariantCulture, out var value) || value <= 0)
            return Error(422, "UNPROCESSABLE_ENTITY", "CANNOT_BE_ZERO_OR_NEGATIVE",
                "Must be greater than zero. If the currency supports decimals, only two decimal place precision is supported.");
        var id = NewId("5O190127TN36471");
        var order = new JsonObject
        {
            ["id"] = id,
            ["intent"] = (string)input["intent"]!,
            ["status"] = "CREATED",
            ["purchase_units"] = new JsonArray(new JsonObject
            {
                ["reference_id"] = "default",
                ["amount"] = amount.DeepClone(),
                ["custom_id"] = unit["custom_id"]?.DeepClone(),
                ["description"] = unit["description"]?.DeepClone(),
                ["invoice_id"] = unit["invoice_id"]?.DeepClone(),
            }),
            ["links"] = Links(("self", $"{Url}/v2/checkout/orders/{id}", "GET"), ("approve", $"{Url}/checkoutnow?token={id}", "GET"),
                ("capture", $"{Url}/v2/checkout/orders/{id}/capture", "POST")),
        };
        orders[id] = order;
        return (201, Json(order));
    }

    private (int, string?) Capture(string orderId)
    {
        if (!orders.TryGetValue(orderId, out var order)) return NotFound();
        switch ((string)order["status"]!)
        {
            case "COMPLETED":
                return Error(422, "UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED", "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.");
            case not "APPROVED":
                return Error(422, "UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED",
                    "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.");
        }
        var unit = order["purchase_units"]![0]!.AsObject();
        unit["payments"] = new JsonObject
        {
            ["captures"] = new JsonArray(new JsonObject
            {
                ["id"] = NewId("3C679366HH908993F"),
                ["status"] = DeclineCaptures ? "DECLINED" : "COMPLETED",
                ["amount"] = unit["amount"]!.DeepClone(),
                ["custom_id"] = unit["custom_id"]?.DeepClone(),
                ["final_capture"] = true,
            }),
        };
        order["status"] = "COMPLETED";
        return (201, Json(order));
    }

    private (int, string?) CreateProduct(JsonObject input)
    {
        if (string.IsNullOrWhiteSpace((string?)input["name"]) || string.IsNullOrWhiteSpace((string?)input["type"]))
            return Error(400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        var product = new JsonObject
        {
            ["id"] = NewId("PROD-XXCD1234QWER65782"),
            ["name"] = (string)input["name"]!,
            ["description"] = input["description"]?.DeepClone(),
            ["type"] = (string)input["type"]!,
            ["create_time"] = "2026-03-02T09:00:00Z",
        };
        products[(string)product["id"]!] = product;
        return (201, Json(product));
    }

    private (int, string?) CreatePlan(JsonObject input)
    {
        if (input["billing_cycles"] is not JsonArray { Count: > 0 } cycles || string.IsNullOrWhiteSpace((string?)input["name"]))
            return Error(400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        if ((string?)input["product_id"] is not { } productId || !products.ContainsKey(productId))
            return Error(422, "UNPROCESSABLE_ENTITY", "INVALID_PRODUCT_ID", "Invalid product id.");
        var plan = new JsonObject
        {
            ["id"] = NewId("P-5ML4271244454362WXNWU5NQ"),
            ["product_id"] = productId,
            ["name"] = (string)input["name"]!,
            ["status"] = "ACTIVE",
            ["billing_cycles"] = cycles.DeepClone(),
            ["payment_preferences"] = input["payment_preferences"]?.DeepClone(),
        };
        plans[(string)plan["id"]!] = plan;
        return (201, Json(plan));
    }

    private (int, string?) CreateSubscription(JsonObject input)
    {
        if ((string?)input["plan_id"] is not { } planId || !plans.ContainsKey(planId))
            return Error(422, "UNPROCESSABLE_ENTITY", "INVALID_PLAN_ID", "The specified plan id is invalid.");
        var id = NewId("I-BW452GLLEP1G");
        var subscription = new JsonObject
        {
            ["id"] = id,
            ["plan_id"] = planId,
            ["custom_id"] = input["custom_id"]?.DeepClone(),
            ["status"] = "APPROVAL_PENDING",
            ["links"] = Links(("approve", $"{Url}/webapps/billing/subscriptions?ba_token=BA-{id}", "GET"),
                ("self", $"{Url}/v1/billing/subscriptions/{id}", "GET")),
        };
        subscriptions[id] = subscription;
        return (201, Json(subscription));
    }

    private (int, string?) Cancel(string subscriptionId)
    {
        if (!subscriptions.TryGetValue(subscriptionId, out var subscription)) return NotFound();
        if ((string?)subscription["status"] is "CANCELLED" or "EXPIRED")
            return Error(422, "UNPROCESSABLE_ENTITY", "SUBSCRIPTION_STATUS_INVALID",
                "Invalid subscription status for cancel action; subscription status should be active or suspended.");
        subscription["status"] = "CANCELLED";
        return (204, null);
    }

    private (int, string?) CreateWebhook(JsonObject input)
    {
        if ((string?)input["url"] is not { Length: > 0 } url || input["event_types"] is not JsonArray { Count: > 0 } types)
            return Error(400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        var mine = webhooks.Where(w => OwnerOf(w.Key) == caller).Select(w => w.Value).ToList();
        if (mine.Any(w => (string?)w["url"] == url)) return Error(400, "WEBHOOK_URL_ALREADY_EXISTS", null, "Webhook URL already exists.");
        if (mine.Count >= 10) return Error(400, "WEBHOOK_NUMBER_LIMIT_EXCEEDED", null, "Maximum number of webhooks exceeded.");
        var id = NewId("0EH40505U7160970P");
        webhookOwners[id] = caller;
        var webhook = new JsonObject
        {
            ["id"] = id,
            ["url"] = url,
            ["event_types"] = types.DeepClone(),
            ["links"] = Links(("self", $"{Url}/v1/notifications/webhooks/{id}", "GET")),
        };
        webhooks[id] = webhook;
        return (201, Json(webhook));
    }

    private (int, string?) Verify(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        string Field(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        if (!root.TryGetProperty("webhook_event", out var webhookEvent))
            return Error(400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        var genuine = webhooks.ContainsKey(Field("webhook_id"))
            && Field("transmission_sig") == Signature(Field("transmission_id"), Field("transmission_time"), Field("webhook_id"), webhookEvent.GetRawText());
        return (200, Json(new JsonObject { ["verification_status"] = genuine ? "SUCCESS" : "FAILURE" }));
    }

    private (int, string?) NotFound() => (404, Json(new JsonObject
    {
        ["name"] = "RESOURCE_NOT_FOUND",
        ["message"] = "The specified resource does not exist.",
        ["debug_id"] = NewId("f"),
        ["details"] = new JsonArray(new JsonObject
        {
            ["issue"] = "INVALID_RESOURCE_ID",
            ["description"] = "Specified resource ID does not exist. Please check the resource ID and try again.",
        }),
    }));

    private (int, string?) Error(int status, string name, string? issue, string description) => (status, Json(new JsonObject
    {
        ["name"] = name,
        ["message"] = status == 422
            ? "The requested action could not be performed, semantically incorrect, or failed business validation."
            : description,
        ["debug_id"] = NewId("b"),
        ["details"] = issue is null ? new JsonArray() : new JsonArray(new JsonObject { ["issue"] = issue, ["description"] = description }),
    }));

    private static JsonArray Links(params (string Rel, string Href, string Method)[] links) =>
        new(links.Select(l => (JsonNode)new JsonObject { ["href"] = l.Href, ["rel"] = l.Rel, ["method"] = l.Method }).ToArray());

    private string NewId(string prefix) => $"{prefix}{++nextId}";

    private static string Json(JsonNode node) => node.ToJsonString();

    private static string? Match(Regex pattern, string path) => pattern.Match(path) is { Success: true } m ? Uri.UnescapeDataString(m.Groups[1].Value) : null;

    [GeneratedRegex("^/v2/checkout/orders/([^/]+)$")] private static partial Regex OrderPath();
    [GeneratedRegex("^/v2/checkout/orders/([^/]+)/capture$")] private static partial Regex CapturePath();
    [GeneratedRegex("^/v1/billing/subscriptions/([^/]+)$")] private static partial Regex SubscriptionPath();
    [GeneratedRegex("^/v1/billing/subscriptions/([^/]+)/cancel$")] private static partial Regex CancelPath();
    [GeneratedRegex("^/v1/notifications/webhooks/([^/]+)$")] private static partial Regex WebhookPath();

    // Apps and outages, for the wizard's tests: PayPal keeps webhooks per REST app, so each app sees only its own.
    private readonly Dictionary<string, string> otherApps = [];
    private readonly Dictionary<string, string> tokenOwners = [];
    private readonly Dictionary<string, string> webhookOwners = [];
    private string caller = "";

    /// <summary>Paths (prefixes) answered with a 500 from now on, as when PayPal has an outage.</summary>
    public HashSet<string> FailingPaths { get; } = [];

    /// <summary>Requests ("POST /v1/notifications/webhooks") refused from now on with a 422 carrying this issue and description, as PayPal's business rules do.</summary>
    public Dictionary<string, (string Issue, string Description)> RefusedRequests { get; } = [];

    /// <summary>Another REST app on the same PayPal account, with its own credentials and its own webhooks.</summary>
    public PayPalAccount AddApp()
    {
        var app = new PayPalAccount(PayPalEnvironment.Sandbox, "AOtherApp" + Guid.NewGuid().ToString("N")[..12], "EOtherSecret" + Guid.NewGuid().ToString("N"));
        lock (gate) otherApps[app.ClientId] = app.Secret;
        return app;
    }

    /// <summary>Every webhook registered, with the client id of the app it belongs to.</summary>
    public IReadOnlyList<(string Id, string Url, string ClientId, IReadOnlyList<string> EventTypes)> Webhooks
    {
        get
        {
            lock (gate)
                return webhooks.Select(w => (w.Key, (string)w.Value["url"]!, OwnerOf(w.Key),
                    (IReadOnlyList<string>)w.Value["event_types"]!.AsArray().Select(t => (string)t!["name"]!).ToList())).ToList();
        }
    }

    /// <summary>A webhook already registered for <paramref name="url"/> (by an earlier install, another tool) on the main app.</summary>
    public string AddWebhook(string url, params string[] eventTypes)
    {
        lock (gate)
        {
            caller = ClientId;
            var (_, body) = CreateWebhook(new JsonObject
            {
                ["url"] = url,
                ["event_types"] = new JsonArray(eventTypes.Select(e => (JsonNode)new JsonObject { ["name"] = e }).ToArray()),
            });
            return (string)JsonNode.Parse(body!)!["id"]!;
        }
    }

    /// <summary>Deletes a webhook as the manager would in PayPal's developer dashboard.</summary>
    public void RemoveWebhook(string id) { lock (gate) webhooks.Remove(id); }

    private string? AppSignedIn(string authorization) =>
        otherApps.Append(new(ClientId, Secret)).FirstOrDefault(app =>
            authorization == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{app.Key}:{app.Value}"))).Key;

    private string OwnerOf(string webhookId) => webhookOwners.GetValueOrDefault(webhookId, ClientId);

    private (int, string?)? InjectedFailure(string method, string path)
    {
        if (FailingPaths.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
            return (500, Json(new JsonObject { ["name"] = "INTERNAL_SERVER_ERROR", ["message"] = "An internal server error has occurred.", ["debug_id"] = NewId("e") }));
        return RefusedRequests.TryGetValue($"{method} {path}", out var refusal) ? Error(422, "UNPROCESSABLE_ENTITY", refusal.Issue, refusal.Description) : null;
    }

    private (int, string?) ListWebhooks() => (200, Json(new JsonObject
    {
        ["webhooks"] = new JsonArray(webhooks.Where(w => OwnerOf(w.Key) == caller).Select(w => (JsonNode)w.Value.DeepClone()).ToArray()),
    }));

    private (int, string?) DeleteWebhook(string id) => OwnerOf(id) == caller && webhooks.Remove(id) ? (204, null) : NotFound();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
