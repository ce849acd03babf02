using System.Text.Json;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Payments.Inbox;
using EasySpace.Core.Space.Invoices;

namespace EasySpace.Core.Payments.PayPal;

/// <summary>
/// What PayPal's webhook events do here, each safe to run again (everything it records is keyed by PayPal's ids):
/// <list type="bullet">
/// <item>PAYMENT.CAPTURE.COMPLETED / DENIED: the checkout named by the capture's custom_id is paid / failed.</item>
/// <item>PAYMENT.CAPTURE.REFUNDED / REVERSED: a refund (or chargeback) under its own id, of the capture its "up" link names.</item>
/// <item>CHECKOUT.ORDER.APPROVED: the order is captured, as on the member's return.</item>
/// <item>BILLING.SUBSCRIPTION.*: the subscription's current state is read from PayPal and recorded.</item>
/// <item>PAYMENT.SALE.COMPLETED: a period of a subscription (billing_agreement_id) is paid; the sale id is the period.</item>
/// <item>BILLING.SUBSCRIPTION.PAYMENT.FAILED: a renewal failed. Its period reference is
/// "{subscription id}/failed/{time of the failed payment}", the same whichever path brings the event.</item>
/// <item>PAYMENT.SALE.REFUNDED / REVERSED: a refund of a sale (sale_id).</item>
/// </list>
/// Anything else is acknowledged and not used.
/// </summary>
public sealed class PayPalEvents(PayPalCheckout checkout, ConnectedPayPal connected, CheckoutCompletion completion) : IProviderEventHandler
{
    public static readonly IReadOnlyList<string> Handled =
    [
        "PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED",
        "CHECKOUT.ORDER.APPROVED",
        "BILLING.SUBSCRIPTION.ACTIVATED", "BILLING.SUBSCRIPTION.UPDATED", "BILLING.SUBSCRIPTION.CANCELLED",
        "BILLING.SUBSCRIPTION.SUSPENDED", "BILLING.SUBSCRIPTION.EXPIRED", "BILLING.SUBSCRIPTION.PAYMENT.FAILED",
        "PAYMENT.SALE.COMPLETED", "PAYMENT.SALE.REFUNDED", "PAYMENT.SALE.REVERSED",
    ];

    public PaymentProvider Provider => PaymentProvider.PayPal;

    public async Task<string> HandleAsync(ProviderEvent providerEvent, CancellationToken ct)
    {
        if (!Handled.Contains(providerEvent.Type)) return $"acknowledged, not used: EasySpace does not act on {providerEvent.Type}";
        var paypal = await connected.ActiveAsync(ct) ?? throw new InvalidOperationException("PayPal is not connected, so its event cannot be checked with PayPal.");
        using var document = JsonDocument.Parse(providerEvent.Payload);
        var resource = document.RootElement.GetProperty("resource");
        var id = Text(resource, "id") ?? throw new InvalidOperationException("The event names no PayPal object.");
        switch (providerEvent.Type)
        {
            case "PAYMENT.CAPTURE.COMPLETED" or "PAYMENT.CAPTURE.DENIED":
                if (Text(resource, "custom_id") is not { } attemptId) return $"ignored: capture {id} carries no checkout of ours";
                var capture = new PayPalCapture(id, providerEvent.Type == "PAYMENT.CAPTURE.DENIED" ? "DECLINED" : Text(resource, "status") ?? "COMPLETED",
                    Money(resource, "amount"), attemptId, Reason(resource));
                return await checkout.CaptureAsync(attemptId, capture, paypal.IsTest, ct);
            case "PAYMENT.CAPTURE.REFUNDED" or "PAYMENT.CAPTURE.REVERSED":
                var captureId = UpLink(resource, "/captures/") ?? throw new InvalidOperationException($"Refund {id} does not name its capture.");
                return await RefundAsync(id, Money(resource, "amount"), captureId, paypal.IsTest, ct);
            case "CHECKOUT.ORDER.APPROVED":
                if (OrderCustomId(resource) is not { } orderAttempt) return $"ignored: order {id} carries no checkout of ours";
                return await checkout.OrderAsync(paypal, orderAttempt, id, ct);
            case "PAYMENT.SALE.COMPLETED":
                var agreement = Text(resource, "billing_agreement_id") ?? throw new InvalidOperationException($"Sale {id} names no subscription.");
                return await PeriodAsync(paypal, agreement, id, Sale(resource), null, ct);
            case "PAYMENT.SALE.REFUNDED" or "PAYMENT.SALE.REVERSED":
                var saleId = Text(resource, "sale_id") ?? UpLink(resource, "/sale/") ?? throw new InvalidOperationException($"Refund {id} does not name its sale.");
                return await RefundAsync(id, Sale(resource), saleId, paypal.IsTest, ct);
            case "BILLING.SUBSCRIPTION.PAYMENT.FAILED":
                var failed = resource.TryGetProperty("billing_info", out var info) && info.TryGetProperty("last_failed_payment", out var last) ? last : (JsonElement?)null;
                var period = $"{id}/failed/{(failed is { } f ? Text(f, "time") : null) ?? providerEvent.EventId}";
                return await PeriodAsync(paypal, id, period, failed is { } lf ? Money(lf, "amount") : null, "PayPal could not take the renewal payment.", ct);
            default:   // BILLING.SUBSCRIPTION.ACTIVATED, UPDATED, CANCELLED, SUSPENDED, EXPIRED
                return (await checkout.SubscriptionAsync(paypal, id, ct)).Outcome;
        }
    }

