using System.Security.Cryptography;

namespace EasySpace.Core.Payments.Checkout;

/// <summary>What a member pays for online.</summary>
public enum PaymentPurpose { Invoice = 1, Booking = 2, DropInPass = 3, Plan = 4 }

public enum AttemptStatus { Open = 0, Succeeded = 1, Failed = 2, Canceled = 3 }

/// <summary>
/// One checkout a member started: what it pays for, at which provider, and how it ended. Its id travels to the provider
/// (Stripe's client_reference_id and metadata, PayPal's custom_id) and is the idempotency key of the creating call, so
/// every provider object and event leads back here. One-time payments pay an invoice (bookings and day passes get theirs
/// when the checkout starts); a plan's attempt starts a recurring payment whose periods are invoiced as they are paid.
/// </summary>
public sealed class PaymentAttempt
{
    private PaymentAttempt() { }

    /// <summary>"pa_" and 24 hex digits: unguessable, because it is in the return URL.</summary>
    public string Id { get; private set; } = "";
    public long MembershipId { get; private set; }
    public PaymentPurpose Purpose { get; private set; }
    /// <summary>The invoice, booking or plan id; 0 for a day pass.</summary>
    public long SubjectId { get; private set; }
    /// <summary>The day a day pass is for.</summary>
    public DateOnly? PassDate { get; private set; }
    /// <summary>The invoice this attempt pays; null for a plan.</summary>
    public long? InvoiceId { get; private set; }
    public PaymentProvider Provider { get; private set; }
    public ProviderMode Mode { get; private set; }
    public decimal Amount { get; private set; }
    public string Currency { get; private set; } = "";
    /// <summary>What the member sees at the provider and in their history, e.g. "Invoice 2026-0012".</summary>
    public string Description { get; private set; } = "";
    /// <summary>The provider's object for this checkout: a Stripe Checkout Session, a PayPal order or subscription.</summary>
    public string? ProviderSessionId { get; private set; }
    public string? RedirectUrl { get; private set; }
    public AttemptStatus Status { get; private set; }
    public string? FailureReason { get; private set; }
    /// <summary>Our payment once the provider confirmed the money.</summary>
    public long? PaymentId { get; private set; }
    /// <summary>The recurring payment a plan's checkout started.</summary>
    public long? PaymentSubscriptionId { get; private set; }
    /// <summary>The day pass sold when a pass's payment succeeded.</summary>
    public long? DropInPassId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }

    public bool IsFinished => Status != AttemptStatus.Open;

    public static string NewId() => "pa_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    internal static PaymentAttempt Start(long membershipId, PaymentPurpose purpose, long subjectId, DateOnly? passDate, long? invoiceId,
        PaymentProvider provider, ProviderMode mode, decimal amount, string currency, string description, DateTimeOffset at) =>
        new()
        {
            Id = NewId(), MembershipId = membershipId, Purpose = purpose, SubjectId = subjectId, PassDate = passDate, InvoiceId = invoiceId,
            Provider = provider, Mode = mode, Amount = amount, Currency = currency, Description = description,
            Status = AttemptStatus.Open, CreatedAt = at, UpdatedAt = at,
        };

    /// <summary>The provider accepted the checkout: where the member goes to pay.</summary>
    internal void Opened(string providerSessionId, string redirectUrl, DateTimeOffset at)
    {
        ProviderSessionId = providerSessionId;
        RedirectUrl = redirectUrl;
        UpdatedAt = at;
    }

    /// <summary>Money arrived. A late success after a failure or a cancel wins: the money was really taken.</summary>
    internal bool Succeed(long? paymentId, long? subscriptionId, DateTimeOffset at)
    {
        if (Status == AttemptStatus.Succeeded) return false;
        Status = AttemptStatus.Succeeded;
        PaymentId = paymentId ?? PaymentId;
        PaymentSubscriptionId = subscriptionId ?? PaymentSubscriptionId;
        FailureReason = null;
        CompletedAt = UpdatedAt = at;
        return true;
    }

    internal void PassSold(long passId, DateTimeOffset at)
    {
        DropInPassId = passId;
        UpdatedAt = at;
    }

    /// <summary>The provider refused the money; a succeeded attempt stays succeeded (a refund is its own record).</summary>
    internal bool Fail(string reason, DateTimeOffset at)
    {
        if (Status is AttemptStatus.Succeeded or AttemptStatus.Failed) return false;
        Status = AttemptStatus.Failed;
        FailureReason = reason.Length > 500 ? reason[..500] : reason;
        CompletedAt = UpdatedAt = at;
        return true;
    }

    /// <summary>The member turned back at the provider. Only an open attempt can be canceled.</summary>
    internal bool Cancel(DateTimeOffset at)
    {
        if (Status != AttemptStatus.Open) return false;
        Status = AttemptStatus.Canceled;
        CompletedAt = UpdatedAt = at;
        return true;
    }
}
