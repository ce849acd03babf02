using System.Globalization;
using System.Net;
using EasySpace.Core.Data;
using EasySpace.Core.Payments.Checkout;
using BillingFormat = EasySpace.Core.Space.Invoices.BillingFormat;
using EasySpace.Core.Space.Payments;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Stripe.Checkout;
using Plan = EasySpace.Core.Space.Members.Plan;
using PlanInterval = EasySpace.Core.Space.Members.PlanInterval;

namespace EasySpace.Core.Payments;

/// <summary>
/// Stripe Checkout for our attempts: a hosted payment page (mode=payment) for an invoice, a booking or a day pass, or a
/// subscription (mode=subscription) for a plan, with our attempt id as client_reference_id, metadata and idempotency
/// key. What Stripe reports back (a session, a subscription, a renewal's invoice) is turned into our records here,
/// whether the return page, a webhook (<see cref="StripeEvents"/>) or reconciliation brought it.
/// </summary>
public sealed class StripeCheckout(StripeConnector stripe, CheckoutCompletion completion, IDbContextFactory<AppDbContext> dbFactory) : ICheckoutProvider
{
    public const string AttemptKey = "attempt_id";
    public const string MembershipKey = "membership_id";
    public const string PlanKey = "plan_id";
    private const string Expired = "The checkout expired at Stripe before it was paid.";

    public PaymentProvider Provider => PaymentProvider.Stripe;