    /// <summary>One period of a subscription paid (or failed when <paramref name="failure"/> says why); the subscription is read first, so a period never waits for it.</summary>
    private async Task<string> PeriodAsync(ActivePayPal paypal, string subscriptionId, string period, PayPalMoney? money, string? failure, CancellationToken ct)
    {
        var (subscription, state) = await checkout.SubscriptionAsync(paypal, subscriptionId, ct);
        if (subscription is null) return state;
        var charge = new ProviderCharge(PaymentProvider.PayPal, period, money is null ? subscription.Amount : PayPalCheckout.Amount(money),
            money?.CurrencyCode ?? subscription.Currency, paypal.IsTest);
        if (failure is null)
        {
            PayPalCheckout.Check(await completion.PeriodPaidAsync(subscriptionId, period, charge, ct));
            return $"{state}; period {period} paid: {BillingFormat.Money(charge.Amount, charge.Currency)}";
        }
        PayPalCheckout.Check(await completion.PeriodFailedAsync(subscriptionId, period, charge, failure, ct));
        return $"{state}; renewal {period} failed";
    }

    private async Task<string> RefundAsync(string refundId, PayPalMoney? money, string chargeId, bool isTest, CancellationToken ct)
    {
        if (money is null) throw new InvalidOperationException($"Refund {refundId} carries no amount.");
        var refund = new ProviderCharge(PaymentProvider.PayPal, refundId, PayPalCheckout.Amount(money), money.CurrencyCode, isTest);
        // No payment yet under that id: the refund arrived before the payment it returns; the inbox tries again.
        PayPalCheckout.Check(await completion.RefundedAsync(refund, chargeId, ct));
        return $"refund {refundId} of {chargeId}: {BillingFormat.Money(refund.Amount, refund.Currency)}";
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Orders v2 money: {"currency_code", "value"}.</summary>
    private static PayPalMoney? Money(JsonElement e, string name) =>
        e.TryGetProperty(name, out var m) && Text(m, "currency_code") is { } code && Text(m, "value") is { } value ? new PayPalMoney(code, value) : null;

    /// <summary>The older payments API of sales: {"amount": {"total", "currency"}}.</summary>
    private static PayPalMoney? Sale(JsonElement e) =>
        e.TryGetProperty("amount", out var m) && Text(m, "currency") is { } code && Text(m, "total") is { } total ? new PayPalMoney(code, total) : null;

    private static PayPalCaptureStatusDetails? Reason(JsonElement e) =>
        e.TryGetProperty("status_details", out var d) && Text(d, "reason") is { } reason ? new PayPalCaptureStatusDetails(reason) : null;

    private static string? OrderCustomId(JsonElement order) =>
        order.TryGetProperty("purchase_units", out var units) && units.ValueKind == JsonValueKind.Array && units.GetArrayLength() > 0
            ? Text(units[0], "custom_id") : null;

    /// <summary>The id at the end of the "up" link that goes through <paramref name="segment"/> (a refund's capture or sale).</summary>
    private static string? UpLink(JsonElement e, string segment)
    {
        if (!e.TryGetProperty("links", out var links) || links.ValueKind != JsonValueKind.Array) return null;
        foreach (var link in links.EnumerateArray())
            if (Text(link, "rel") == "up" && Text(link, "href") is { } href && href.Contains(segment, StringComparison.Ordinal))
                return Uri.UnescapeDataString(href.TrimEnd('/').Split('/')[^1]);
        return null;
    }
}
