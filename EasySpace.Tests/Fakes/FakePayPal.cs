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

/// <summary>How the fake sends its webhook events to the URLs registered through its webhooks API.</summary>
public enum FakeDelivery { Once, Twice, None }

/// <summary>One webhook delivery the fake made, and what our endpoint answered.</summary>
public sealed record PayPalDelivery(string EventId, string EventType, int Status);

/// <summary>
/// PayPal's REST APIs as far as our client uses them (OAuth2, Orders v2, Catalog products, Billing plans and
/// subscriptions, Webhooks, verify-webhook-signature, the webhook events list), on Kestrel at 127.0.0.1 with in-memory
/// state. Shapes and error bodies follow ../shared/reference/paypal/*.json. It checks the Basic credentials and bearer
/// tokens, answers a repeated PayPal-Request-Id with the first result, and lets the test expire tokens.
/// <para>
/// The payer's side: an order's or subscription's approve link is a page ON THE FAKE (<c>/checkoutnow?token={order}</c>,
/// <c>/webapps/billing/subscriptions?ba_token=BA-{subscription}</c>) with two buttons, <c>data-testid="fake-pay"</c> and
/// <c>"fake-cancel"</c>. Pay approves the order (or activates the subscription and takes its first payment), sends the
/// webhook events PayPal would send, then redirects the browser to the return URL; cancel redirects to the cancel URL.
/// <see cref="PayAsync"/> is the same button for a test without a browser.
/// </para>
/// <para>
/// Events: CHECKOUT.ORDER.APPROVED on approval, PAYMENT.CAPTURE.COMPLETED (or DENIED with <see cref="DeclineCaptures"/>)
/// on capture, BILLING.SUBSCRIPTION.ACTIVATED and PAYMENT.SALE.COMPLETED on a subscription's approval,
/// BILLING.SUBSCRIPTION.CANCELLED on cancel, and what <see cref="RenewAsync"/>, <see cref="FailRenewalAsync"/> and
/// <see cref="RefundAsync"/> cause (a subscription's sales are also listed by GET /v1/billing/subscriptions/{id}/transactions).
/// Each is signed with <see cref="Sign"/> (which its own verify endpoint accepts), sent
/// before the call that caused it answers, as <see cref="Delivery"/> says (once, twice, or not at all), and listed by
/// GET /v1/notifications/webhooks-events whether delivered or not. Times come from <see cref="Clock"/>.
/// </para>
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
    private readonly Dictionary<string, (string ReturnUrl, string CancelUrl)> payerUrls = [];
    private readonly Dictionary<string, string> captureOrders = [];
    private readonly Dictionary<string, JsonObject> sales = [];
    private readonly List<JsonObject> events = [];
    private readonly List<JsonObject> raised = [];
    private readonly List<PayPalDelivery> deliveries = [];
    private readonly HttpClient sender = new() { Timeout = TimeSpan.FromSeconds(60) };
    private IQueryCollection currentQuery = QueryCollection.Empty;
    private int nextId;

    public string ClientId { get; } = "AFakeClient" + Guid.NewGuid().ToString("N")[..12];
    public string Secret { get; } = "EFakeSecret" + Guid.NewGuid().ToString("N");

    /// <summary>What the token endpoint answers as <c>expires_in</c> (PayPal: 32400, nine hours).</summary>
    public int TokenLifetimeSeconds { get; set; } = 32400;

    /// <summary>Captures from now on are DECLINED inside a COMPLETED order, as PayPal does when the funding source fails.</summary>
    public bool DeclineCaptures { get; set; }

    /// <summary>Every bearer token is refused, even a fresh one (an app whose access was revoked).</summary>
    public bool RefuseEveryToken { get; set; }

    /// <summary>Whether events reach the registered webhooks: once (as PayPal does), twice (a retry), or not at all (a box PayPal cannot reach).</summary>
    public FakeDelivery Delivery { get; set; } = FakeDelivery.Once;

    private FakePayPal() { }

    /// <summary>The time events and payments are stamped with (the app's fake clock, so reconciliation's "since" matches).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public static async Task<FakePayPal> StartAsync()
    {
        var fake = new FakePayPal();
        fake.app = await LoopbackApp.StartAsync(fake.HandleAsync);
        return fake;
    }

    /// <summary>Every webhook delivery made so far, with our endpoint's answer.</summary>
    public IReadOnlyList<PayPalDelivery> Deliveries { get { lock (gate) return deliveries.ToList(); } }

    /// <summary>Every event raised so far, delivered or not, oldest first.</summary>
    public IReadOnlyList<JsonObject> Events { get { lock (gate) return events.Select(e => e.DeepClone().AsObject()).ToList(); } }

    /// <summary>Registers a webhook for <paramref name="eventTypes"/> (all: "*") as our wizard would; returns its id (what the connection's RemoteWebhookId holds).</summary>
    public string RegisterWebhook(string url, IEnumerable<string>? eventTypes = null)
    {
        var types = new JsonArray((eventTypes ?? ["*"]).Select(t => (JsonNode)new JsonObject { ["name"] = t }).ToArray());
        lock (gate) return (string)JsonNode.Parse(CreateWebhook(new JsonObject { ["url"] = url, ["event_types"] = types }).Item2!)!["id"]!;
    }

    /// <summary>The payer pressed "Pay" on the fake's page: the order is approved, or the subscription activated and its first period paid.</summary>
    public Task PayAsync(string orderOrSubscriptionId) => RaiseAsync(() => Pay(orderOrSubscriptionId));

    /// <summary>PayPal took a renewal payment: a new sale and PAYMENT.SALE.COMPLETED. Returns the sale id.</summary>
    public async Task<string> RenewAsync(string subscriptionId)
    {
        string saleId = "";
        await RaiseAsync(() => saleId = Sale(subscriptions[subscriptionId]));
        return saleId;
    }

    /// <summary>PayPal could not take a renewal: the subscription's failed payments count grows, BILLING.SUBSCRIPTION.PAYMENT.FAILED is sent.</summary>
    public Task FailRenewalAsync(string subscriptionId) => RaiseAsync(() =>
    {
        var subscription = subscriptions[subscriptionId];
        var info = subscription["billing_info"]!.AsObject();
        info["failed_payments_count"] = (int)info["failed_payments_count"]! + 1;
        info["last_failed_payment"] = new JsonObject { ["amount"] = Price(subscription), ["time"] = Now(), ["reason_code"] = "PAYMENT_DENIED" };
        Raise("BILLING.SUBSCRIPTION.PAYMENT.FAILED", "subscription", subscription, $"Subscription payment failed for subscription {subscriptionId}.");
    });

    /// <summary>The merchant refunded a capture (PAYMENT.CAPTURE.REFUNDED) or a subscription's sale (PAYMENT.SALE.REFUNDED) in full, or <paramref name="amount"/> of it. Returns the refund id.</summary>
    public async Task<string> RefundAsync(string captureOrSaleId, decimal? amount = null)
    {
        var refundId = "";
        await RaiseAsync(() =>
        {
            refundId = NewId("1JU08902781691411");
            if (captureOrders.TryGetValue(captureOrSaleId, out var orderId))
            {
                var paid = orders[orderId]["purchase_units"]![0]!["payments"]!["captures"]![0]!["amount"]!;
                var money = new JsonObject { ["currency_code"] = (string)paid["currency_code"]!, ["value"] = Value(amount) ?? (string)paid["value"]! };
                Raise("PAYMENT.CAPTURE.REFUNDED", "refund", new JsonObject
                {
                    ["id"] = refundId, ["status"] = "COMPLETED", ["amount"] = money,
                    ["links"] = Links(("self", $"{Url}/v2/payments/refunds/{refundId}", "GET"), ("up", $"{Url}/v2/payments/captures/{captureOrSaleId}", "GET")),
                }, $"A {money["value"]} {money["currency_code"]} capture payment was refunded");
                return;
            }
            var sale = sales[captureOrSaleId];
            Raise("PAYMENT.SALE.REFUNDED", "refund", new JsonObject
            {
                ["id"] = refundId, ["state"] = "completed", ["sale_id"] = captureOrSaleId,
                ["billing_agreement_id"] = sale["billing_agreement_id"]!.DeepClone(),
                ["amount"] = new JsonObject { ["currency"] = (string)sale["amount"]!["currency"]!, ["total"] = Value(amount) ?? (string)sale["amount"]!["total"]! },
                ["links"] = Links(("self", $"{Url}/v1/payments/refund/{refundId}", "GET"), ("up", $"{Url}/v1/payments/sale/{captureOrSaleId}", "GET")),
            }, "A sale payment was refunded");
        });
        return refundId;
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

    /// <summary>The payer approved the subscription and PayPal took the first payment (no events: <see cref="PayAsync"/> sends them).</summary>
    public void ActivateSubscription(string subscriptionId)
    {
        lock (gate) Activate(subscriptions[subscriptionId]);
    }

    private void Activate(JsonObject subscription)
    {
        var price = Price(subscription);
        subscription["status"] = "ACTIVE";
        subscription["billing_info"] = new JsonObject
        {
            ["outstanding_balance"] = new JsonObject { ["currency_code"] = (string)price["currency_code"]!, ["value"] = "0.00" },
            ["last_payment"] = new JsonObject { ["amount"] = price, ["time"] = Now() },
            ["next_billing_time"] = "2026-04-02T10:00:00Z",
            ["failed_payments_count"] = 0,
        };
    }

    private JsonObject Price(JsonObject subscription) =>
        plans[(string)subscription["plan_id"]!]["billing_cycles"]![0]!["pricing_scheme"]!["fixed_price"]!.DeepClone().AsObject();

    private void Pay(string id)
    {
        if (orders.TryGetValue(id, out var order))
        {
            order["status"] = "APPROVED";
            Raise("CHECKOUT.ORDER.APPROVED", "checkout-order", order, $"An order has been approved by buyer");
            return;
        }
        var subscription = subscriptions[id];
        Activate(subscription);
        Raise("BILLING.SUBSCRIPTION.ACTIVATED", "subscription", subscription, "Subscription activated");
        Sale(subscription);
    }

    /// <summary>One payment of a subscription (the older payments API's "sale"), and its event.</summary>
    private string Sale(JsonObject subscription)
    {
        var price = Price(subscription);
        var saleId = NewId("80021663DE681814L");
        var sale = new JsonObject
        {
            ["id"] = saleId,
            ["state"] = "completed",
            ["amount"] = new JsonObject { ["total"] = (string)price["value"]!, ["currency"] = (string)price["currency_code"]! },
            ["billing_agreement_id"] = (string)subscription["id"]!,
            ["custom"] = subscription["custom_id"]?.DeepClone(),
            ["create_time"] = Now(),
        };
        sales[saleId] = sale;
        var info = subscription["billing_info"]!.AsObject();
        info["last_payment"] = new JsonObject { ["amount"] = price, ["time"] = Now() };
        info["failed_payments_count"] = 0;
        Raise("PAYMENT.SALE.COMPLETED", "sale", sale, $"Payment completed for {price["value"]} {price["currency_code"]}");
        return saleId;
    }

    /// <summary>Adds an event to the list and to the deliveries of the current request (sent once the gate is left).</summary>
    private void Raise(string type, string resourceType, JsonObject resource, string summary)
    {
        var id = NewId("WH-58D329510W468432D-8HN650336L2011");
        var e = new JsonObject
        {
            ["id"] = id,
            ["create_time"] = Now(),
            ["resource_type"] = resourceType,
            ["event_type"] = type,
            ["summary"] = summary,
            ["resource_version"] = "2.0",
            ["event_version"] = "1.0",
            ["resource"] = resource.DeepClone(),
            ["links"] = Links(("self", $"{Url}/v1/notifications/webhooks-events/{id}", "GET")),
        };
        events.Add(e);
        raised.Add(e);
    }

    /// <summary>Runs <paramref name="change"/> under the gate, then sends the events it raised to every registered webhook.</summary>
    private async Task RaiseAsync(Action change)
    {
        List<(string Id, string Url, string[] Types)> targets;
        List<JsonObject> toSend;
        lock (gate)
        {
            change();
            toSend = raised.ToList();
            raised.Clear();
            targets = Targets();
        }
        await SendAsync(toSend, targets);
    }

    /// <summary>Each webhook with the event types it subscribed to ("*": all), as PayPal sends only those.</summary>
    private List<(string Id, string Url, string[] Types)> Targets() =>
        webhooks.Values.Select(w => ((string)w["id"]!, (string)w["url"]!, w["event_types"]!.AsArray().Select(t => (string)t!["name"]!).ToArray())).ToList();

    private async Task SendAsync(List<JsonObject> toSend, List<(string Id, string Url, string[] Types)> targets)
    {
        var times = Delivery switch { FakeDelivery.None => 0, FakeDelivery.Twice => 2, _ => 1 };
        foreach (var e in toSend)
        foreach (var (webhookId, url, types) in targets.Where(t => t.Types.Contains("*") || t.Types.Contains((string)e["event_type"]!)))
        for (var i = 0; i < times; i++)
        {
            using var request = SignedRequest(url, webhookId, e.ToJsonString());
            int status;
            try { status = (int)(await sender.SendAsync(request)).StatusCode; }
            catch (HttpRequestException) { status = 0; }
            lock (gate) deliveries.Add(new((string)e["id"]!, (string)e["event_type"]!, status));
        }
    }

    private string Now() => Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string? Value(decimal? amount) => amount?.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The transmission headers PayPal would send with <paramref name="rawBody"/> to the webhook <paramref name="webhookId"/>.</summary>
    public PayPalTransmission Sign(string webhookId, string rawBody)
    {
        var transmissionId = Guid.NewGuid().ToString();
        const string time = "2026-03-02T09:00:00Z";
        return new("SHA256withRSA", Url + "/v1/notifications/certs/CERT-fake", transmissionId, Signature(transmissionId, time, webhookId, rawBody), time);
    }

    /// <summary>A POST of <paramref name="body"/> to <paramref name="url"/> with the transmission headers PayPal would add for the webhook <paramref name="webhookId"/>.</summary>
    public HttpRequestMessage SignedRequest(string url, string webhookId, string body)
    {
        var t = Sign(webhookId, body);
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in PayPalTransmission.HeaderNames.Zip([t.AuthAlgo, t.CertUrl, t.TransmissionId, t.TransmissionSig, t.TransmissionTime]))
            request.Headers.Add(name, value);
        return request;
    }

    private string Signature(string transmissionId, string time, string webhookId, string rawBody) =>
        Convert.ToBase64String(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes($"{transmissionId}|{time}|{webhookId}|{rawBody}")));

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        if (await PayerPageAsync(http)) return;
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        var requestId = request.Headers["PayPal-Request-Id"].FirstOrDefault();
        var authorization = request.Headers.Authorization.ToString();
        (int Status, string? Body) answer;
        List<JsonObject> toSend;
        List<(string Id, string Url, string[] Types)> targets;
        lock (gate)
        {
            raised.Clear();
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
                currentQuery = request.Query;
                answer = Route(request.Method, request.Path.Value!, body);
                if (request.Method == "POST" && requestId is not null) byRequestId[request.Path + " " + requestId] = answer;
            }
            toSend = raised.ToList();
            raised.Clear();
            targets = Targets();
        }
        // PayPal sends the events a call caused while the caller waits: a test sees them handled when the call returns.
        await SendAsync(toSend, targets);
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
        if (method == "GET" && path == "/v1/billing/plans") return ListPlans();
        if (method == "GET" && path == "/v1/notifications/webhooks-events") return ListEvents();
        if (method == "POST" && path == "/v1/billing/subscriptions") return CreateSubscription(input);
        if (Match(SubscriptionPath(), path) is { } subscriptionId)
            return method == "GET" && subscriptions.TryGetValue(subscriptionId, out var subscription) ? (200, Json(subscription)) : NotFound();
        if (method == "POST" && Match(CancelPath(), path) is { } cancelId) return Cancel(cancelId);
        if (method == "GET" && Match(TransactionsPath(), path) is { } paidId) return Transactions(paidId);
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
        KeepPayerUrls(id, input);
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
        var capture = new JsonObject
        {
            ["id"] = NewId("3C679366HH908993F"),
            ["status"] = DeclineCaptures ? "DECLINED" : "COMPLETED",
            ["amount"] = unit["amount"]!.DeepClone(),
            ["custom_id"] = unit["custom_id"]?.DeepClone(),
            ["final_capture"] = true,
            ["supplementary_data"] = new JsonObject { ["related_ids"] = new JsonObject { ["order_id"] = orderId } },
        };
        unit["payments"] = new JsonObject { ["captures"] = new JsonArray(capture) };
        order["status"] = "COMPLETED";
        captureOrders[(string)capture["id"]!] = orderId;
        Raise(DeclineCaptures ? "PAYMENT.CAPTURE.DENIED" : "PAYMENT.CAPTURE.COMPLETED", "capture", capture,
            $"Payment {(DeclineCaptures ? "denied" : "completed")} for {unit["amount"]!["value"]} {unit["amount"]!["currency_code"]}");
        return (201, Json(order));
    }

    private (int, string?) CreateProduct(JsonObject input)
    {
        if (string.IsNullOrWhiteSpace((string?)input["name"]) || string.IsNullOrWhiteSpace((string?)input["type"]))
            return Error(400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        if ((string?)input["id"] is { } chosen && products.ContainsKey(chosen))
            return Error(422, "UNPROCESSABLE_ENTITY", "DUPLICATE_RESOURCE_IDENTIFIER", "The value of a field should not be duplicated.");
        var product = new JsonObject
        {
            ["id"] = (string?)input["id"] ?? NewId("PROD-XXCD1234QWER65782"),
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
            ["description"] = input["description"]?.DeepClone(),
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
        KeepPayerUrls(id, input);
        return (201, Json(subscription));
    }

    private (int, string?) Cancel(string subscriptionId)
    {
        if (!subscriptions.TryGetValue(subscriptionId, out var subscription)) return NotFound();
        if ((string?)subscription["status"] is "CANCELLED" or "EXPIRED")
            return Error(422, "UNPROCESSABLE_ENTITY", "SUBSCRIPTION_STATUS_INVALID",
                "Invalid subscription status for cancel action; subscription status should be active or suspended.");
        subscription["status"] = "CANCELLED";
        Raise("BILLING.SUBSCRIPTION.CANCELLED", "subscription", subscription, "Subscription cancelled");
        return (204, null);
    }

    private (int, string?) ListPlans()
    {
        // The product_id filter: our checkout lists one product's plans.
        var productId = currentQuery["product_id"].FirstOrDefault();
        var found = plans.Values.Where(p => productId is null || (string?)p["product_id"] == productId).Select(p => (JsonNode)new JsonObject
        {
            ["id"] = p["id"]!.DeepClone(), ["product_id"] = p["product_id"]!.DeepClone(), ["name"] = p["name"]!.DeepClone(),
            ["status"] = p["status"]!.DeepClone(), ["description"] = p["description"]?.DeepClone(),
        });
        return (200, Json(new JsonObject { ["plans"] = new JsonArray(found.ToArray()) }));
    }

    /// <summary>GET /v1/billing/subscriptions/{id}/transactions: the subscription's sales between start_time and end_time (both required).</summary>
    private (int, string?) Transactions(string subscriptionId)
    {
        if (!subscriptions.ContainsKey(subscriptionId)) return NotFound();
        if (!DateTimeOffset.TryParse(currentQuery["start_time"].FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var from)
            || !DateTimeOffset.TryParse(currentQuery["end_time"].FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var to))
            return Error(400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        var found = sales.Values.Where(sale => (string?)sale["billing_agreement_id"] == subscriptionId)
            .Where(sale => DateTimeOffset.Parse((string)sale["create_time"]!, System.Globalization.CultureInfo.InvariantCulture) is var at && at >= from && at <= to)
            .Select(sale => (JsonNode)new JsonObject
            {
                ["id"] = sale["id"]!.DeepClone(),
                ["status"] = "COMPLETED",
                ["amount_with_breakdown"] = new JsonObject
                {
                    ["gross_amount"] = new JsonObject { ["currency_code"] = sale["amount"]!["currency"]!.DeepClone(), ["value"] = sale["amount"]!["total"]!.DeepClone() },
                },
                ["time"] = sale["create_time"]!.DeepClone(),
            });
        return (200, Json(new JsonObject { ["transactions"] = new JsonArray(found.ToArray()) }));
    }

    /// <summary>GET /v1/notifications/webhooks-events: the events since start_time, newest first, as PayPal lists them.</summary>
    private (int, string?) ListEvents()
    {
        var since = DateTimeOffset.TryParse(currentQuery["start_time"].FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var start) ? start : DateTimeOffset.MinValue;
        var listed = events.Where(e => DateTimeOffset.Parse((string)e["create_time"]!, System.Globalization.CultureInfo.InvariantCulture) >= since)
            .Reverse().Select(e => (JsonNode)e.DeepClone()).ToArray();
        return (200, Json(new JsonObject { ["events"] = new JsonArray(listed), ["count"] = listed.Length }));
    }

    private void KeepPayerUrls(string id, JsonObject input)
    {
        var context = input["application_context"] ?? input["payment_source"]?["paypal"]?["experience_context"];
        if ((string?)context?["return_url"] is { } back && (string?)context["cancel_url"] is { } cancel) payerUrls[id] = (back, cancel);
    }

    /// <summary>
    /// The payer's pages: GET shows the two buttons, POST /checkout/{id}/pay or /cancel does what the payer chose and sends
    /// the browser back to the shop. Not behind a token: a browser opens them.
    /// </summary>
    private async Task<bool> PayerPageAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (http.Request.Method == "GET" && path is "/checkoutnow" or "/webapps/billing/subscriptions")
        {
            var id = http.Request.Query["token"].FirstOrDefault() ?? http.Request.Query["ba_token"].FirstOrDefault()?.Replace("BA-", "") ?? "";
            string what;
            lock (gate)
                what = orders.TryGetValue(id, out var order) ? $"{order["purchase_units"]![0]!["amount"]!["value"]} {order["purchase_units"]![0]!["amount"]!["currency_code"]}"
                    : subscriptions.ContainsKey(id) ? "a recurring payment" : "";
            if (what.Length == 0)
            {
                http.Response.StatusCode = 404;
                await http.Response.WriteAsync("No such checkout.");
                return true;
            }
            var encoded = System.Net.WebUtility.HtmlEncode(id);
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync($"""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake PayPal</title></head><body>
                <main><h1>Fake PayPal</h1><p>Pay {System.Net.WebUtility.HtmlEncode(what)}</p>
                <form method="post" action="/checkout/{encoded}/pay"><button type="submit" data-testid="fake-pay">Pay</button></form>
                <form method="post" action="/checkout/{encoded}/cancel"><button type="submit" data-testid="fake-cancel">Cancel and return</button></form>
                </main></body></html>
                """);
            return true;
        }
        if (http.Request.Method != "POST" || PayerAction().Match(path) is not { Success: true } action) return false;
        var target = Uri.UnescapeDataString(action.Groups[1].Value);
        (string ReturnUrl, string CancelUrl) urls;
        string query;
        lock (gate)
        {
            if (!payerUrls.TryGetValue(target, out urls))
            {
                http.Response.StatusCode = 404;
                return true;
            }
            // What PayPal appends to the return URL.
            query = orders.ContainsKey(target) ? $"token={target}&PayerID=FAKEPAYER1" : $"subscription_id={target}&ba_token=BA-{target}&token=EC-{target}";
        }
        var pay = action.Groups[2].Value == "pay";
        if (pay) await PayAsync(target);
        var back = pay ? urls.ReturnUrl : urls.CancelUrl;
        http.Response.Redirect(back + (back.Contains('?') ? "&" : "?") + query);
        return true;
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
    [GeneratedRegex("^/checkout/([^/]+)/(pay|cancel)$")] private static partial Regex PayerAction();
    [GeneratedRegex("^/v1/billing/subscriptions/([^/]+)/transactions$")] private static partial Regex TransactionsPath();

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
        sender.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