    public async Task<Result<ProviderCheckout>> CreateAsync(PaymentAttempt attempt, CheckoutLinks links, Plan? plan, CancellationToken ct)
    {
        if (plan is { Interval: PlanInterval.OneOff })
            return new ValidationErrors().Add("", "This plan is charged once, so it cannot be paid by a recurring payment; pay its invoice instead.");
        string email;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            email = await db.Memberships.AsNoTracking().Where(m => m.Id == attempt.MembershipId).Select(m => m.Email).FirstAsync(ct);

        return await stripe.CallConnectedAsync("open a checkout", async client =>
        {
            var options = new SessionCreateOptions
            {
                ClientReferenceId = attempt.Id,
                Metadata = new() { [AttemptKey] = attempt.Id },
                CustomerEmail = email,
                // Our return page ignores the session id and asks Stripe itself; Stripe fills it in for its logs and ours.
                SuccessUrl = links.ReturnUrl + "?session_id={CHECKOUT_SESSION_ID}",
                CancelUrl = links.CancelUrl,
            };
            if (plan is null)
            {
                options.Mode = "payment";
                options.LineItems =
                [
                    new SessionLineItemOptions
                    {
                        Quantity = 1,
                        PriceData = new SessionLineItemPriceDataOptions
                        {
                            Currency = attempt.Currency.ToLowerInvariant(),
                            UnitAmount = StripeAmounts.ToMinor(attempt.Amount, attempt.Currency),
                            ProductData = new SessionLineItemPriceDataProductDataOptions { Name = attempt.Description },
                        },
                    },
                ];
                options.PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = new() { [AttemptKey] = attempt.Id } };
            }
            else
            {
                options.Mode = "subscription";
                options.LineItems = [new SessionLineItemOptions { Quantity = 1, Price = await PlanPriceAsync(client, plan, attempt.Id, ct) }];
                options.SubscriptionData = new SessionSubscriptionDataOptions
                {
                    Metadata = new() { [AttemptKey] = attempt.Id, [MembershipKey] = attempt.MembershipId.ToString(CultureInfo.InvariantCulture) },
                };
            }
            var session = await new SessionService(client).CreateAsync(options, new RequestOptions { IdempotencyKey = attempt.Id }, ct);
            return new ProviderCheckout(session.Id, session.Url);
        }, ct);
    }

    public async Task RefreshAsync(PaymentAttempt attempt, CancellationToken ct)
    {
        if (attempt.ProviderSessionId is not { } sessionId) return;
        var session = await FetchAsync("read the checkout", client =>
            new SessionService(client).GetAsync(sessionId, new SessionGetOptions { Expand = ["payment_intent"] }, cancellationToken: ct), ct);
        await SettleSessionAsync(session, null, ct);
    }

    public async Task<Result<bool>> CancelSubscriptionAsync(PaymentSubscription subscription, CancellationToken ct) =>
        await stripe.CallConnectedAsync("cancel the recurring payment", async client =>
        {
            try { await new SubscriptionService(client).CancelAsync(subscription.ProviderReference, cancellationToken: ct); }
            catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.NotFound || e.StripeError?.Code == "resource_missing") { }   // already gone
            return true;
        }, ct);

    /// <summary>
    /// A checkout session as Stripe has it now (from the return page, or an event): paid → the payment; a payment the bank
    /// refused (<paramref name="failure"/>) or a session that expired → the attempt fails; a subscription → its state.
    /// </summary>
    internal async Task<string> SettleSessionAsync(Session session, string? failure, CancellationToken ct)
    {
        var attemptId = session.ClientReferenceId ?? session.Metadata?.GetValueOrDefault(AttemptKey);
        if (attemptId is null || await completion.FindAsync(attemptId, ct) is null)
            return "acknowledged, not used: this checkout was not started by EasySpace";
        if (session.Mode == "subscription")
        {
            // The first period's invoice is paid with the checkout: recording it also records the subscription.
            if (session is { PaymentStatus: "paid", InvoiceId: { } firstPeriod }) return await SettlePeriodAsync(firstPeriod, paid: true, ct);
            if (session.SubscriptionId is { } subscriptionId) return await SyncSubscriptionAsync(subscriptionId, ct);
            if (session.Status == "expired") return Outcome(await completion.FailedAsync(attemptId, null, Expired, ct), "checkout expired");
            return "nothing to record yet: the member has not finished the checkout";
        }

        var paymentIntentId = session.PaymentIntentId ?? session.PaymentIntent?.Id;
        var charge = paymentIntentId is null ? null
            : new ProviderCharge(PaymentProvider.Stripe, paymentIntentId, StripeAmounts.FromMinor(session.AmountTotal ?? 0, session.Currency), session.Currency.ToUpperInvariant(), !session.Livemode);
        if (failure is not null)
            return Outcome(await completion.FailedAsync(attemptId, charge, failure, ct), "recorded the failed payment");
        if (session.PaymentStatus == "paid" && charge is not null)
            return Outcome(await completion.PaidAsync(attemptId, charge, ct), $"recorded the payment of {BillingFormat.Money(charge.Amount, charge.Currency)} ({charge.Reference})");
        if (session.Status == "expired")
            return Outcome(await completion.FailedAsync(attemptId, null, Expired, ct), "checkout expired");
        return "nothing to record yet: the payment is not confirmed (a bank transfer or debit can take days)";
    }

    /// <summary>
    /// A subscription's current state, read from Stripe rather than taken from the event: events can arrive out of order,
    /// and the state Stripe has now is never older than one an event carried.
    /// </summary>
    internal async Task<string> SyncSubscriptionAsync(string subscriptionId, CancellationToken ct)
    {
        var subscription = await FetchAsync("read the recurring payment", client =>
            new SubscriptionService(client).GetAsync(subscriptionId, cancellationToken: ct), ct);
        return await RecordSubscriptionAsync(subscription, ct);
    }

    internal async Task<string> RecordSubscriptionAsync(Subscription subscription, CancellationToken ct)
    {
        var price = subscription.Items?.Data?.FirstOrDefault()?.Price;
        var currency = (price?.Currency ?? subscription.Currency ?? "").ToUpperInvariant();
        long? membershipId = long.TryParse(subscription.Metadata?.GetValueOrDefault(MembershipKey), CultureInfo.InvariantCulture, out var id) ? id : null;
        var change = new PaymentSubscriptionChange(membershipId, PaymentProviders.Stripe, subscription.Id, StatusOf(subscription.Status),
            StripeAmounts.FromMinor(price?.UnitAmount ?? 0, currency), currency, price?.Recurring?.Interval ?? "month");
        var recorded = await completion.SubscriptionChangedAsync(subscription.Metadata?.GetValueOrDefault(AttemptKey), change, ct);
        return Outcome(recorded, $"recurring payment {subscription.Id} is {change.Status}");
    }

    /// <summary>
    /// One period of a subscription, from Stripe's invoice for it: paid → a payment on our invoice for the period; not
    /// paid → failed_payment on it. The subscription's current state is recorded first: its invoice may come before it.
    /// </summary>
    internal async Task<string> SettlePeriodAsync(string invoiceId, bool paid, CancellationToken ct)
    {
        var invoice = await FetchAsync("read the renewal's invoice", client =>
            new InvoiceService(client).GetAsync(invoiceId, new InvoiceGetOptions { Expand = ["payments"] }, cancellationToken: ct), ct);
        if (invoice.Parent?.SubscriptionDetails?.SubscriptionId is not { } subscriptionId)
            return "acknowledged, not used: this Stripe invoice is not for a recurring payment";
        var subscriptionOutcome = await SyncSubscriptionAsync(subscriptionId, ct);

        var payment = invoice.Payments?.Data?.Select(p => p.Payment).FirstOrDefault(p => p is not null);
        var reference = payment?.PaymentIntentId ?? payment?.ChargeId ?? invoice.Id;
        var currency = invoice.Currency.ToUpperInvariant();
        if (paid)
        {
            var charge = new ProviderCharge(PaymentProvider.Stripe, reference, StripeAmounts.FromMinor(invoice.AmountPaid, currency), currency, !invoice.Livemode);
            return Outcome(await completion.PeriodPaidAsync(subscriptionId, invoice.Id, charge, ct),
                $"{subscriptionOutcome}; recorded the period's payment of {BillingFormat.Money(charge.Amount, currency)} ({reference})");
        }
        var due = new ProviderCharge(PaymentProvider.Stripe, reference, StripeAmounts.FromMinor(invoice.AmountDue, currency), currency, !invoice.Livemode);
        return Outcome(await completion.PeriodFailedAsync(subscriptionId, invoice.Id, due,
                "Stripe could not collect this period's payment; it tries again on its own schedule.", ct),
            $"{subscriptionOutcome}; recorded the failed payment of {BillingFormat.Money(due.Amount, currency)} ({reference})");
    }

    /// <summary>
    /// The Stripe price a plan's subscription uses. Its lookup key encodes the plan, amount, currency and interval, so an
    /// unchanged plan reuses its price and a changed one gets a new price (Stripe prices cannot be edited; subscriptions
    /// already running keep theirs). The product is ours by a fixed id and carries the plan's current name.
    /// </summary>
    private static async Task<string> PlanPriceAsync(StripeClient client, Plan plan, string attemptId, CancellationToken ct)
    {
        var interval = plan.Interval switch { PlanInterval.Week => "week", PlanInterval.Year => "year", _ => "month" };
        var amount = StripeAmounts.ToMinor(plan.Price, plan.Currency);
        var currency = plan.Currency.ToLowerInvariant();
        var planId = plan.Id.ToString(CultureInfo.InvariantCulture);
        var lookupKey = $"easyspace_plan_{planId}_{amount}_{currency}_{interval}";
        var prices = new PriceService(client);
        var existing = await prices.ListAsync(new PriceListOptions { LookupKeys = [lookupKey], Active = true, Limit = 1 }, cancellationToken: ct);
        if (existing.Data.FirstOrDefault() is { } price) return price.Id;

        var products = new ProductService(client);
        var productId = $"easyspace_plan_{planId}";
        try
        {
            var product = await products.GetAsync(productId, cancellationToken: ct);
            if (product.Name != plan.Name) await products.UpdateAsync(productId, new ProductUpdateOptions { Name = plan.Name }, cancellationToken: ct);
        }
        catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            await products.CreateAsync(new ProductCreateOptions { Id = productId, Name = plan.Name, Metadata = new() { [PlanKey] = planId } },
                new RequestOptions { IdempotencyKey = attemptId + "-product" }, ct);
        }
        var created = await prices.CreateAsync(new PriceCreateOptions
        {
            Product = productId,
            Currency = currency,
            UnitAmount = amount,
            Recurring = new PriceRecurringOptions { Interval = interval },
            LookupKey = lookupKey,
            TransferLookupKey = true,
            Metadata = new() { [PlanKey] = planId },
        }, new RequestOptions { IdempotencyKey = attemptId + "-price" }, ct);
        return created.Id;
    }

    /// <summary>Stripe's subscription statuses in ours: unpaid is past due for us, an incomplete checkout that expired is over.</summary>
    private static string StatusOf(string status) => status switch
    {
        "active" or "trialing" or "past_due" or "paused" or "canceled" or "incomplete" => status,
        "unpaid" => "past_due",
        "incomplete_expired" => "canceled",
        _ => "incomplete",
    };

    /// <summary>
    /// A call made while processing: a failure throws, so the inbox keeps the event for the reconciliation job and the
    /// return page says the payment is still being confirmed.
    /// </summary>
    internal async Task<T> FetchAsync<T>(string doing, Func<StripeClient, Task<T>> call, CancellationToken ct)
    {
        var result = await stripe.CallConnectedAsync(doing, call, ct);
        return result.Succeeded ? result.Value! : throw new InvalidOperationException(result.Errors.ToString());
    }

    /// <summary>A completion's refusal (e.g. an unknown invoice) throws for the same reason: the event is tried again.</summary>
    private static string Outcome<T>(Result<T> result, string done) =>
        result.Succeeded ? done : throw new InvalidOperationException(result.Errors.ToString());
}
