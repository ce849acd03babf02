using System.Globalization;
using EasySpace.Core.Data;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Space.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Payments.PayPal;

/// <summary>
/// A member's PayPal checkout. One-time payments are orders (intent CAPTURE) that we capture when the member comes back
/// or when PayPal says the order is approved; plans are billing subscriptions on a PayPal plan kept in step with ours.
/// Our attempt id travels as custom_id (and invoice_id) and is the PayPal-Request-Id of every call that creates or
/// captures, so a repeated call is answered with the first result. Whether money moved is the capture's own status:
/// a COMPLETED order can hold a DECLINED capture.
/// </summary>
public sealed class PayPalCheckout(
    PayPalClient client,
    ConnectedPayPal connected,
    CheckoutCompletion completion,
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock,
    ILogger<PayPalCheckout> log) : ICheckoutProvider
{
    // PayPal's limit on a purchase unit's description.
    private const int MaxDescription = 127;

    public PaymentProvider Provider => PaymentProvider.PayPal;

    public async Task<Result<ProviderCheckout>> CreateAsync(PaymentAttempt attempt, CheckoutLinks links, Plan? plan, CancellationToken ct)
    {
        if (await connected.ActiveAsync(ct) is not { } paypal) return Refused("PayPal is not connected, so paying with PayPal is not available.");
        var context = new PayPalApplicationContext(links.ReturnUrl, links.CancelUrl);
        if (plan is null)
        {
            var description = attempt.Description.Length > MaxDescription ? attempt.Description[..MaxDescription] : attempt.Description;
            var unit = new PayPalPurchaseUnitRequest(PayPalMoney.Of(attempt.Amount, attempt.Currency), attempt.Id, description, attempt.Id, attempt.Id);
            var order = await client.CreateOrderAsync(paypal.Account, new PayPalOrderRequest([unit], context), attempt.Id, ct);
            if (order.Error is { } error) return Refused(error.Message);
            return order.Value!.ApproveUrl is { } approve ? new ProviderCheckout(order.Value.Id, approve) : Refused("PayPal did not say where to approve the payment. Try again.");
        }

        var planId = await PlanAsync(paypal, plan, ct);
        if (!planId.Succeeded) return planId.Errors;
        var subscription = await client.CreateSubscriptionAsync(paypal.Account, new PayPalSubscriptionRequest(planId.Value!, attempt.Id, context), attempt.Id, ct);
        if (subscription.Error is { } refused) return Refused(refused.Message);
        return subscription.Value!.ApproveUrl is { } url ? new ProviderCheckout(subscription.Value.Id, url) : Refused("PayPal did not say where to approve the recurring payment. Try again.");
    }

    public async Task RefreshAsync(PaymentAttempt attempt, CancellationToken ct)
    {
        if (attempt.ProviderSessionId is not { } reference || await connected.ActiveAsync(ct) is not { } paypal) return;
        var outcome = attempt.Purpose == PaymentPurpose.Plan
            ? (await SubscriptionAsync(paypal, reference, ct)).Outcome + await SubscriptionPaymentsAsync(paypal, reference, attempt.CreatedAt, ct)
            : await OrderAsync(paypal, attempt.Id, reference, ct);
        log.LogInformation("PayPal checkout {Attempt}: {Outcome}", attempt.Id, outcome);
    }

    public async Task<Result<bool>> CancelSubscriptionAsync(PaymentSubscription subscription, CancellationToken ct)
    {
        if (await connected.ActiveAsync(ct) is not { } paypal) return Refused("PayPal is not connected; cancel the recurring payment in your PayPal account.");
        var canceled = await client.CancelSubscriptionAsync(paypal.Account, subscription.ProviderReference, "Canceled in EasySpace",
            subscription.ProviderReference + "-cancel", ct);
        // Already cancelled or expired at PayPal: what we wanted.
        if (canceled.Error is { Issue: "SUBSCRIPTION_STATUS_INVALID" } or null) return true;
        return Refused(canceled.Error.Message);
    }

    /// <summary>
    /// Where an order stands, recorded: an approved order is captured (again harmlessly: the capture's request id is
    /// derived from the attempt), a completed one is settled by its capture's status. Throws when PayPal cannot answer,
    /// so an event is tried again; returns what it did.
    /// </summary>
    internal async Task<string> OrderAsync(ActivePayPal paypal, string attemptId, string orderId, CancellationToken ct)
    {
        var order = Answer(await client.GetOrderAsync(paypal.Account, orderId, ct));
        switch (order.Status)
        {
            case "APPROVED":
                // The webhook and the return page may both get here: the same request id makes PayPal answer the second
                // with the first capture. Any other refusal (ORDER_ALREADY_CAPTURED) throws, and the next try finds the
                // order COMPLETED with its capture.
                var captured = await client.CaptureOrderAsync(paypal.Account, orderId, attemptId + "-capture", ct);
                return await CaptureAsync(attemptId, Answer(captured).Capture, paypal.IsTest, ct);
            case "COMPLETED":
                return await CaptureAsync(attemptId, FirstCapture(order), paypal.IsTest, ct);
            case "VOIDED":
                Check(await completion.FailedAsync(attemptId, null, "PayPal voided the order.", ct));
                return $"order {orderId} voided at PayPal";
            default:
                return $"order {orderId} is {order.Status} at PayPal: waiting for the member";
        }
    }

    private static PayPalCapture? FirstCapture(PayPalOrder order) => order.PurchaseUnits?.SelectMany(u => u.Payments?.Captures ?? []).FirstOrDefault();

    /// <summary>A capture's own status decides: COMPLETED is paid, DECLINED or FAILED failed, PENDING (e.g. an eCheck) still open.</summary>
    internal async Task<string> CaptureAsync(string attemptId, PayPalCapture? capture, bool isTest, CancellationToken ct)
    {
        if (capture is null) return "no capture yet";
        if (await completion.FindAsync(attemptId, ct) is not { } attempt) return $"ignored: capture {capture.Id} is not for a checkout started here";
        var charge = new ProviderCharge(PaymentProvider.PayPal, capture.Id, capture.Amount is { } money ? Amount(money) : attempt.Amount,
            capture.Amount?.CurrencyCode ?? attempt.Currency, isTest);
        switch (capture.Status)
        {
            case "COMPLETED":
                Check(await completion.PaidAsync(attemptId, charge, ct));
                return $"capture {capture.Id} completed: {BillingFormat.Money(charge.Amount, charge.Currency)} recorded for {attempt.Description}";
            case "DECLINED" or "FAILED":
                var reason = "PayPal declined the payment" + (capture.StatusDetails?.Reason is { } why ? $" ({why})" : "") + ".";
                Check(await completion.FailedAsync(attemptId, charge, reason, ct));
                return $"capture {capture.Id} {capture.Status.ToLowerInvariant()}: recorded as a failed payment";
            default:
                return $"capture {capture.Id} is {capture.Status} at PayPal: waiting";
        }
    }

    /// <summary>
    /// A subscription's current state at PayPal, recorded. Reading it from PayPal (never from the event that brought the
    /// news) is what makes events arriving out of order end right: the last one recorded is the latest state.
    /// </summary>
    internal async Task<SubscriptionState> SubscriptionAsync(ActivePayPal paypal, string subscriptionId, CancellationToken ct)
    {
        var subscription = Answer(await client.GetSubscriptionAsync(paypal.Account, subscriptionId, ct));
        var status = subscription.Status switch
        {
            "ACTIVE" when subscription.BillingInfo?.FailedPaymentsCount > 0 => "past_due",
            "ACTIVE" => "active",
            "SUSPENDED" => subscription.BillingInfo?.FailedPaymentsCount > 0 ? "past_due" : "paused",
            "CANCELLED" or "EXPIRED" => "canceled",
            _ => null,   // APPROVAL_PENDING, APPROVED: nothing is paid until PayPal activates it
        };
        if (status is null) return new(null, $"subscription {subscription.Id} is {subscription.Status} at PayPal: waiting for the member");
        if (subscription.CustomId is not { } attemptId || await completion.FindAsync(attemptId, ct) is not { Purpose: PaymentPurpose.Plan } attempt)
            return new(null, $"ignored: subscription {subscription.Id} was not started here");
        PlanInterval interval;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            interval = await db.Plans.Where(p => p.Id == attempt.SubjectId).Select(p => p.Interval).FirstOrDefaultAsync(ct);
        var change = new PaymentSubscriptionChange(attempt.MembershipId, PaymentProviders.PayPal, subscription.Id, status, attempt.Amount, attempt.Currency,
            interval.ApiName());
        var recorded = await completion.SubscriptionChangedAsync(attemptId, change, ct);
        Check(recorded);
        return new(recorded.Value, $"subscription {subscription.Id} is {status}");
    }

    /// <summary>A subscription as recorded after asking PayPal (null when PayPal has nothing to record yet, or it is not ours), and what was done.</summary>
    internal sealed record SubscriptionState(PaymentSubscription? Recorded, string Outcome);

    /// <summary>
    /// The payments PayPal took for a subscription since <paramref name="since"/>, each recorded on its period's invoice
    /// under its id, which is the sale id PAYMENT.SALE.COMPLETED carries: whichever brings a payment first records it.
    /// </summary>
    internal async Task<string> SubscriptionPaymentsAsync(ActivePayPal paypal, string subscriptionId, DateTimeOffset since, CancellationToken ct)
    {
        bool known;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            known = await db.PaymentSubscriptions.AnyAsync(s => s.Provider == PaymentProviders.PayPal && s.ProviderReference == subscriptionId, ct);
        if (!known) return "";
        // A day's margin: PayPal dates a payment when it was taken, our attempt when the member started.
        var payments = Answer(await client.ListSubscriptionTransactionsAsync(paypal.Account, subscriptionId, since.AddDays(-1), clock.GetUtcNow(), ct));
        var recorded = 0;
        // Money taken, even if some of it was refunded since: the refund is recorded on its own.
        foreach (var payment in payments.Where(p => p.Status is "COMPLETED" or "PARTIALLY_REFUNDED" or "REFUNDED" && p.AmountWithBreakdown is not null))
        {
            var money = payment.AmountWithBreakdown!.GrossAmount;
            Check(await completion.PeriodPaidAsync(subscriptionId, payment.Id,
                new ProviderCharge(PaymentProvider.PayPal, payment.Id, Amount(money), money.CurrencyCode, paypal.IsTest), ct));
            recorded++;
        }
        return $"; {recorded} payment(s) at PayPal";
    }

    /// <summary>
    /// The PayPal plan for our plan at its current price: the product is ours by id (EASYSPACE-PLAN-{id}); a plan is reused
    /// when its description names our plan, price and interval, and a new one is made when the price changed.
    /// </summary>
    private async Task<Result<string>> PlanAsync(ActivePayPal paypal, Plan plan, CancellationToken ct)
    {
        var unit = plan.Interval switch
        {
            PlanInterval.Week => "WEEK",
            PlanInterval.Month => "MONTH",
            PlanInterval.Year => "YEAR",
            _ => null,
        };
        if (unit is null) return Refused("This plan is charged once, so it cannot be paid by a recurring payment. Ask the space's team for an invoice.");
        var productId = $"EASYSPACE-PLAN-{plan.Id}";
        var product = await client.CreateProductAsync(paypal.Account, new PayPalProductRequest(plan.Name, "Membership plan", Id: productId), productId, ct);
        if (product.Error is { } error && error.Issue != "DUPLICATE_RESOURCE_IDENTIFIER") return Refused(error.Message);

        var price = PayPalMoney.Of(plan.Price, plan.Currency);
        var key = $"EasySpace plan {plan.Id}: {price.Value} {price.CurrencyCode} every {unit.ToLowerInvariant()}";
        var plans = await client.ListPlansAsync(paypal.Account, productId, ct);
        if (plans.Error is { } listError) return Refused(listError.Message);
        if (plans.Value!.FirstOrDefault(p => p.Status == "ACTIVE" && p.Description == key) is { } kept) return kept.Id;
        var cycle = new PayPalBillingCycle(new PayPalFrequency(unit), new PayPalPricingScheme(price));
        var created = await client.CreatePlanAsync(paypal.Account, new PayPalPlanRequest(productId, plan.Name, [cycle], new PayPalPaymentPreferences(), key),
            $"{productId}-{price.Value}-{price.CurrencyCode}-{unit}", ct);
        return created.Error is { } refused ? Refused(refused.Message) : created.Value!.Id;
    }

    internal static decimal Amount(PayPalMoney money) => decimal.Parse(money.Value, NumberStyles.Number, CultureInfo.InvariantCulture);

    /// <summary>PayPal's answer, or an exception with its sentence: the return page shows "still processing", an event is tried again.</summary>
    internal static T Answer<T>(PayPalResult<T> result) => result.Succeeded ? result.Value! : throw new InvalidOperationException(result.Error!.Message);

    internal static void Check<T>(Result<T> result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(result.Errors.ToString());
    }

    private static ValidationErrors Refused(string message) => new ValidationErrors().Add("", message);
}
