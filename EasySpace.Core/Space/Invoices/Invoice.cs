namespace EasySpace.Core.Space.Invoices;

/// <summary>Where an invoice stands, as the list filters it. Exactly one at a time.</summary>
public enum InvoiceStatus
{
    /// <summary>Not sent yet (possibly waiting for its e-invoice file), not paid, not written off.</summary>
    Draft = 0,
    Sent = 1,
    Paid = 2,
    WrittenOff = 3,
}

/// <summary>
/// An invoice an admin wrote for a member (or anyone with a billing address). Its number is fixed when it is created;
/// its contents change only while it is unpaid and not written off; its payment state follows the payments recorded
/// against it or an admin's "mark paid / unpaid".
/// </summary>
public sealed class Invoice
{
    private readonly List<InvoiceItem> items = [];

    private Invoice() { }

    public long Id { get; private set; }
    /// <summary>The calendar year (in the space's time zone) whose sequence the number belongs to.</summary>
    public int Year { get; private set; }
    /// <summary>1, 2, 3 … within <see cref="Year"/>, without gaps (a deleted draft leaves its number unused).</summary>
    public int Number { get; private set; }
    /// <summary>e.g. "2026-0001".</summary>
    public string FormattedNumber { get; private set; } = "";

    /// <summary>The member's membership, when the invoice is for one (the Members feature owns memberships).</summary>
    public long? MembershipId { get; private set; }
    public string BillingName { get; private set; } = "";
    public string? BillingCompany { get; private set; }
    public string? BillingAddress { get; private set; }
    public string? BillingCountry { get; private set; }

    // The issuer as it was when the invoice was written: an invoice does not change when the space moves.
    public string IssuerName { get; private set; } = "";
    public string? IssuerCompany { get; private set; }
    public string? IssuerAddress { get; private set; }
    public string? IssuerCountry { get; private set; }
    public string? IssuerTaxIdName { get; private set; }
    public string? IssuerTaxId { get; private set; }

    public string Currency { get; private set; } = "";
    public string? TaxName { get; private set; }
    /// <summary>The invoice's rate in percent; lines without their own rate use it.</summary>
    public decimal TaxRate { get; private set; }
    public string? InvoiceText { get; private set; }
    public DateOnly IssuedOn { get; private set; }
    public DateOnly DueDate { get; private set; }
    public IReadOnlyList<InvoiceItem> Items => items;

    /// <summary>Kept with the invoice so the list can show it without loading every line.</summary>
    public decimal Total { get; private set; }
    public decimal NetTotal { get; private set; }
    /// <summary>What the recorded payments brought in, less refunds.</summary>
    public decimal PaidAmount { get; private set; }

    public InvoiceStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public DateTimeOffset? PaidAt { get; private set; }
    public DateTimeOffset? WrittenOffAt { get; private set; }

    /// <summary>When sending asked for an e-invoice file (e-invoicing on); cleared when the invoice is edited.</summary>
    public DateTimeOffset? EInvoiceRequestedAt { get; private set; }
    public string? EInvoiceFileName { get; private set; }
    public string? EInvoiceContentType { get; private set; }
    public int? EInvoiceSize { get; private set; }
    public DateTimeOffset? EInvoiceAttachedAt { get; private set; }

    /// <summary>Changes with every change: two admins (or an admin and a payment) acting at once cannot overwrite each other.</summary>
    public int Version { get; private set; }

    public bool IsPaid => PaidAt is not null;
    public bool IsWrittenOff => WrittenOffAt is not null;
    public bool IsSent => SentAt is not null;
    public bool HasEInvoice => EInvoiceFileName is not null;
    /// <summary>Sending asked for an e-invoice and the file is not there yet.</summary>
    public bool AwaitsEInvoice => EInvoiceRequestedAt is not null && !HasEInvoice && !IsSent;
    public bool CanEdit => !IsPaid && !IsWrittenOff;
    public bool CanDelete => !IsPaid && !IsSent;
    /// <summary>What is still to pay: nothing once paid or written off.</summary>
    public decimal Outstanding => IsPaid || IsWrittenOff ? 0 : Math.Max(0, Total - PaidAmount);

    internal static Invoice Create(InvoiceDraft draft, int year, int number, Issuer issuer, string currency, DateOnly today, DateTimeOffset at)
    {
        var invoice = new Invoice
        {
            Year = year,
            Number = number,
            FormattedNumber = Format(year, number),
            IssuerName = issuer.Name,
            IssuerCompany = issuer.Company,
            IssuerAddress = issuer.Address,
            IssuerCountry = issuer.Country,
            IssuerTaxIdName = issuer.TaxIdName,
            IssuerTaxId = issuer.TaxId,
            Currency = currency,
            IssuedOn = today,
            CreatedAt = at,
            Status = InvoiceStatus.Draft,
        };
        invoice.Apply(draft, at);
        return invoice;
    }

    public static string Format(int year, int number) => $"{year}-{number:D4}";

    /// <summary>An admin's edit. The attached e-invoice described the old contents, so it goes, and sending asks for a new one.</summary>
    internal void Edit(InvoiceDraft draft, DateTimeOffset at)
    {
        if (!CanEdit) throw new InvalidOperationException($"Invoice {FormattedNumber} is paid or written off and cannot change.");
        Apply(draft, at);
        EInvoiceRequestedAt = null;
        RemoveEInvoice();
    }

    internal void RequestEInvoice(DateTimeOffset at)
    {
        if (IsWrittenOff) throw new InvalidOperationException("A written-off invoice is not sent.");
        EInvoiceRequestedAt = at;
        Touch(at);
    }

