using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace EasySpace.Tests.Fakes;

/// <summary>One webhook the fake sent, and how our endpoint answered.</summary>
public sealed record StripeDelivery(string EventId, string Type, string Url, int Status);

/// <summary>
/// Stripe Checkout as the fake plays it. API (what Stripe.net calls): checkout sessions (create, retrieve with
/// expand[]=payment_intent, expire), prices (list by lookup_keys[], create), products (retrieve, create, update),
/// subscriptions (retrieve, cancel with DELETE), invoices (retrieve with expand[]=payments), refunds (list by charge),
/// payment intents (retrieve), events (list with created[gte], types[], limit, starting_after; newest first). POSTs
/// with an Idempotency-Key answer the first answer again. Hosted page: a session's url is {ApiBase}/checkout/{id}, a
/// page with a "Pay" button (data-testid="fake-pay") that completes the checkout as Stripe would (payment intent,
/// charge, or subscription and its first invoice; then the signed webhooks) and redirects to the success_url, and a
/// "Cancel" button (data-testid="fake-cancel") that redirects to the cancel_url. Webhooks go to every endpoint
/// registered through the API (with the secret its creation returned) and to every <see cref="ForwardTo"/> target
/// (a forwarding tool such as "stripe listen", for local mode); Stripe-Signature is t=…,v1=HMAC-SHA256 of "t.payload".
/// Switches: <see cref="DeliverWebhooks"/>, <see cref="MaxPageSize"/>, <see cref="DeliverTwice"/>, <see cref="DeliverOutOfOrder"/>,
/// <see cref="DeclinePayments"/>. Helpers: <see cref="CompleteCheckoutAsync"/>, <see cref="RenewAsync"/>,
/// <see cref="FailRenewalAsync"/>, <see cref="RefundAsync"/>, <see cref="ExpireAsync"/>, <see cref="ReplayAsync"/>.
/// </summary>
public sealed partial class FakeStripe
{
    private readonly object gate = new();
    private readonly ConcurrentDictionary<string, string> secrets = new();
    private readonly ConcurrentDictionary<string, JsonObject> objects = new();
    private readonly List<JsonObject> events = [];
    private readonly ConcurrentDictionary<string, string> idempotent = new();
    private readonly List<(string Url, string Secret)> forwards = [];
    private readonly ConcurrentQueue<StripeDelivery> deliveries = new();
    private static readonly HttpClient Sender = new() { Timeout = Timeout.InfiniteTimeSpan }; // each post sets its own wait
    private int nextId;

    /// <summary>The clock Stripe's timestamps (event times, signatures) are read from.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>False: events are made and listed, but no webhook is sent (a box Stripe cannot reach, or downtime).</summary>
    public bool DeliverWebhooks { get; set; } = true;

    /// <summary>Every webhook is sent twice, as Stripe does when it did not see our first answer.</summary>
    public bool DeliverTwice { get; set; }

    /// <summary>The events one action makes are sent last first (e.g. invoice.paid before customer.subscription.created).</summary>
    public bool DeliverOutOfOrder { get; set; }

    /// <summary>The bank refuses: a completed one-time checkout's payment fails (checkout.session.async_payment_failed).</summary>
    public bool DeclinePayments { get; set; }

    /// <summary>The most a list page holds (Stripe's is 100); smaller makes a client page through a few events.</summary>
    public int MaxPageSize { get; set; } = 100;

    public IReadOnlyList<StripeDelivery> Deliveries => deliveries.ToList();

    public IReadOnlyList<JsonObject> Events { get { lock (gate) return events.Select(e => (JsonObject)e.DeepClone()).ToList(); } }

    /// <summary>An object as the fake holds it now (a session, a subscription, a payment intent…), by id.</summary>
    public JsonObject Object(string id) => (JsonObject)objects[id].DeepClone();

    public IEnumerable<JsonObject> ObjectsOf(string type) => objects.Values.Where(o => (string?)o["object"] == type).Select(o => (JsonObject)o.DeepClone());

    /// <summary>Also sends every event to <paramref name="url"/>, signed with <paramref name="secret"/>, as "stripe listen --forward-to" does.</summary>
    public void ForwardTo(string url, string secret)
    {
        lock (gate) forwards.Add((url, secret));
    }

