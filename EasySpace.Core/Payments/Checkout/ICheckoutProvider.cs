using EasySpace.Core.Space.Members;
using EasySpace.Core.Space.Payments;

namespace EasySpace.Core.Payments.Checkout;

/// <summary>The provider's checkout object for an attempt, and where the member goes to pay.</summary>
public sealed record ProviderCheckout(string SessionId, string RedirectUrl);

/// <summary>Where the provider sends the member back: after paying, or after turning back.</summary>
public sealed record CheckoutLinks(string ReturnUrl, string CancelUrl);

/// <summary>One provider's side of a checkout: Stripe Checkout, or PayPal orders and subscriptions.</summary>
public interface ICheckoutProvider
{
    PaymentProvider Provider { get; }

    /// <summary>
    /// Creates the provider's checkout for the attempt, with the attempt's id as reference and idempotency key:
    /// a one-time payment of <see cref="PaymentAttempt.Amount"/>, or for a plan (<paramref name="plan"/> given) a
    /// recurring payment at the plan's price and interval. Provider failures are sentences, never exceptions.
    /// </summary>
    Task<Result<ProviderCheckout>> CreateAsync(PaymentAttempt attempt, CheckoutLinks links, Plan? plan, CancellationToken ct);

    /// <summary>
    /// Asks the provider how an open attempt stands (on the member's return, and in reconciliation) and reports what it
    /// finds through <see cref="CheckoutCompletion"/>; a PayPal order approved but not captured is captured here.
    /// </summary>
    Task RefreshAsync(PaymentAttempt attempt, CancellationToken ct);

    /// <summary>Ends a recurring payment at the provider; the provider's answer is then recorded by the caller.</summary>
    Task<Result<bool>> CancelSubscriptionAsync(PaymentSubscription subscription, CancellationToken ct);
}