    internal void AttachEInvoice(string fileName, string contentType, int size, DateTimeOffset at)
    {
        if (IsWrittenOff) throw new InvalidOperationException("A written-off invoice is not sent.");
        EInvoiceFileName = fileName;
        EInvoiceContentType = contentType;
        EInvoiceSize = size;
        EInvoiceAttachedAt = at;
        Touch(at);
    }

    internal void MarkSent(DateTimeOffset at)
    {
        if (IsWrittenOff) throw new InvalidOperationException("A written-off invoice is not sent.");
        SentAt = at;
        Touch(at);
    }

    internal void MarkPaid(DateTimeOffset at)
    {
        if (IsWrittenOff) throw new InvalidOperationException("A written-off invoice cannot be paid.");
        if (IsPaid) return;
        PaidAt = at;
        Touch(at);
    }

    internal void MarkUnpaid(DateTimeOffset at)
    {
        PaidAt = null;
        Touch(at);
    }

    internal void WriteOff(DateTimeOffset at)
    {
        if (IsPaid) throw new InvalidOperationException("A paid invoice is not written off.");
        WrittenOffAt = at;
        Touch(at);
    }

    /// <summary>Counts a payment in; true when it completes the invoice, which is then paid.</summary>
    internal bool ApplyPayment(decimal amount, DateTimeOffset at)
    {
        if (IsWrittenOff) throw new InvalidOperationException("A written-off invoice takes no payments.");
        PaidAmount += amount;
        Touch(at);
        if (IsPaid || PaidAmount < Total) return false;
        PaidAt = at;
        Refresh();
        return true;
    }

    /// <summary>Takes a refund out; true when a paid invoice is no longer covered, which is then unpaid again.</summary>
    internal bool ApplyRefund(decimal amount, DateTimeOffset at)
    {
        PaidAmount = Math.Max(0, PaidAmount - amount);
        Touch(at);
        if (!IsPaid || PaidAmount >= Total) return false;
        PaidAt = null;
        Refresh();
        return true;
    }

    public InvoiceTotals Totals() => InvoiceTotals.Of(items.Select(i => i.Line));

    private void Apply(InvoiceDraft draft, DateTimeOffset at)
    {
        MembershipId = draft.MembershipId;
        BillingName = draft.Name.Trim();
        BillingCompany = BillingInput.Clean(draft.Company);
        BillingAddress = BillingInput.Clean(draft.FullAddress);
        BillingCountry = BillingInput.Clean(draft.Country)?.ToUpperInvariant();
        TaxName = BillingInput.Clean(draft.TaxName);
        TaxRate = draft.TaxRate;
        InvoiceText = BillingInput.Clean(draft.InvoiceText);
        DueDate = draft.DueDate!.Value;
        items.Clear();
        var position = 0;
        foreach (var line in draft.Items)
            items.Add(InvoiceItem.Create(++position, line.Description.Trim(), line.Quantity, line.Amount, line.TaxRate ?? draft.TaxRate,
                BillingInput.Clean(line.AccountingCode)));
        var totals = Totals();
        Total = totals.Total;
        NetTotal = totals.Net;
        Touch(at);
    }

    private void RemoveEInvoice()
    {
        EInvoiceFileName = null;
        EInvoiceContentType = null;
        EInvoiceSize = null;
        EInvoiceAttachedAt = null;
    }

    private void Touch(DateTimeOffset at)
    {
        UpdatedAt = at;
        Version++;
        Refresh();
    }

    private void Refresh() => Status =
        IsWrittenOff ? InvoiceStatus.WrittenOff
        : IsPaid ? InvoiceStatus.Paid
        : IsSent ? InvoiceStatus.Sent
        : InvoiceStatus.Draft;
}

/// <summary>One line of an invoice: quantity × net unit amount, at a tax rate, booked to an accounting code.</summary>
public sealed class InvoiceItem
{
    private InvoiceItem() { }

    public long Id { get; private set; }
    public int Position { get; private set; }
    public string Description { get; private set; } = "";
    public decimal Quantity { get; private set; }
    /// <summary>The net amount of one unit.</summary>
    public decimal Amount { get; private set; }
    public decimal TaxRate { get; private set; }
    public string? AccountingCode { get; private set; }

    public InvoiceLine Line => new(Quantity, Amount, TaxRate);
    public decimal NetAmount => InvoiceTotals.Round(Quantity * Amount);

    internal static InvoiceItem Create(int position, string description, decimal quantity, decimal amount, decimal taxRate, string? accountingCode) =>
        new() { Position = position, Description = description, Quantity = quantity, Amount = amount, TaxRate = taxRate, AccountingCode = accountingCode };
}

/// <summary>Who issues the invoice, as printed on it.</summary>
public sealed record Issuer(string Name, string? Company, string? Address, string? Country, string? TaxIdName, string? TaxId);

/// <summary>The bytes of an attached e-invoice, kept apart so listing invoices never loads them.</summary>
public sealed class EInvoiceFile
{
    private EInvoiceFile() { }

    public long InvoiceId { get; private set; }
    public byte[] Content { get; private set; } = [];

    internal static EInvoiceFile Of(long invoiceId, byte[] content) => new() { InvoiceId = invoiceId, Content = content };
}

/// <summary>The last number used in a year: incremented inside the transaction that creates the invoice.</summary>
public sealed class InvoiceCounter
{
    private InvoiceCounter() { }

    public int Year { get; private set; }
    public int LastNumber { get; private set; }
}
