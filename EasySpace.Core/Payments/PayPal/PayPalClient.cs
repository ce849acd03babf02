using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Payments.PayPal;

/// <summary>
/// Our typed client for PayPal's REST APIs (PayPal's own .NET SDK is deprecated and no longer published).
/// Every call takes the app's credentials, so a wizard can try new ones beside the stored ones.
/// Every POST carries the caller's idempotency key as PayPal-Request-Id: PayPal answers a repeat with the first result.
/// Nothing here throws for what PayPal or the network does; failures come back as a <see cref="PayPalError"/>.
/// </summary>
public sealed class PayPalClient(HttpClient http, PayPalTokens tokens, IOptionsMonitor<PayPalOptions> options, ILogger<PayPalClient> logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Asks PayPal for a fresh token (never a cached one: the credentials may have been revoked since), the check a
    /// wizard makes before it keeps the credentials. The answer names the app they belong to.
    /// </summary>
    public async Task<PayPalResult<PayPalApp>> VerifyCredentialsAsync(PayPalAccount account, CancellationToken ct)
    {
        var token = await FetchTokenAsync(account, options.CurrentValue.BaseFor(account.Environment), ct);
        return token.Value is { } issued ? new PayPalApp(issued.AppId) : token.Error!;
    }

    public Task<PayPalResult<PayPalOrder>> CreateOrderAsync(PayPalAccount account, PayPalOrderRequest order, string requestId, CancellationToken ct) =>
        SendAsync<PayPalOrder>(account, HttpMethod.Post, "v2/checkout/orders", Body(order), Required(requestId), "create the order", ct);

    public Task<PayPalResult<PayPalOrder>> GetOrderAsync(PayPalAccount account, string orderId, CancellationToken ct) =>
        SendAsync<PayPalOrder>(account, HttpMethod.Get, $"v2/checkout/orders/{Segment(orderId)}", null, null, "read the order", ct);

    /// <summary>Captures an approved order; whether the payer paid is the capture's status (<see cref="PayPalOrderCapture.Paid"/>).</summary>
    public async Task<PayPalResult<PayPalOrderCapture>> CaptureOrderAsync(PayPalAccount account, string orderId, string requestId, CancellationToken ct)
    {
        var order = await SendAsync<PayPalOrder>(account, HttpMethod.Post, $"v2/checkout/orders/{Segment(orderId)}/capture",
            () => JsonContent.Create(new { }, options: Json), Required(requestId), "capture the order", ct);
        if (order.Value is not { } captured) return order.Error!;
        var capture = captured.PurchaseUnits?.SelectMany(u => u.Payments?.Captures ?? []).FirstOrDefault();
        return new PayPalOrderCapture(captured.Id, captured.Status, capture);
    }

    public Task<PayPalResult<PayPalProduct>> CreateProductAsync(PayPalAccount account, PayPalProductRequest product, string requestId, CancellationToken ct) =>
        SendAsync<PayPalProduct>(account, HttpMethod.Post, "v1/catalogs/products", Body(product), Required(requestId), "create the product", ct);

    /// <summary>The plans of one product (the first 20: we keep one active plan per price of a membership plan).</summary>
    public async Task<PayPalResult<PayPalPlan[]>> ListPlansAsync(PayPalAccount account, string productId, CancellationToken ct)
    {
        var list = await SendAsync<PayPalPlanList>(account, HttpMethod.Get, $"v1/billing/plans?product_id={Uri.EscapeDataString(productId)}&page_size=20",
            null, null, "list the billing plans", ct);
        return list.Value is { } found ? (found.Plans ?? []).ToArray() : list.Error!;
    }

    public Task<PayPalResult<PayPalPlan>> CreatePlanAsync(PayPalAccount account, PayPalPlanRequest plan, string requestId, CancellationToken ct) =>
        SendAsync<PayPalPlan>(account, HttpMethod.Post, "v1/billing/plans", Body(plan), Required(requestId), "create the billing plan", ct);

    public Task<PayPalResult<PayPalSubscription>> CreateSubscriptionAsync(PayPalAccount account, PayPalSubscriptionRequest subscription, string requestId, CancellationToken ct) =>
        SendAsync<PayPalSubscription>(account, HttpMethod.Post, "v1/billing/subscriptions", Body(subscription), Required(requestId), "create the subscription", ct);

    public Task<PayPalResult<PayPalSubscription>> GetSubscriptionAsync(PayPalAccount account, string subscriptionId, CancellationToken ct) =>
        SendAsync<PayPalSubscription>(account, HttpMethod.Get, $"v1/billing/subscriptions/{Segment(subscriptionId)}", null, null, "read the subscription", ct);

    /// <summary>The payments PayPal took for a subscription between two times (what reconciliation records when no webhook brought them).</summary>
    public async Task<PayPalResult<PayPalTransaction[]>> ListSubscriptionTransactionsAsync(PayPalAccount account, string subscriptionId, DateTimeOffset from,
        DateTimeOffset to, CancellationToken ct)
    {
        var list = await SendAsync<PayPalTransactionList>(account, HttpMethod.Get,
            $"v1/billing/subscriptions/{Segment(subscriptionId)}/transactions?start_time={Time(from)}&end_time={Time(to)}", null, null,
            "list the subscription's payments", ct);
        return list.Value is { } found ? (found.Transactions ?? []).ToArray() : list.Error!;
    }

    public Task<PayPalResult<PayPalDone>> CancelSubscriptionAsync(PayPalAccount account, string subscriptionId, string reason, string requestId, CancellationToken ct) =>
        SendAsync<PayPalDone>(account, HttpMethod.Post, $"v1/billing/subscriptions/{Segment(subscriptionId)}/cancel",
            Body(new PayPalCancelRequest(reason)), Required(requestId), "cancel the subscription", ct);

    public async Task<PayPalResult<PayPalWebhook[]>> ListWebhooksAsync(PayPalAccount account, CancellationToken ct)
    {
        var list = await SendAsync<PayPalWebhookList>(account, HttpMethod.Get, "v1/notifications/webhooks", null, null, "list the webhooks", ct);
        return list.Value is { } found ? (found.Webhooks ?? []).ToArray() : list.Error!;
    }

    public Task<PayPalResult<PayPalWebhook>> CreateWebhookAsync(PayPalAccount account, string url, IReadOnlyList<string> eventTypes, string requestId, CancellationToken ct) =>
        SendAsync<PayPalWebhook>(account, HttpMethod.Post, "v1/notifications/webhooks",
            Body(new PayPalWebhookRequest(url, eventTypes.Select(name => new PayPalEventType(name)).ToList())), Required(requestId), "register the webhook", ct);

    public Task<PayPalResult<PayPalDone>> DeleteWebhookAsync(PayPalAccount account, string webhookId, CancellationToken ct) =>
        SendAsync<PayPalDone>(account, HttpMethod.Delete, $"v1/notifications/webhooks/{Segment(webhookId)}", null, null, "delete the webhook", ct);

    /// <summary>
    /// The webhook events PayPal sent (or tried to send) since <paramref name="since"/>, newest first, at most 300: what
    /// reconciliation compares with the inbox. Each is the raw JSON of the event.
    /// </summary>
    public async Task<PayPalResult<string[]>> ListWebhookEventsAsync(PayPalAccount account, DateTimeOffset since, CancellationToken ct)
    {
        var list = await SendAsync<PayPalEventList>(account, HttpMethod.Get, $"v1/notifications/webhooks-events?start_time={Time(since)}&page_size=300",
            null, null, "list the webhook events", ct);
        return list.Value is { } found ? (found.Events ?? []).Select(e => e.GetRawText()).ToArray() : list.Error!;
    }

    /// <summary>
    /// Asks PayPal whether a webhook it sent us is genuine. The event travels exactly as it arrived
    /// (<paramref name="rawBody"/>): re-serialising it could change what PayPal signed. True only for SUCCESS.
    /// </summary>
    public async Task<PayPalResult<bool>> VerifyWebhookSignatureAsync(PayPalAccount account, string webhookId, PayPalTransmission transmission, string rawBody, string requestId, CancellationToken ct)
    {
        byte[] body;
        try { body = VerificationBody(webhookId, transmission, rawBody); }
        catch (JsonException) { return new PayPalError(PayPalErrorKind.Refused, "The webhook's body is not JSON, so it cannot come from PayPal."); }
        var answer = await SendAsync<PayPalVerification>(account, HttpMethod.Post, "v1/notifications/verify-webhook-signature",
            () => new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } }, Required(requestId), "check the webhook signature", ct);
        return answer.Value is { } verification ? verification.VerificationStatus == "SUCCESS" : answer.Error!;
    }

    private static byte[] VerificationBody(string webhookId, PayPalTransmission t, string rawBody)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("auth_algo", t.AuthAlgo);
            writer.WriteString("cert_url", t.CertUrl);
            writer.WriteString("transmission_id", t.TransmissionId);
            writer.WriteString("transmission_sig", t.TransmissionSig);
            writer.WriteString("transmission_time", t.TransmissionTime);
            writer.WriteString("webhook_id", webhookId);
            writer.WritePropertyName("webhook_event");
            writer.WriteRawValue(rawBody);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private async Task<PayPalResult<T>> SendAsync<T>(PayPalAccount account, HttpMethod method, string path, Func<HttpContent>? content, string? requestId, string what, CancellationToken ct)
    {
        var apiBase = options.CurrentValue.BaseFor(account.Environment);
        // A token can expire or be revoked before our cached lifetime says so: renew it once on a 401, not more.
        for (var renewed = false; ; renewed = true)
        {
            var token = tokens.Get(apiBase, account);
            if (token is null)
            {
                var fetched = await FetchTokenAsync(account, apiBase, ct);
                if (fetched.Error is { } tokenError) return tokenError;
                token = fetched.Value!.AccessToken;
            }

            using var request = new HttpRequestMessage(method, new Uri(apiBase, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("Prefer", "return=representation");
            if (requestId is not null) request.Headers.Add("PayPal-Request-Id", requestId);
            request.Content = content?.Invoke();

            var answer = await ExchangeAsync(request, what, ct);
            if (answer.Error is { } networkError) return networkError;
            var (status, bytes) = answer.Value!;
            if (status == HttpStatusCode.Unauthorized && !renewed)
            {
                tokens.Forget(apiBase, account, token);
                continue;
            }
            if ((int)status is >= 200 and < 300) return Read<T>(bytes, what);
            return Failure(status, bytes, what);
        }
    }

    private async Task<PayPalResult<PayPalTokenAnswer>> FetchTokenAsync(PayPalAccount account, Uri apiBase, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(apiBase, "v1/oauth2/token"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account.ClientId}:{account.Secret}")));
        request.Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]);
        var answer = await ExchangeAsync(request, "sign in", ct);
        if (answer.Error is { } networkError) return networkError;
        var (status, bytes) = answer.Value!;
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
        {
            var refusal = TryRead<PayPalOAuthError>(bytes);
            logger.LogWarning("PayPal refused the credentials of {Account}: {Status} {OAuthError}", account, (int)status, refusal?.Error);
            return new PayPalError(PayPalErrorKind.BadCredentials,
                $"PayPal refused the client id and secret. Check that both are copied whole from your PayPal app's {(account.Environment == PayPalEnvironment.Live ? "live" : "sandbox")} credentials.",
                (int)status, refusal?.Error);
        }
        if ((int)status is < 200 or >= 300) return Failure(status, bytes, "sign in");
        if (TryRead<PayPalTokenAnswer>(bytes) is not { AccessToken.Length: > 0 } issued) return Unreadable("sign in");
        tokens.Keep(apiBase, account, issued.AccessToken, issued.ExpiresIn);
        return issued;
    }

    private async Task<PayPalResult<(HttpStatusCode Status, byte[] Body)>> ExchangeAsync(HttpRequestMessage request, string what, CancellationToken ct)
    {
        try
        {
            using var response = await http.SendAsync(request, ct);
            return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(ct));
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("PayPal at {Host} could not be reached to {What}: {Reason}", request.RequestUri!.Authority, what, e.Message);
            return new PayPalError(PayPalErrorKind.Unavailable, $"PayPal could not be reached ({request.RequestUri!.Authority}: {e.Message}). Check this server's internet connection and try again.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("PayPal at {Host} did not answer in time to {What}", request.RequestUri!.Authority, what);
            return new PayPalError(PayPalErrorKind.Unavailable, $"PayPal did not answer within {http.Timeout.TotalSeconds:0} seconds. Try again in a few minutes.");
        }
    }

    private PayPalResult<T> Read<T>(byte[] bytes, string what)
    {
        if (typeof(T) == typeof(PayPalDone)) return (T)(object)PayPalDone.Instance;
        return TryRead<T>(bytes) is { } value ? value : Unreadable(what);
    }

    private PayPalError Failure(HttpStatusCode status, byte[] bytes, string what)
    {
        var answer = TryRead<PayPalErrorAnswer>(bytes);
        var detail = answer?.Details?.FirstOrDefault();
        var issue = detail?.Issue ?? answer?.Name;
        var reason = detail?.Description ?? answer?.Message;
        logger.LogWarning("PayPal could not {What}: {Status} {Issue} (debug id {DebugId})", what, (int)status, issue, answer?.DebugId);
        var (kind, message) = (int)status switch
        {
            401 => (PayPalErrorKind.BadCredentials, $"PayPal would not let us {what} even with a fresh sign-in. Check the client id and secret."),
            403 => (PayPalErrorKind.NotPermitted, $"PayPal says this app may not {what}{Because(reason)}. Check the app's features in the PayPal developer dashboard."),
            404 => (PayPalErrorKind.NotFound, $"PayPal could not find what we asked for when trying to {what}{Because(reason)}."),
            >= 500 => (PayPalErrorKind.Unavailable, $"PayPal had a problem on its side and could not {what} ({(int)status}). Try again in a few minutes."),
            _ => (PayPalErrorKind.Refused, $"PayPal refused to {what}{Because(reason)}{(issue is null ? "" : $" ({issue})")}."),
        };
        return new PayPalError(kind, message, (int)status, issue, answer?.DebugId);
    }

    private PayPalError Unreadable(string what)
    {
        logger.LogWarning("PayPal's answer when trying to {What} could not be read", what);
        return new PayPalError(PayPalErrorKind.Unavailable, $"PayPal's answer when trying to {what} could not be read. Check the PayPal address in the settings.");
    }

    private static string Because(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : ": " + reason.TrimEnd('.');

    private static T? TryRead<T>(byte[] bytes)
    {
        try { return bytes.Length == 0 ? default : JsonSerializer.Deserialize<T>(bytes, Json); }
        catch (JsonException) { return default; }
    }

    /// <summary>PayPal's query-string times: UTC, to the second, escaped.</summary>
    private static string Time(DateTimeOffset at) =>
        Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    private static Func<HttpContent> Body<T>(T value) => () => JsonContent.Create(value, options: Json);

    private static string Required(string requestId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        return requestId;
    }

    // Ids come from PayPal and our database, but a path segment is escaped anyway: "../" must not reach another route.
    private static string Segment(string id) => Uri.EscapeDataString(id);
}
