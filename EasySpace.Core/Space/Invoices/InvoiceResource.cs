using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EasySpace.Core.Space.Invoices;

/// <summary>
/// An invoice as <c>GET /api/invoices/{id}</c> returns it and as invoice events carry it: the shape of Cobot's
/// deleted_invoice payload, key for key. paid_status is "unpaid", "paid" or "written_off"; sent_status is "unsent",
/// "e_invoice_requested" (waiting for the e-invoice file) or "sent".
/// </summary>
public sealed record InvoiceResource(
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("paid_at")] string? PaidAt,
    [property: JsonPropertyName("charge_at")] string? ChargeAt,
    [property: JsonPropertyName("due_date")] string DueDate,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("membership_id")] string? MembershipId,
    [property: JsonPropertyName("address")] InvoiceAddressResource Address,
    [property: JsonPropertyName("space_address")] SpaceAddressResource SpaceAddress,
    [property: JsonPropertyName("invoice_text")] string? InvoiceText,
    [property: JsonPropertyName("tax_name")] string? TaxName,
    [property: JsonPropertyName("tax_rate")] string TaxRate,
    [property: JsonPropertyName("tax_id_name")] string? TaxIdName,
    [property: JsonPropertyName("tax_id")] string? TaxId,
    [property: JsonPropertyName("invoice_number")] int InvoiceNumber,
    [property: JsonPropertyName("formatted_invoice_number")] string FormattedInvoiceNumber,
    [property: JsonPropertyName("customer_number")] long? CustomerNumber,
    [property: JsonPropertyName("items")] IReadOnlyList<InvoiceItemResource> Items,
    [property: JsonPropertyName("total_amount")] string TotalAmount,
    [property: JsonPropertyName("total_amount_without_taxes")] string TotalAmountWithoutTaxes,
    [property: JsonPropertyName("payable_amount")] string PayableAmount,
    [property: JsonPropertyName("total_paid_amount")] string TotalPaidAmount,
    [property: JsonPropertyName("tax_amounts")] IReadOnlyDictionary<string, string> TaxAmounts,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("paid")] bool Paid,
    [property: JsonPropertyName("sent")] bool Sent,
    [property: JsonPropertyName("sent_status")] string SentStatus,
    [property: JsonPropertyName("paid_status")] string PaidStatus)
{
    public const string Collection = "invoices";

    public static InvoiceResource Of(Invoice invoice, string url)
    {
        var totals = invoice.Totals();
        var taxAmounts = new Dictionary<string, string>();
        foreach (var (rate, tax) in totals.Taxes) taxAmounts[BillingFormat.Decimal(rate)] = BillingFormat.Decimal(tax);
        return new InvoiceResource(
            BillingFormat.IsoDay(invoice.IssuedOn),
            BillingFormat.Timestamp(invoice.PaidAt),
            // EasySpace does not charge invoices automatically (yet): nothing is scheduled.
            null,
            BillingFormat.Day(invoice.DueDate),
            invoice.Currency,
            invoice.Id.ToString(CultureInfo.InvariantCulture),
            invoice.MembershipId?.ToString(CultureInfo.InvariantCulture),
            new InvoiceAddressResource(invoice.BillingName, invoice.BillingAddress, invoice.BillingCompany, invoice.BillingCountry),
            new SpaceAddressResource(invoice.IssuerName, invoice.IssuerAddress, invoice.IssuerCompany, invoice.IssuerCountry),
            invoice.InvoiceText,
            invoice.TaxName,
            BillingFormat.Decimal(invoice.TaxRate),
            invoice.IssuerTaxIdName,
            invoice.IssuerTaxId,
            invoice.Number,
            invoice.FormattedNumber,
            invoice.MembershipId,
            invoice.Items.OrderBy(i => i.Position).Select(i => new InvoiceItemResource(
                i.Id.ToString(CultureInfo.InvariantCulture), invoice.IsPaid, BillingFormat.Decimal(i.Amount), i.Description,
                BillingFormat.Decimal(i.Quantity), BillingFormat.Decimal(i.TaxRate), i.AccountingCode)).ToList(),
            BillingFormat.Decimal(totals.Total),
            BillingFormat.Decimal(totals.Net),
            BillingFormat.Decimal(invoice.Outstanding),
            BillingFormat.Decimal(invoice.PaidAmount),
            taxAmounts,
            url,
            invoice.IsPaid,
            invoice.IsSent,
            invoice.IsSent ? "sent" : invoice.AwaitsEInvoice ? "e_invoice_requested" : "unsent",
            invoice.IsWrittenOff ? "written_off" : invoice.IsPaid ? "paid" : "unpaid");
    }

    /// <summary>The same object as a JSON node, for event payloads.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();
}

public sealed record InvoiceAddressResource(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("full_address")] string? FullAddress,
    [property: JsonPropertyName("company")] string? Company,
    [property: JsonPropertyName("country")] string? Country);

public sealed record SpaceAddressResource(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("company")] string? Company,
    [property: JsonPropertyName("country")] string? Country);

public sealed record InvoiceItemResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("paid")] bool Paid,
    [property: JsonPropertyName("amount")] string Amount,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("quantity")] string Quantity,
    [property: JsonPropertyName("tax_rate")] string TaxRate,
    [property: JsonPropertyName("accounting_code")] string? AccountingCode);