    /// <summary>What the Pay button does: the member paid (or, with <see cref="DeclinePayments"/>, the bank refused); then the webhooks.</summary>
    public async Task<JsonObject> CompleteCheckoutAsync(string sessionId)
    {
        var made = new List<JsonObject>();
        JsonObject session;
        lock (gate)
        {
            session = objects[sessionId];
            if ((string?)session["status"] != "open") return (JsonObject)session.DeepClone();
            var amount = (long)session["amount_total"]!;
            var currency = (string)session["currency"]!;
            var metadata = (JsonObject)session["metadata"]!.DeepClone();
            session["status"] = "complete";
            if ((string?)session["mode"] == "subscription")
            {
                var customer = Store(NewObject("cus", "customer", new() { ["email"] = session["customer_email"]?.DeepClone() }));
                var price = objects[(string)session["fake_price"]!];
                var subscription = Store(NewObject("sub", "subscription", new()
                {
                    ["status"] = "active",
                    ["customer"] = (string)customer["id"]!,
                    ["currency"] = currency,
                    ["metadata"] = session["fake_subscription_metadata"]!.DeepClone(),
                    ["cancel_at_period_end"] = false,
                    ["items"] = List(NewObject("si", "subscription_item", new()
                    {
                        ["price"] = price.DeepClone(), ["quantity"] = 1,
                        ["current_period_start"] = Now, ["current_period_end"] = Now + 30 * 86400,
                    })),
                }));
                var subscriptionId = (string)subscription["id"]!;
                made.Add(Event("customer.subscription.created", subscription));
                var (invoice, _) = PeriodInvoice(subscriptionId, amount, currency, "subscription_create", paid: true);
                session["subscription"] = subscriptionId;
                session["invoice"] = (string)invoice["id"]!;
                session["customer"] = (string)customer["id"]!;
                session["payment_status"] = "paid";
                made.Add(Event("invoice.paid", invoice));
                made.Add(Event("checkout.session.completed", session));
            }
            else
            {
                var intent = Store(NewObject("pi", "payment_intent", new()
                {
                    ["amount"] = amount, ["currency"] = currency, ["metadata"] = metadata,
                    ["status"] = DeclinePayments ? "requires_payment_method" : "succeeded",
                }));
                session["payment_intent"] = (string)intent["id"]!;
                if (DeclinePayments)
                {
                    // An asynchronous method (a debit) the bank refused later: the session completed unpaid, then failed.
                    session["payment_status"] = "unpaid";
                    made.Add(Event("checkout.session.completed", session));
                    made.Add(Event("checkout.session.async_payment_failed", session));
                }
                else
                {
                    var charge = Store(NewObject("ch", "charge", new()
                    {
                        ["amount"] = amount, ["amount_captured"] = amount, ["amount_refunded"] = 0L, ["currency"] = currency,
                        ["payment_intent"] = (string)intent["id"]!, ["paid"] = true, ["captured"] = true, ["refunded"] = false, ["status"] = "succeeded",
                    }));
                    intent["latest_charge"] = (string)charge["id"]!;
                    session["payment_status"] = "paid";
                    made.Add(Event("checkout.session.completed", session));
                }
            }
        }
        await SendAsync(made);
        return (JsonObject)session.DeepClone();
    }

    /// <summary>The session ran out unpaid (Stripe expires them after 24 hours): checkout.session.expired.</summary>
    public async Task ExpireAsync(string sessionId)
    {
        lock (gate) Answer("POST", ["v1", "checkout", "sessions", sessionId, "expire"], []);
        await SendPendingAsync();
    }

    /// <summary>A subscription's next period is paid: a new invoice and charge, invoice.paid and customer.subscription.updated.</summary>
    public Task<JsonObject> RenewAsync(string subscriptionId) => PeriodAsync(subscriptionId, paid: true);

    /// <summary>A renewal the card refused: an open invoice, invoice.payment_failed, and the subscription past_due.</summary>
    public Task<JsonObject> FailRenewalAsync(string subscriptionId) => PeriodAsync(subscriptionId, paid: false);

    private async Task<JsonObject> PeriodAsync(string subscriptionId, bool paid)
    {
        var made = new List<JsonObject>();
        JsonObject invoice;
        lock (gate)
        {
            var subscription = objects[subscriptionId];
            var price = subscription["items"]!["data"]![0]!["price"]!;
            (invoice, _) = PeriodInvoice(subscriptionId, (long)price["unit_amount"]!, (string)price["currency"]!, "subscription_cycle", paid);
            subscription["status"] = paid ? "active" : "past_due";
            made.Add(Event(paid ? "invoice.paid" : "invoice.payment_failed", invoice));
            made.Add(Event("customer.subscription.updated", subscription));
        }
        await SendAsync(made);
        return (JsonObject)invoice.DeepClone();
    }

