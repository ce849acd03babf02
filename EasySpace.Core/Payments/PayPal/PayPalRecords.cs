using System.Globalization;
using System.Text.Json.Serialization;

namespace EasySpace.Core.Payments.PayPal;

// The shapes PayPal's REST APIs send and receive (../shared/reference/paypal/*.json), with only the fields we use.
// Names are written in snake_case by PayPalClient's serializer options. Statuses stay strings: PayPal adds values.

public sealed record PayPalMoney(string CurrencyCode, string Value)
{
    // PayPal refuses decimals for these currencies (its currency-codes page).
    private static readonly HashSet<string> WholeUnitCurrencies = ["HUF", "JPY", "TWD"];

    public static PayPalMoney Of(decimal amount, string currency)
    {
        var code = currency.ToUpperInvariant();
        var format = WholeUnitCurrencies.Contains(code) ? "0" : "0.00";
        return new(code, amount.ToString(format, CultureInfo.InvariantCulture));
    }
}

public sealed record PayPalLink(string Href, string Rel, string? Method = null);

/// <summary>Where PayPal sends the payer back after approving or cancelling.</summary>
public sealed record PayPalApplicationContext(string ReturnUrl, string CancelUrl, string? BrandName = null);

internal static class PayPalLinks
{
    /// <summary>The page the payer approves on: "approve" for orders and subscriptions, "payer-action" for newer orders.</summary>
    public static string? Approve(IReadOnlyList<PayPalLink>? links) =>
        links?.FirstOrDefault(l => l.Rel is "approve" or "payer-action")?.Href;
}

// Orders v2

public sealed record PayPalPurchaseUnitRequest(PayPalMoney Amount, string CustomId, string? Description = null, string? InvoiceId = null, string? ReferenceId = null);

/// <summary>POST /v2/checkout/orders. <c>custom_id</c> carries our payment attempt id back in captures and webhooks.</summary>
public sealed record PayPalOrderRequest(IReadOnlyList<PayPalPurchaseUnitRequest> PurchaseUnits, PayPalApplicationContext ApplicationContext, string Intent = "CAPTURE");

public sealed record PayPalCaptureStatusDetails(string? Reason);

public sealed record PayPalCapture(string Id, string Status, PayPalMoney? Amount = null, string? CustomId = null, PayPalCaptureStatusDetails? StatusDetails = null);

public sealed record PayPalPayments(IReadOnlyList<PayPalCapture>? Captures);

public sealed record PayPalPurchaseUnit(PayPalMoney? Amount, string? CustomId = null, string? Description = null, string? InvoiceId = null, PayPalPayments? Payments = null);

public sealed record PayPalOrder(string Id, string Status, IReadOnlyList<PayPalPurchaseUnit>? PurchaseUnits = null, IReadOnlyList<PayPalLink>? Links = null)
{
    [JsonIgnore] public string? ApproveUrl => PayPalLinks.Approve(Links);
}

/// <summary>
/// The outcome of capturing an order. An order can be COMPLETED while its capture was DECLINED,
/// so whether money moved is the capture's own status, never the order's.
/// </summary>
public sealed record PayPalOrderCapture(string OrderId, string OrderStatus, PayPalCapture? Capture)
{
    public bool Paid => Capture?.Status == "COMPLETED";
}

// Catalog products

/// <summary>POST /v1/catalogs/products. <c>id</c> is ours to choose (6 to 50 characters): a product made again under it is refused as a duplicate.</summary>
public sealed record PayPalProductRequest(string Name, string? Description = null, string Type = "SERVICE", string? Id = null);

public sealed record PayPalProduct(string Id, string Name);

// Billing plans and subscriptions

public sealed record PayPalFrequency(string IntervalUnit, int IntervalCount = 1);

public sealed record PayPalPricingScheme(PayPalMoney FixedPrice);

/// <summary>One cycle of a plan; a membership plan has one REGULAR cycle that repeats until cancelled (total_cycles 0).</summary>
public sealed record PayPalBillingCycle(PayPalFrequency Frequency, PayPalPricingScheme PricingScheme, string TenureType = "REGULAR", int Sequence = 1, int TotalCycles = 0);

