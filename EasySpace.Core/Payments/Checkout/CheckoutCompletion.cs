using EasySpace.Core.Data;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Space.Passes;
using EasySpace.Core.Space.Payments;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Payments.Checkout;

/// <summary>Money as a provider reports it: its id for the charge (or refund), the amount, and whether it is test money.</summary>
public sealed record ProviderCharge(PaymentProvider Provider, string Reference, decimal Amount, string Currency, bool IsTest)
{
    public string ProviderName => Provider.ToString().ToLowerInvariant();
}

/// <summary>
/// Where provider news becomes our records, whoever brings it first: the provider's webhook, the member's return page
/// or the reconciliation job. Every method is safe to call again with the same news (the recorder keys payments and
/// refunds by the provider's ids, attempts only move forward), so the same event arriving twice, or a webhook and a
/// return page racing, records the money once.
/// </summary>
public sealed class CheckoutCompletion(
    IDbContextFactory<AppDbContext> dbFactory,
    PaymentRecorder recorder,
    InvoiceService invoices,
    DropInPassService passes,
    MembershipService memberships,
    TimeProvider clock)
{
    public async Task<PaymentAttempt?> FindAsync(string attemptId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PaymentAttempts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attemptId, ct);
    }

    /// <summary>The attempts still open at a provider, oldest first (for reconciliation).</summary>
    public async Task<IReadOnlyList<PaymentAttempt>> OpenAsync(PaymentProvider provider, DateTimeOffset since, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PaymentAttempts.AsNoTracking()
            .Where(a => a.Provider == provider && a.Status == AttemptStatus.Open && a.ProviderSessionId != null && a.CreatedAt >= since)
            .OrderBy(a => a.CreatedAt).Take(200).ToListAsync(ct);
    }

    /// <summary>A one-time payment succeeded: the payment on the attempt's invoice, then the day pass if it bought one.</summary>
    public async Task<Result<AttemptView>> PaidAsync(string attemptId, ProviderCharge charge, CancellationToken ct = default)
    {
        if (await FindAsync(attemptId, ct) is not { InvoiceId: { } invoiceId } attempt) return Unknown(attemptId);
        var payment = await recorder.RecordPaymentAsync(invoiceId, charge.Amount, charge.Currency, charge.ProviderName, charge.Reference,
            charge.ProviderName, ct, charge.IsTest);
        if (!payment.Succeeded) return payment.Errors;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tracked = await db.PaymentAttempts.FirstAsync(a => a.Id == attempt.Id, ct);
        tracked.Succeed(payment.Value!.Id, null, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        if (tracked is { Purpose: PaymentPurpose.DropInPass, DropInPassId: null, PassDate: { } day })
        {
            var member = await db.Memberships.AsNoTracking().FirstAsync(m => m.Id == tracked.MembershipId, ct);
            var pass = await passes.SellAsync(new DropInPassDraft { Name = member.Name, Email = member.Email, Date = day, Price = charge.Amount }, charge.ProviderName, ct);
            if (!pass.Succeeded) return pass.Errors;
            tracked.PassSold(pass.Value!.Id, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }
        return AttemptView.Of(tracked);
    }

    /// <summary>The provider refused the money: failed_payment on the invoice when the provider names the charge.</summary>
    public async Task<Result<AttemptView>> FailedAsync(string attemptId, ProviderCharge? charge, string reason, CancellationToken ct = default)
    {
        if (await FindAsync(attemptId, ct) is not { } attempt) return Unknown(attemptId);
        if (charge is not null && attempt.InvoiceId is { } invoiceId)
        {
            var failure = await recorder.RecordFailureAsync(invoiceId, charge.Amount, charge.Currency, charge.ProviderName, charge.Reference, reason,
                charge.ProviderName, ct, charge.IsTest);
            if (!failure.Succeeded) return failure.Errors;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tracked = await db.PaymentAttempts.FirstAsync(a => a.Id == attempt.Id, ct);
        if (tracked.Fail(reason, clock.GetUtcNow()))
        {
            await db.SaveChangesAsync(ct);
            await DropPassInvoiceAsync(tracked, ct);
        }
        return AttemptView.Of(tracked);
    }

    /// <summary>
    /// A day pass that was not bought leaves no invoice behind: its invoice was made only to be paid at checkout. The
    /// invoice service refuses (and we leave it) once any payment, even a failed one, is recorded on it.
    /// </summary>
    internal async Task DropPassInvoiceAsync(PaymentAttempt attempt, CancellationToken ct)
    {
        if (attempt is { Purpose: PaymentPurpose.DropInPass, InvoiceId: { } invoiceId, Status: AttemptStatus.Canceled or AttemptStatus.Failed })
            await invoices.DeleteAsync(invoiceId, attempt.Provider.ToString().ToLowerInvariant(), ct);
    }

    /// <summary>
    /// Money returned at the provider (refunded_payment). <paramref name="refund"/> carries the refund's own id;
    /// <paramref name="chargeReference"/> names the payment it came from.
    /// </summary>
    public async Task<Result<Payment>> RefundedAsync(ProviderCharge refund, string chargeReference, CancellationToken ct = default)
    {
        long? paymentId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            paymentId = await db.Payments.Where(p => p.Provider == refund.ProviderName && p.ProviderReference == chargeReference && !p.Failed)
                .Select(p => (long?)p.Id).FirstOrDefaultAsync(ct);
        if (paymentId is null) return new ValidationErrors().Add("", $"No payment on record has the {refund.Provider} reference {chargeReference}.");
        return await recorder.RecordRefundAsync(paymentId.Value, refund.Amount, refund.Reference, refund.ProviderName, ct);
    }

    /// <summary>
    /// A recurring payment was created or changed at the provider (updated_payment_subscription). The first time it is
    /// active (or already past that), the plan's checkout attempt succeeds and the member's payment method becomes card or PayPal
    /// (updated_payment_method).
    /// </summary>
    public async Task<Result<PaymentSubscription>> SubscriptionChangedAsync(string? attemptId, PaymentSubscriptionChange change, CancellationToken ct = default)
    {
        var membershipId = change.MembershipId;
        PaymentAttempt? attempt = null;
        if (attemptId is not null && await FindAsync(attemptId, ct) is { } found)
        {
            attempt = found;
            membershipId ??= found.MembershipId;
        }
        membershipId ??= await KnownMembershipAsync(change.Provider, change.ProviderReference, ct);
        var recorded = await recorder.RecordSubscriptionChangeAsync(change with { MembershipId = membershipId }, change.Provider, ct);
        if (!recorded.Succeeded) return recorded;
        var subscription = recorded.Value!;
        // Past due and paused come only after it was active: a late report (reconciliation after downtime) may find it
        // there, and the member's checkout still succeeded.
        if (attempt is not null && subscription.Status is "active" or "trialing" or "past_due" or "paused")
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var tracked = await db.PaymentAttempts.FirstAsync(a => a.Id == attempt.Id, ct);
            if (tracked.Succeed(null, subscription.Id, clock.GetUtcNow()))
            {
                await db.SaveChangesAsync(ct);
                if (membershipId is { } id)
                {
                    var method = attempt.Provider == PaymentProvider.PayPal ? PaymentMethod.PayPal : PaymentMethod.Card;
                    // "Already that method" is a refusal we expect and ignore.
                    await memberships.ChangePaymentMethodAsync(id, method, change.Provider, ct);
                }
            }
        }
        return subscription;
    }

    /// <summary>
    /// A recurring payment's period was paid: the period gets its invoice (once, keyed by the provider's period id)
    /// and the payment on it (created_payment, updated_invoice).
    /// </summary>
    public async Task<Result<Payment>> PeriodPaidAsync(string subscriptionReference, string periodReference, ProviderCharge charge, CancellationToken ct = default)
    {
        var period = await PeriodAttemptAsync(subscriptionReference, periodReference, charge, ct);
        if (!period.Succeeded) return period.Errors;
        var payment = await recorder.RecordPaymentAsync(period.Value!.InvoiceId!.Value, charge.Amount, charge.Currency, charge.ProviderName, charge.Reference,
            charge.ProviderName, ct, charge.IsTest);
        if (!payment.Succeeded) return payment;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tracked = await db.PaymentAttempts.FirstAsync(a => a.Id == period.Value.Id, ct);
        if (tracked.Succeed(payment.Value!.Id, null, clock.GetUtcNow())) await db.SaveChangesAsync(ct);
        return payment;
    }

    /// <summary>A renewal failed: the period's invoice stays open and failed_payment is raised on it.</summary>
    public async Task<Result<Payment>> PeriodFailedAsync(string subscriptionReference, string periodReference, ProviderCharge charge, string reason, CancellationToken ct = default)
    {
        var period = await PeriodAttemptAsync(subscriptionReference, periodReference, charge, ct);
        if (!period.Succeeded) return period.Errors;
        var failure = await recorder.RecordFailureAsync(period.Value!.InvoiceId!.Value, charge.Amount, charge.Currency, charge.ProviderName, charge.Reference,
            reason, charge.ProviderName, ct, charge.IsTest);
        if (!failure.Succeeded) return failure;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tracked = await db.PaymentAttempts.FirstAsync(a => a.Id == period.Value.Id, ct);
        if (tracked.Fail(reason, clock.GetUtcNow())) await db.SaveChangesAsync(ct);
        return failure;
    }

    /// <summary>The attempt that stands for one period of a recurring payment, with its invoice; made the first time the period is reported.</summary>
    private async Task<Result<PaymentAttempt>> PeriodAttemptAsync(string subscriptionReference, string periodReference, ProviderCharge charge, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.PaymentAttempts.FirstOrDefaultAsync(a => a.Provider == charge.Provider && a.ProviderSessionId == periodReference, ct);
        if (existing is not null) return existing;

        var subscription = await db.PaymentSubscriptions.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Provider == charge.ProviderName && s.ProviderReference == subscriptionReference, ct);
        if (subscription?.MembershipId is not { } membershipId)
            return new ValidationErrors().Add("", $"No recurring payment on record has the {charge.Provider} reference {subscriptionReference}; it is processed once the subscription is known.");
        var member = await db.Memberships.AsNoTracking().FirstAsync(m => m.Id == membershipId, ct);
        var plan = await db.Plans.AsNoTracking().FirstAsync(p => p.Id == member.PlanId, ct);
        var space = await SpaceLocale.LoadAsync(db, ct);
        var today = space.Clock.Today(clock.GetUtcNow());
        var draft = new InvoiceDraft
        {
            MembershipId = member.Id, Name = member.Name, Company = member.Company, FullAddress = member.Address, DueDate = today,
            Items = [new InvoiceLineDraft { Description = $"{plan.Name}, {plan.Interval.Label()} from {BillingFormat.IsoDay(today)}", Quantity = 1, Amount = charge.Amount }],
        };
        var invoice = await invoices.CreateAsync(draft, charge.ProviderName, ct);
        if (!invoice.Succeeded) return invoice.Errors;
        var attempt = PaymentAttempt.Start(member.Id, PaymentPurpose.Plan, plan.Id, null, invoice.Value!.Id, charge.Provider,
            charge.IsTest ? ProviderMode.Test : ProviderMode.Live, charge.Amount, charge.Currency, $"{plan.Name}, {plan.Interval.Label()}", clock.GetUtcNow());
        attempt.Opened(periodReference, "", clock.GetUtcNow());
        db.PaymentAttempts.Add(attempt);
        await db.SaveChangesAsync(ct);
        return attempt;
    }

    private async Task<long?> KnownMembershipAsync(string provider, string reference, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PaymentSubscriptions.Where(s => s.Provider == provider && s.ProviderReference == reference).Select(s => s.MembershipId).FirstOrDefaultAsync(ct);
    }

    private static ValidationErrors Unknown(string attemptId) => new ValidationErrors().Add("", $"No checkout on record has the id {attemptId}.");
}