    /// <summary>Money returned from a payment intent's charge (all of it unless <paramref name="amount"/>): charge.refunded.</summary>
    public async Task<JsonObject> RefundAsync(string paymentIntentId, long? amount = null)
    {
        JsonObject refund, charge;
        lock (gate)
        {
            charge = objects[(string)objects[paymentIntentId]["latest_charge"]!];
            var refunded = amount ?? (long)charge["amount"]! - (long)charge["amount_refunded"]!;
            refund = Store(NewObject("re", "refund", new()
            {
                ["amount"] = refunded, ["charge"] = (string)charge["id"]!, ["payment_intent"] = paymentIntentId,
                ["currency"] = (string)charge["currency"]!, ["status"] = "succeeded", ["reason"] = "requested_by_customer",
            }));
            charge["amount_refunded"] = (long)charge["amount_refunded"]! + refunded;
            charge["refunded"] = (long)charge["amount_refunded"]! >= (long)charge["amount"]!;
        }
        await SendAsync([Event("charge.refunded", charge)]);
        return (JsonObject)refund.DeepClone();
    }

    /// <summary>Sends an event already sent again (a retry, or an attacker replaying a captured body with a fresh signature).</summary>
    public async Task ReplayAsync(string eventId)
    {
        JsonObject found;
        lock (gate) found = events.First(e => (string)e["id"]! == eventId);
        await DeliverAsync(found);
    }

