namespace EasySpace.Core.Space.Invoices;

/// <summary>The new-invoice and edit-invoice form. Field names are the keys of its <see cref="ValidationErrors"/>.</summary>
public sealed class InvoiceDraft
{
    public const int MaxItems = 100;
    public const decimal MaxAmount = 1_000_000m;
    public const decimal MaxQuantity = 100_000m;

    /// <summary>The member billed (Cobot's membership_id); null for someone without a membership.</summary>
    public long? MembershipId { get; set; }
    public string Name { get; set; } = "";
    public string? Company { get; set; }
    public string? FullAddress { get; set; }
    /// <summary>ISO 3166-1 alpha-2, or empty.</summary>
    public string? Country { get; set; }
    public string? TaxName { get; set; }
    public decimal TaxRate { get; set; }
    public string? InvoiceText { get; set; }
    public DateOnly? DueDate { get; set; }
    public List<InvoiceLineDraft> Items { get; set; } = [new()];

    /// <summary>The lines as the totals see them (a line without its own rate takes the invoice's).</summary>
    public IEnumerable<InvoiceLine> Lines => Items.Select(i => new InvoiceLine(i.Quantity, i.Amount, i.TaxRate ?? TaxRate));

    public InvoiceTotals Totals() => InvoiceTotals.Of(Lines);

    /// <param name="issuedOn">The invoice's date: the due date cannot be before it.</param>
    public ValidationErrors Validate(DateOnly issuedOn)
    {
        var errors = new ValidationErrors();
        if (MembershipId is <= 0) errors.Add(nameof(MembershipId), "A membership id is a positive number; leave it empty for none.");
        BillingInput.AddIf(errors, nameof(Name), InputRules.RequiredText(Name, "the name to bill", 200));
        BillingInput.AddIf(errors, nameof(Company), BillingInput.OptionalText(Company, "the company", 200));
        BillingInput.AddIf(errors, nameof(FullAddress), BillingInput.MultilineText(FullAddress, "the address", 1000));
        if (!string.IsNullOrWhiteSpace(Country) && !InputRules.Countries.Contains(Country.Trim().ToUpperInvariant()))
            errors.Add(nameof(Country), "Use a two-letter ISO country code, e.g. DE or US, or leave it empty.");
        BillingInput.AddIf(errors, nameof(TaxName), BillingInput.OptionalText(TaxName, "the tax name", 50));
        BillingInput.AddIf(errors, nameof(TaxRate), BillingInput.Rate(TaxRate, "the tax rate"));
        BillingInput.AddIf(errors, nameof(InvoiceText), BillingInput.MultilineText(InvoiceText, "the invoice text", 2000));

        if (DueDate is not { } due) errors.Add(nameof(DueDate), "Choose a due date.");
        else if (due < issuedOn) errors.Add(nameof(DueDate), $"The due date cannot be before the invoice date ({BillingFormat.IsoDay(issuedOn)}).");
        else if (due > issuedOn.AddYears(5)) errors.Add(nameof(DueDate), "The due date can be at most five years after the invoice date.");

        if (Items.Count == 0) errors.Add(nameof(Items), "Add at least one item.");
        else if (Items.Count > MaxItems) errors.Add(nameof(Items), $"An invoice has at most {MaxItems} items.");
        for (var i = 0; i < Math.Min(Items.Count, MaxItems); i++) Items[i].Validate(errors, $"{nameof(Items)}[{i}].");

        if (errors.IsEmpty && Totals().Total > MaxAmount * 10)
            errors.Add(nameof(Items), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The invoice's total can be at most {MaxAmount * 10:N0}."));
        return errors;
    }

    public static InvoiceDraft From(Invoice invoice) => new()
    {
        MembershipId = invoice.MembershipId,
        Name = invoice.BillingName,
        Company = invoice.BillingCompany,
        FullAddress = invoice.BillingAddress,
        Country = invoice.BillingCountry,
        TaxName = invoice.TaxName,
        TaxRate = invoice.TaxRate,
        InvoiceText = invoice.InvoiceText,
        DueDate = invoice.DueDate,
        Items = invoice.Items.OrderBy(i => i.Position).Select(i => new InvoiceLineDraft
        {
            Description = i.Description,
            Quantity = i.Quantity,
            Amount = i.Amount,
            TaxRate = i.TaxRate == invoice.TaxRate ? null : i.TaxRate,
            AccountingCode = i.AccountingCode,
        }).ToList(),
    };
}

/// <summary>One item row of the invoice form.</summary>
public sealed class InvoiceLineDraft
{
    public string Description { get; set; } = "";
    public decimal Quantity { get; set; } = 1;
    /// <summary>Net amount of one unit.</summary>
    public decimal Amount { get; set; }
    /// <summary>Empty: the invoice's rate.</summary>
    public decimal? TaxRate { get; set; }
    public string? AccountingCode { get; set; }

    internal void Validate(ValidationErrors errors, string prefix)
    {
        BillingInput.AddIf(errors, prefix + nameof(Description), InputRules.RequiredText(Description, "a description", 500));
        if (Quantity <= 0) errors.Add(prefix + nameof(Quantity), "The quantity must be more than 0.");
        else if (Quantity > InvoiceDraft.MaxQuantity) errors.Add(prefix + nameof(Quantity), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The quantity can be at most {InvoiceDraft.MaxQuantity:N0}."));
        else if (decimal.Round(Quantity, 3) != Quantity) errors.Add(prefix + nameof(Quantity), "The quantity has at most three decimals.");
        BillingInput.AddIf(errors, prefix + nameof(Amount), BillingInput.Money(Amount, "the amount", 0, InvoiceDraft.MaxAmount));
        if (TaxRate is { } rate) BillingInput.AddIf(errors, prefix + nameof(TaxRate), BillingInput.Rate(rate, "the tax rate"));
        BillingInput.AddIf(errors, prefix + nameof(AccountingCode), BillingInput.OptionalText(AccountingCode, "the accounting code", 100));
    }
}
