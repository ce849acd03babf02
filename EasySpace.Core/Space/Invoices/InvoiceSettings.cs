using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Invoices;

/// <summary>
/// How this space invoices: whether invoices need an e-invoice file before they are sent, and the issuer's details
/// printed on new invoices (the space's name and country come from its profile). One row.
/// </summary>
public sealed class InvoiceSettings
{
    private InvoiceSettings() { }

    public int Id { get; private set; }
    /// <summary>Sending an invoice first raises requested_e_invoice and waits for an e-invoice file (PDF or XML).</summary>
    public bool EInvoicingEnabled { get; private set; }
    public string? Company { get; private set; }
    public string? Address { get; private set; }
    /// <summary>e.g. "VAT ID".</summary>
    public string? TaxIdName { get; private set; }
    public string? TaxId { get; private set; }
    /// <summary>What a new invoice starts with, e.g. "VAT" at 19 %.</summary>
    public string? DefaultTaxName { get; private set; }
    public decimal DefaultTaxRate { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static InvoiceSettings Defaults() => new() { Id = 1 };

    internal static async Task<InvoiceSettings> LoadAsync(AppDbContext db, CancellationToken ct) =>
        await db.InvoiceSettings.AsNoTracking().OrderBy(s => s.Id).FirstOrDefaultAsync(ct) ?? Defaults();

    internal void Change(InvoiceSettingsDraft draft, DateTimeOffset at)
    {
        EInvoicingEnabled = draft.EInvoicingEnabled;
        Company = BillingInput.Clean(draft.Company);
        Address = BillingInput.Clean(draft.Address);
        TaxIdName = BillingInput.Clean(draft.TaxIdName);
        TaxId = BillingInput.Clean(draft.TaxId);
        DefaultTaxName = BillingInput.Clean(draft.DefaultTaxName);
        DefaultTaxRate = draft.DefaultTaxRate;
        UpdatedAt = at;
    }

    public Issuer Issuer(SpaceLocale space) =>
        new(space.Name, Company, Address, string.IsNullOrEmpty(space.Country) ? null : space.Country, TaxIdName, TaxId);
}

/// <summary>The invoice settings form.</summary>
public sealed class InvoiceSettingsDraft
{
    public bool EInvoicingEnabled { get; set; }
    public string? Company { get; set; }
    public string? Address { get; set; }
    public string? TaxIdName { get; set; }
    public string? TaxId { get; set; }
    public string? DefaultTaxName { get; set; }
    public decimal DefaultTaxRate { get; set; }

    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors();
        BillingInput.AddIf(errors, nameof(Company), BillingInput.OptionalText(Company, "the company", 200));
        BillingInput.AddIf(errors, nameof(Address), BillingInput.MultilineText(Address, "the address", 1000));
        BillingInput.AddIf(errors, nameof(TaxIdName), BillingInput.OptionalText(TaxIdName, "the tax id's name", 50));
        BillingInput.AddIf(errors, nameof(TaxId), BillingInput.OptionalText(TaxId, "the tax id", 50));
        BillingInput.AddIf(errors, nameof(DefaultTaxName), BillingInput.OptionalText(DefaultTaxName, "the tax name", 50));
        BillingInput.AddIf(errors, nameof(DefaultTaxRate), BillingInput.Rate(DefaultTaxRate, "the tax rate"));
        return errors;
    }

    public static InvoiceSettingsDraft From(InvoiceSettings s) => new()
    {
        EInvoicingEnabled = s.EInvoicingEnabled,
        Company = s.Company,
        Address = s.Address,
        TaxIdName = s.TaxIdName,
        TaxId = s.TaxId,
        DefaultTaxName = s.DefaultTaxName,
        DefaultTaxRate = s.DefaultTaxRate,
    };
}