    /// <summary>
    /// Posts <paramref name="payload"/> to <paramref name="url"/> signed with <paramref name="secret"/> at <paramref name="at"/>,
    /// waiting <paramref name="wait"/> (30 s unless given) for the answer.
    /// </summary>
    public static async Task<HttpResponseMessage> PostSignedAsync(string url, string payload, string secret, DateTimeOffset at, TimeSpan? wait = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", Signature(payload, secret, at.ToUnixTimeSeconds()));
        using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(30));
        return await Sender.SendAsync(request, timeout.Token);
    }

    /// <summary>Stripe-Signature: t=unix seconds, v1=HMAC-SHA256 of "t.payload" with the endpoint's secret, in hex.</summary>
    public static string Signature(string payload, string secret, long timestamp)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    private (JsonObject Invoice, JsonObject Intent) PeriodInvoice(string subscriptionId, long amount, string currency, string reason, bool paid)
    {
        var intent = Store(NewObject("pi", "payment_intent", new()
        {
            ["amount"] = amount, ["currency"] = currency, ["status"] = paid ? "succeeded" : "requires_payment_method", ["metadata"] = new JsonObject(),
        }));
        if (paid)
        {
            var charge = Store(NewObject("ch", "charge", new()
            {
                ["amount"] = amount, ["amount_captured"] = amount, ["amount_refunded"] = 0L, ["currency"] = currency,
                ["payment_intent"] = (string)intent["id"]!, ["paid"] = true, ["captured"] = true, ["refunded"] = false, ["status"] = "succeeded",
            }));
            intent["latest_charge"] = (string)charge["id"]!;
        }
        var invoice = Store(NewObject("in", "invoice", new()
        {
            ["status"] = paid ? "paid" : "open",
            ["billing_reason"] = reason,
            ["currency"] = currency,
            ["amount_due"] = amount,
            ["amount_paid"] = paid ? amount : 0,
            ["amount_remaining"] = paid ? 0 : amount,
            ["attempt_count"] = 1,
            ["parent"] = new JsonObject
            {
                ["type"] = "subscription_details",
                ["quote_details"] = null,
                ["subscription_details"] = new JsonObject { ["metadata"] = new JsonObject(), ["subscription"] = subscriptionId },
            },
            // Sent only when asked for with expand[]=payments, as Stripe does.
            ["fake_payments"] = List(NewObject("inpay", "invoice_payment", new()
            {
                ["amount_paid"] = paid ? amount : null, ["amount_requested"] = amount, ["currency"] = currency, ["is_default"] = true,
                ["status"] = paid ? "paid" : "open",
                ["payment"] = new JsonObject { ["type"] = "payment_intent", ["payment_intent"] = (string)intent["id"]! },
            })),
        }));
        objects[subscriptionId]["latest_invoice"] = (string)invoice["id"]!;
        return (invoice, intent);
    }

    private async Task<bool> HandleCheckoutAsync(HttpContext http, string method, string[] segments, Dictionary<string, string[]> form)
    {
        switch (method, segments)
        {
            case ("GET", ["checkout", var id]) when objects.ContainsKey(id):
                await HostedPage(http, id);
                return true;
            case ("POST", ["checkout", var id, "pay"]) when objects.ContainsKey(id):
                var paid = await CompleteCheckoutAsync(id);
                http.Response.StatusCode = StatusCodes.Status303SeeOther;
                http.Response.Headers.Location = ((string)paid["success_url"]!).Replace("{CHECKOUT_SESSION_ID}", id, StringComparison.Ordinal);
                return true;
            case ("POST", ["checkout", var id, "cancel"]) when objects.ContainsKey(id):
                http.Response.StatusCode = StatusCodes.Status303SeeOther;
                http.Response.Headers.Location = (string)objects[id]["cancel_url"]!;
                return true;
        }
        // A POST repeated with the same Idempotency-Key gets the first answer again and changes nothing.
        var key = method == "POST" && http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } k ? string.Join('/', segments) + " " + k : null;
        if (key is not null && idempotent.TryGetValue(key, out var earlier))
        {
            await Raw(http, earlier);
            return true;
        }
        var answer = Answer(method, segments, form)?.ToJsonString();
        if (answer is null) return false;
        if (key is not null) idempotent[key] = answer;
        await Raw(http, answer);
        // Expiring a session and canceling a subscription send their events after the answer, as Stripe does.
        await SendPendingAsync();
        return true;
    }

    private readonly List<JsonObject> pending = [];

    private async Task SendPendingAsync()
    {
        List<JsonObject> toSend;
        lock (gate)
        {
            toSend = [.. pending];
            pending.Clear();
        }
        if (toSend.Count > 0) await SendAsync(toSend);
    }

    /// <summary>The API's answer to one call, or null when the fake does not know the path.</summary>
    private JsonObject? Answer(string method, string[] segments, Dictionary<string, string[]> form)
    {
        lock (gate)
        {
            switch (method, segments)
            {
                case ("POST", ["v1", "checkout", "sessions"]):
                    return CreateSession(form);
                case ("GET", ["v1", "checkout", "sessions", var id]) when Has(id, "checkout.session"):
                    var session = (JsonObject)objects[id].DeepClone();
                    if (Expands(form, "payment_intent") && (string?)session["payment_intent"] is { } pi) session["payment_intent"] = objects[pi].DeepClone();
                    return Public(session);
                case ("POST", ["v1", "checkout", "sessions", var id, "expire"]) when Has(id, "checkout.session"):
                    if ((string?)objects[id]["status"] == "open")
                    {
                        objects[id]["status"] = "expired";
                        pending.Add(Event("checkout.session.expired", objects[id]));
                    }
                    return Public(objects[id]);
                case ("GET", ["v1", "prices"]):
                    var keys = Values(form, "lookup_keys");
                    var active = One(form, "active") is not "false";
                    return List([.. objects.Values.Where(o => (string?)o["object"] == "price" && keys.Contains((string?)o["lookup_key"]) && (bool)o["active"]! == active)]);
                case ("POST", ["v1", "prices"]):
                    var lookupKey = One(form, "lookup_key");
                    if (lookupKey is not null && One(form, "transfer_lookup_key") == "true")
                        foreach (var old in objects.Values.Where(o => (string?)o["object"] == "price" && (string?)o["lookup_key"] == lookupKey)) old["lookup_key"] = null;
                    return Store(NewObject("price", "price", new()
                    {
                        ["active"] = true, ["billing_scheme"] = "per_unit", ["currency"] = One(form, "currency"), ["lookup_key"] = lookupKey,
                        ["metadata"] = Metadata(form, "metadata"), ["product"] = One(form, "product"), ["type"] = "recurring",
                        ["recurring"] = new JsonObject { ["interval"] = One(form, "recurring[interval]"), ["interval_count"] = 1, ["usage_type"] = "licensed" },
                        ["unit_amount"] = long.Parse(One(form, "unit_amount")!, CultureInfo.InvariantCulture),
                    }));
                case ("GET", ["v1", "products", var id]) when Has(id, "product"):
                    return objects[id];
                case ("POST", ["v1", "products"]):
                    var product = NewObject("prod", "product", new() { ["active"] = true, ["name"] = One(form, "name"), ["metadata"] = Metadata(form, "metadata") });
                    if (One(form, "id") is { } productId) product["id"] = productId;
                    return Store(product);
                case ("POST", ["v1", "products", var id]) when Has(id, "product"):
                    if (One(form, "name") is { } name) objects[id]["name"] = name;
                    return objects[id];
                case ("GET", ["v1", "subscriptions", var id]) when Has(id, "subscription"):
                    return objects[id];
                case ("DELETE", ["v1", "subscriptions", var id]) when Has(id, "subscription"):
                    if ((string?)objects[id]["status"] != "canceled")
                    {
                        objects[id]["status"] = "canceled";
                        objects[id]["canceled_at"] = Now;
                        pending.Add(Event("customer.subscription.deleted", objects[id]));
                    }
                    return objects[id];
                case ("GET", ["v1", "invoices", var id]) when Has(id, "invoice"):
                    var invoice = (JsonObject)objects[id].DeepClone();
                    if (Expands(form, "payments")) invoice["payments"] = invoice["fake_payments"]!.DeepClone();
                    return Public(invoice);
                case ("GET", ["v1", "payment_intents", var id]) when Has(id, "payment_intent"):
                    return objects[id];
                case ("GET", ["v1", "refunds"]):
                    var charge = One(form, "charge");
                    return List([.. objects.Values.Where(o => (string?)o["object"] == "refund" && (charge is null || (string?)o["charge"] == charge)).OrderBy(o => (string)o["id"]!)]);
                case ("GET", ["v1", "events"]):
                    return ListEvents(form);
                default:
                    return null;
            }
        }
    }

    private JsonObject CreateSession(Dictionary<string, string[]> form)
    {
        var mode = One(form, "mode") ?? "payment";
        long amount;
        string currency;
        string? priceId = null;
        if (mode == "subscription")
        {
            priceId = One(form, "line_items[0][price]")!;
            var price = objects[priceId];
            amount = (long)price["unit_amount"]!;
            currency = (string)price["currency"]!;
        }
        else
        {
            amount = long.Parse(One(form, "line_items[0][price_data][unit_amount]")!, CultureInfo.InvariantCulture)
                * long.Parse(One(form, "line_items[0][quantity]") ?? "1", CultureInfo.InvariantCulture);
            currency = One(form, "line_items[0][price_data][currency]")!;
        }
        var session = NewObject("cs_test", "checkout.session", new()
        {
            ["mode"] = mode,
            ["status"] = "open",
            ["payment_status"] = "unpaid",
            ["client_reference_id"] = One(form, "client_reference_id"),
            ["metadata"] = Metadata(form, "metadata"),
            ["customer_email"] = One(form, "customer_email"),
            ["success_url"] = One(form, "success_url"),
            ["cancel_url"] = One(form, "cancel_url"),
            ["amount_subtotal"] = amount,
            ["amount_total"] = amount,
            ["currency"] = currency,
            ["payment_intent"] = null,
            ["subscription"] = null,
            ["invoice"] = null,
            ["customer"] = null,
            ["expires_at"] = Now + 24 * 3600,
            ["fake_price"] = priceId,
            ["fake_subscription_metadata"] = Metadata(form, "subscription_data[metadata]"),
        });
        session["url"] = $"{ApiBase}/checkout/{(string)session["id"]!}";
        return Public(Store(session));
    }

    private JsonObject ListEvents(Dictionary<string, string[]> form)
    {
        var since = One(form, "created[gte]") is { } gte ? long.Parse(gte, CultureInfo.InvariantCulture) : 0;
        var types = Values(form, "types");
        var limit = Math.Min(MaxPageSize, One(form, "limit") is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : 10);
        IEnumerable<JsonObject> matching = events.Where(e => (long)e["created"]! >= since && (types.Count == 0 || types.Contains((string?)e["type"]))).Reverse();
        if (One(form, "starting_after") is { } after) matching = matching.SkipWhile(e => (string)e["id"]! != after).Skip(1);
        var all = matching.ToList();
        var page = List([.. all.Take(limit)]);
        page["has_more"] = all.Count > limit;
        return page;
    }

    private async Task SendAsync(List<JsonObject> made)
    {
        if (DeliverOutOfOrder) made.Reverse();
        foreach (var e in made)
        {
            await DeliverAsync(e);
            if (DeliverTwice) await DeliverAsync(e);
        }
    }

    private async Task DeliverAsync(JsonObject stripeEvent)
    {
        if (!DeliverWebhooks) return;
        var type = (string)stripeEvent["type"]!;
        List<(string Url, string Secret)> targets;
        lock (gate)
        {
            targets = [.. forwards];
            targets.AddRange(Endpoints.Values
                .Where(e => (string?)e["status"] == "enabled" && e["enabled_events"]!.AsArray().Any(t => (string?)t == type || (string?)t == "*")
                    && secrets.ContainsKey((string)e["id"]!))
                .Select(e => ((string)e["url"]!, secrets[(string)e["id"]!])));
        }
        var payload = stripeEvent.ToJsonString();
        foreach (var (url, secret) in targets)
        {
            using var response = await PostSignedAsync(url, payload, secret, Clock.GetUtcNow());
            deliveries.Enqueue(new StripeDelivery((string)stripeEvent["id"]!, type, url, (int)response.StatusCode));
        }
    }

    private JsonObject Event(string type, JsonObject data)
    {
        var stripeEvent = NewObject("evt", "event", new()
        {
            ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
            ["data"] = new JsonObject { ["object"] = Public(data) },
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        });
        events.Add(stripeEvent);
        return stripeEvent;
    }

    private JsonObject NewObject(string prefix, string type, JsonObject fields)
    {
        fields["id"] ??= $"{prefix}_fake{Interlocked.Increment(ref nextId):D6}";
        fields["object"] = type;
        fields["created"] = Now;
        fields["livemode"] = false;
        fields["metadata"] ??= new JsonObject();
        return fields;
    }

    private JsonObject Store(JsonObject o)
    {
        objects[(string)o["id"]!] = o;
        return o;
    }

    private bool Has(string id, string type) => objects.TryGetValue(id, out var o) && (string?)o["object"] == type;

    /// <summary>A copy without the fake's own bookkeeping fields.</summary>
    private static JsonObject Public(JsonObject o)
    {
        var copy = (JsonObject)o.DeepClone();
        foreach (var key in copy.Select(p => p.Key).Where(k => k.StartsWith("fake_", StringComparison.Ordinal)).ToList()) copy.Remove(key);
        return copy;
    }

    private static JsonObject List(params JsonObject[] items) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(items.Select(i => (JsonNode)Public(i)).ToArray()),
        ["has_more"] = false,
        ["url"] = "/v1/list",
    };

    private long Now => Clock.GetUtcNow().ToUnixTimeSeconds();

    private static string? One(Dictionary<string, string[]> form, string key) => form.TryGetValue(key, out var v) && v.Length > 0 ? v[0] : null;

    /// <summary>An array parameter however Stripe.net writes it: key[0]=…, key[]=… or key=….</summary>
    private static HashSet<string?> Values(Dictionary<string, string[]> form, string key) =>
        form.Where(f => f.Key == key || f.Key.StartsWith(key + "[", StringComparison.Ordinal)).SelectMany(f => f.Value).Select(v => (string?)v).ToHashSet();

    private static bool Expands(Dictionary<string, string[]> form, string field) => Values(form, "expand").Contains(field);

    private static JsonObject Metadata(Dictionary<string, string[]> form, string prefix)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in form.Where(f => f.Key.StartsWith(prefix + "[", StringComparison.Ordinal) && f.Key.EndsWith(']')))
        {
            var name = key[(prefix.Length + 1)..^1];
            if (!name.Contains('[')) metadata[name] = value.FirstOrDefault();
        }
        return metadata;
    }

    private static async Task HostedPage(HttpContext http, string id)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        var safe = WebUtility.HtmlEncode(id);
        await http.Response.WriteAsync($"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Stripe Checkout</title></head>
            <body><main><h1>Fake Stripe Checkout</h1><p>Session {safe}</p>
            <form method="post" action="/checkout/{safe}/pay"><button type="submit" data-testid="fake-pay">Pay</button></form>
            <form method="post" action="/checkout/{safe}/cancel"><button type="submit" data-testid="fake-cancel">Cancel</button></form>
            </main></body></html>
            """);
    }

    private static Task Raw(HttpContext http, string json)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(json);
    }
}
