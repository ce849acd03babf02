namespace EasySpace.Core.Space.Payments;

/// <summary>Who moved the money: an admin by hand, or a payment provider (whose webhooks arrive with the provider work).</summary>
public static class PaymentProviders
{
    public const string Manual = "manual";
    public const string Stripe = "stripe";
    public const string PayPal = "paypal";

    public static readonly IReadOnlyList<string> All = [Manual, Stripe, PayPal];
}

public enum PaymentStatus
{
    Succeeded = 0,
    Failed = 1,
    PartiallyRefunded = 2,
    Refunded = 3,
}

/// <summary>
/// One attempt to pay an invoice: money received (by hand or through a provider), or a provider's failed charge.
/// Refunds are recorded against the payment they return money from.
/// </summary>
public sealed class Payment
{
    private readonly List<PaymentRefund> refunds = [];

    private Payment() { }

    public long Id { get; private set; }
    public long InvoiceId { get; private set; }
    public decimal Amount { get; private set; }
    public decimal RefundedAmount { get; private set; }
    public string Currency { get; private set; } = "";
    /// <summary>One of <see cref="PaymentProviders"/>.</summary>
    public string Provider { get; private set; } = "";
    /// <summary>The provider's id for this attempt (a Stripe charge, a PayPal capture) or an admin's note such as a bank reference.</summary>
    public string? ProviderReference { get; private set; }
    /// <summary>A failed attempt stays failed; only a succeeded one can be refunded.</summary>
    public bool Failed { get; private set; }
    public PaymentStatus Status { get; private set; }
    public string? FailureReason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RefundedAt { get; private set; }
    /// <summary>The admin's e-mail, or the provider for payments that arrive by webhook.</summary>
    public string RecordedBy { get; private set; } = "";
    /// <summary>Test money: a provider's test or sandbox mode. Payments by hand are never test payments.</summary>
    public bool IsTest { get; private set; }
    public IReadOnlyList<PaymentRefund> Refunds => refunds;

    public decimal Refundable => Failed ? 0 : Amount - RefundedAmount;

    internal static Payment Succeeded(long invoiceId, decimal amount, string currency, string provider, string? reference, string by, DateTimeOffset at,
        bool isTest = false) =>
        new()
        {
            InvoiceId = invoiceId, Amount = amount, Currency = currency, Provider = provider, ProviderReference = reference,
            Status = PaymentStatus.Succeeded, RecordedBy = by, CreatedAt = at, IsTest = isTest,
        };

    internal static Payment Failure(long invoiceId, decimal amount, string currency, string provider, string? reference, string? reason, string by, DateTimeOffset at,
        bool isTest = false) =>
        new()
        {
            InvoiceId = invoiceId, Amount = amount, Currency = currency, Provider = provider, ProviderReference = reference,
            Failed = true, Status = PaymentStatus.Failed, FailureReason = reason, RecordedBy = by, CreatedAt = at, IsTest = isTest,
        };

    internal void Refund(decimal amount, string? reference, string by, DateTimeOffset at)
    {
        if (Failed) throw new InvalidOperationException("A failed payment has nothing to refund.");
        if (amount <= 0 || amount > Refundable) throw new InvalidOperationException($"Only {Refundable} of this payment can be refunded.");
        refunds.Add(PaymentRefund.Of(amount, reference, by, at));
        RefundedAmount += amount;
        RefundedAt = at;
        Status = RefundedAmount >= Amount ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
    }
}

/// <summary>Money returned from a payment.</summary>
public sealed class PaymentRefund
{
    private PaymentRefund() { }

    public long Id { get; private set; }
    public decimal Amount { get; private set; }
    /// <summary>The provider's refund id (so a repeated provider webhook is recorded once), or an admin's note.</summary>
    public string? ProviderReference { get; private set; }
    public string RecordedBy { get; private set; } = "";
    public DateTimeOffset RefundedAt { get; private set; }

    internal static PaymentRefund Of(decimal amount, string? reference, string by, DateTimeOffset at) =>
        new() { Amount = amount, ProviderReference = reference, RecordedBy = by, RefundedAt = at };
}

/// <summary>A member's recurring payment at a provider (a Stripe subscription, a PayPal billing agreement), as last reported.</summary>
public sealed class PaymentSubscription
{
    private PaymentSubscription() { }

    public long Id { get; private set; }
    public long? MembershipId { get; private set; }
    public string Provider { get; private set; } = "";
    public string ProviderReference { get; private set; } = "";
    /// <summary>One of <see cref="PaymentSubscriptionChange.Statuses"/>.</summary>
    public string Status { get; private set; } = "";
    public decimal Amount { get; private set; }
    public string Currency { get; private set; } = "";
    /// <summary>day, week, month or year.</summary>
    public string Interval { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    internal static PaymentSubscription Start(PaymentSubscriptionChange change, DateTimeOffset at) =>
        new() { Provider = change.Provider.Trim(), ProviderReference = change.ProviderReference.Trim(), CreatedAt = at };

    /// <summary>Takes the reported state; false when nothing differs (a provider repeating itself).</summary>
    internal bool Take(PaymentSubscriptionChange change, DateTimeOffset at)
    {
        var status = change.Status.Trim();
        var currency = change.Currency.Trim().ToUpperInvariant();
        var interval = change.Interval.Trim();
        if (Id != 0 && MembershipId == change.MembershipId && Status == status && Amount == change.Amount && Currency == currency && Interval == interval)
            return false;
        MembershipId = change.MembershipId;
        Status = status;
        Amount = change.Amount;
        Currency = currency;
        Interval = interval;
        UpdatedAt = at;
        return true;
    }
}