public sealed record PayPalPaymentPreferences(bool AutoBillOutstanding = true, int PaymentFailureThreshold = 3);

public sealed record PayPalPlanRequest(string ProductId, string Name, IReadOnlyList<PayPalBillingCycle> BillingCycles, PayPalPaymentPreferences PaymentPreferences, string? Description = null);

public sealed record PayPalPlan(string Id, string ProductId, string Name, string Status, string? Description = null);

internal sealed record PayPalPlanList(IReadOnlyList<PayPalPlan>? Plans);

public sealed record PayPalSubscriptionRequest(string PlanId, string CustomId, PayPalApplicationContext ApplicationContext);

public sealed record PayPalLastPayment(PayPalMoney Amount, DateTimeOffset Time);

public sealed record PayPalBillingInfo(DateTimeOffset? NextBillingTime = null, PayPalLastPayment? LastPayment = null, int FailedPaymentsCount = 0);

public sealed record PayPalSubscription(string Id, string Status, string PlanId, string? CustomId = null, PayPalBillingInfo? BillingInfo = null, IReadOnlyList<PayPalLink>? Links = null)
{
    [JsonIgnore] public string? ApproveUrl => PayPalLinks.Approve(Links);
}

internal sealed record PayPalCancelRequest(string Reason);

public sealed record PayPalAmountWithBreakdown(PayPalMoney GrossAmount);

/// <summary>One payment of a subscription; its id is the sale id PAYMENT.SALE.COMPLETED carries.</summary>
public sealed record PayPalTransaction(string Id, string Status, PayPalAmountWithBreakdown? AmountWithBreakdown = null, DateTimeOffset? Time = null);

internal sealed record PayPalTransactionList(IReadOnlyList<PayPalTransaction>? Transactions);

// Webhooks (the Notifications API)

public sealed record PayPalEventType(string Name);

public sealed record PayPalWebhook(string Id, string Url, IReadOnlyList<PayPalEventType> EventTypes);

internal sealed record PayPalWebhookRequest(string Url, IReadOnlyList<PayPalEventType> EventTypes);

internal sealed record PayPalWebhookList(IReadOnlyList<PayPalWebhook>? Webhooks);

/// <summary>The transmission headers PayPal sends with each webhook; verify-webhook-signature needs them all.</summary>
public sealed record PayPalTransmission(string AuthAlgo, string CertUrl, string TransmissionId, string TransmissionSig, string TransmissionTime)
{
    public static readonly string[] HeaderNames =
        ["PAYPAL-AUTH-ALGO", "PAYPAL-CERT-URL", "PAYPAL-TRANSMISSION-ID", "PAYPAL-TRANSMISSION-SIG", "PAYPAL-TRANSMISSION-TIME"];

    /// <summary>Reads the headers through <paramref name="header"/>; null when one is missing (not a PayPal webhook).</summary>
    public static PayPalTransmission? From(Func<string, string?> header)
    {
        var values = HeaderNames.Select(header).ToArray();
        return values.Any(string.IsNullOrEmpty) ? null : new(values[0]!, values[1]!, values[2]!, values[3]!, values[4]!);
    }
}

internal sealed record PayPalVerification(string VerificationStatus);

/// <summary>GET /v1/notifications/webhooks-events: each event exactly as PayPal sent it (stored as it came, like a webhook body).</summary>
internal sealed record PayPalEventList(IReadOnlyList<System.Text.Json.JsonElement>? Events);

// OAuth2 and errors

internal sealed record PayPalTokenAnswer(string AccessToken, int ExpiresIn, string? AppId);

/// <summary>The REST app that credentials belong to, as the token answer names it ("APP-80W284485P519543T").</summary>
public sealed record PayPalApp(string? AppId);

internal sealed record PayPalOAuthError(string? Error, string? ErrorDescription);

internal sealed record PayPalErrorDetail(string? Issue, string? Description, string? Field);

internal sealed record PayPalErrorAnswer(string? Name, string? Message, string? DebugId, IReadOnlyList<PayPalErrorDetail>? Details);
