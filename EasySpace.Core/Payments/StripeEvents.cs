using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Payments.Inbox;
using Stripe;
using Stripe.Checkout;

namespace EasySpace.Core.Payments;

/// <summary>
/// What a verified Stripe event (from the webhook or found by reconciliation) does to our records. Every branch is
/// keyed by Stripe's ids through <see cref="CheckoutCompletion"/>, so running an event twice records nothing twice.
/// Subscription events do not trust the state they carry: the subscription is read from Stripe, so an older
/// customer.subscription.updated arriving late cannot roll a newer state back (we chose fetching over comparing
/// event times: it needs nothing stored and also settles an invoice that arrives before its subscription).
/// </summary>
public sealed class StripeEvents(StripeCheckout checkout, CheckoutCompletion completion) : IProviderEventHandler
{
    public PaymentProvider Provider => PaymentProvider.Stripe;

    public async Task<string> HandleAsync(ProviderEvent providerEvent, CancellationToken ct)
    {
        // Verified before it was stored; parsed leniently so an event in another API version is still read.
        var stripeEvent = EventUtility.ParseEvent(providerEvent.Payload, throwOnApiVersionMismatch: false);
        var data = stripeEvent.Data.Object;
        return (stripeEvent.Type, data) switch
        {
            ("checkout.session.completed" or "checkout.session.async_payment_succeeded", Session session) =>
                await checkout.SettleSessionAsync(session, null, ct),
            ("checkout.session.async_payment_failed", Session session) =>
                await checkout.SettleSessionAsync(session, "The bank did not confirm the payment.", ct),
            ("charge.refunded", Charge charge) => await RefundsAsync(charge, ct),
            ("invoice.paid", Stripe.Invoice invoice) => await checkout.SettlePeriodAsync(invoice.Id, paid: true, ct),
            ("invoice.payment_failed", Stripe.Invoice invoice) => await checkout.SettlePeriodAsync(invoice.Id, paid: false, ct),
            ("customer.subscription.created" or "customer.subscription.updated", Subscription subscription) =>
                await checkout.SyncSubscriptionAsync(subscription.Id, ct),
            // Deleted is final: no later event can follow it, so the event's own state is the truth.
            ("customer.subscription.deleted", Subscription subscription) => await checkout.RecordSubscriptionAsync(subscription, ct),
            ("payment_method.attached", _) =>
                "acknowledged: a card or account was saved to a customer at Stripe; nothing to record until it pays",
            _ => $"acknowledged, not used: EasySpace does not act on {stripeEvent.Type}",
        };
    }

    /// <summary>
    /// Each refund on the charge by its own id (a charge refunded in two parts reports both); they are listed from
    /// Stripe because the event's charge no longer carries its refunds.
    /// </summary>
    private async Task<string> RefundsAsync(Charge charge, CancellationToken ct)
    {
        var refunds = await checkout.FetchAsync("read the charge's refunds", client =>
            new RefundService(client).ListAsync(new RefundListOptions { Charge = charge.Id, Limit = 100 }, cancellationToken: ct), ct);
        // Our payment carries the payment intent's id: the one reference the checkout, the renewal and the refund share.
        var paymentReference = charge.PaymentIntentId ?? charge.Id;
        var recorded = 0;
        foreach (var refund in refunds.Data.Where(r => r.Status is "succeeded" or "pending"))
        {
            var currency = refund.Currency.ToUpperInvariant();
            var result = await completion.RefundedAsync(
                new ProviderCharge(PaymentProvider.Stripe, refund.Id, StripeAmounts.FromMinor(refund.Amount, currency), currency, !charge.Livemode), paymentReference, ct);
            if (!result.Succeeded) throw new InvalidOperationException(result.Errors.ToString());
            recorded++;
        }
        return $"recorded {recorded} refund(s) of {paymentReference}";
    }
}
