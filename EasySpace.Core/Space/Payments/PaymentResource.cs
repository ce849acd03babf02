using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EasySpace.Core.Space.Invoices;

namespace EasySpace.Core.Space.Payments;

/// <summary>
/// A payment as <c>GET /api/payments/{id}</c> returns it and as payment events carry it. status is "succeeded",
/// "failed", "partially_refunded" or "refunded"; amounts are strings like "240.0".
/// </summary>
public sealed record PaymentResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("invoice_id")] string InvoiceId,
    [property: JsonPropertyName("invoice_url")] string InvoiceUrl,
    [property: JsonPropertyName("amount")] string Amount,
    [property: JsonPropertyName("refunded_amount")] string RefundedAmount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("provider_reference")] string? ProviderReference,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("failure_reason")] string? FailureReason,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("refunded_at")] string? RefundedAt,
    [property: JsonPropertyName("refunds")] IReadOnlyList<PaymentRefundResource> Refunds,
    [property: JsonPropertyName("url")] string Url)
{
    public const string Collection = "payments";

    public static PaymentResource Of(Payment p, string url, string invoiceUrl) => new(
        p.Id.ToString(CultureInfo.InvariantCulture),
        "payment",
        p.InvoiceId.ToString(CultureInfo.InvariantCulture),
        invoiceUrl,
        BillingFormat.Decimal(p.Amount),
        BillingFormat.Decimal(p.RefundedAmount),
        p.Currency,
        p.Provider,
        p.ProviderReference,
        StatusName(p.Status),
        p.FailureReason,
        BillingFormat.Timestamp(p.CreatedAt),
        BillingFormat.Timestamp(p.RefundedAt),
        p.Refunds.OrderBy(r => r.RefundedAt).ThenBy(r => r.Id)
            .Select(r => new PaymentRefundResource(BillingFormat.Decimal(r.Amount), r.ProviderReference, BillingFormat.Timestamp(r.RefundedAt))).ToList(),
        url);

    public static string StatusName(PaymentStatus status) => status switch
    {
        PaymentStatus.Succeeded => "succeeded",
        PaymentStatus.Failed => "failed",
        PaymentStatus.PartiallyRefunded => "partially_refunded",
        _ => "refunded",
    };

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();
}

public sealed record PaymentRefundResource(
    [property: JsonPropertyName("amount")] string Amount,
    [property: JsonPropertyName("provider_reference")] string? ProviderReference,
    [property: JsonPropertyName("refunded_at")] string RefundedAt);

/// <summary>
/// A recurring payment subscription, in the payments collection (the catalogue puts updated_payment_subscription there):
/// its id is "sub_" and a number, so it never collides with a payment's.
/// </summary>
public sealed record PaymentSubscriptionResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("membership_id")] string? MembershipId,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("provider_reference")] string ProviderReference,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("amount")] string Amount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("interval")] string Interval,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("url")] string Url)
{
    public const string IdPrefix = "sub_";

    public static string ApiId(long id) => IdPrefix + id.ToString(CultureInfo.InvariantCulture);

    public static PaymentSubscriptionResource Of(PaymentSubscription s, string url) => new(
        ApiId(s.Id), "subscription", s.MembershipId?.ToString(CultureInfo.InvariantCulture), s.Provider, s.ProviderReference, s.Status,
        BillingFormat.Decimal(s.Amount), s.Currency, s.Interval, BillingFormat.Timestamp(s.CreatedAt), BillingFormat.Timestamp(s.UpdatedAt), url);

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();
}
