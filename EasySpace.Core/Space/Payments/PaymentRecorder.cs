using System.Globalization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Space.Invoices;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Payments;

/// <summary>What a payment provider (or an admin) reports about a recurring payment.</summary>
/// <param name="Status">active, trialing, past_due, paused, canceled or incomplete.</param>
/// <param name="Interval">day, week, month or year.</param>
public sealed record PaymentSubscriptionChange(long? MembershipId, string Provider, string ProviderReference, string Status, decimal Amount,
    string Currency, string Interval)
{
    public static readonly IReadOnlyList<string> Statuses = ["active", "trialing", "past_due", "paused", "canceled", "incomplete"];
    public static readonly IReadOnlyList<string> Intervals = ["day", "week", "month", "year"];
}

/// <summary>
/// The one place money is recorded. The admin's "Record payment" and "Refund" buttons call it today; the Stripe and
/// PayPal webhooks will call it with their provider and reference. Each call is one transaction: the payment, the
/// invoice's new state, the activity-log line and the events (created_payment, failed_payment, refunded_payment,
/// updated_payment_subscription, and updated_invoice when the invoice becomes paid or unpaid) commit together.
/// A provider reporting the same reference twice (webhooks are retried) is recorded once.
/// </summary>
public sealed class PaymentRecorder(IDbContextFactory<AppDbContext> dbFactory, EventOutbox outbox, PublicUrls urls, TimeProvider clock)
{
    public const decimal MaxAmount = 10_000_000m;

    /// <summary>
    /// Money received for an invoice. It completes the invoice when the payments reach its total: the invoice is then
    /// paid (updated_invoice). Payments by hand cannot exceed what is still to pay; a provider's can, because that money
    /// was really taken and must be on record.
    /// </summary>
    /// <param name="isTest">Money in a provider's test or sandbox mode; it is recorded and shown as such.</param>
    public async Task<Result<Payment>> RecordPaymentAsync(long invoiceId, decimal amount, string currency, string provider, string? providerReference,
        string actor, CancellationToken ct = default, bool isTest = false)
    {
        var errors = Check(amount, currency, provider, providerReference);
        if (!errors.IsEmpty) return errors;
        var reference = BillingInput.Clean(providerReference);
        currency = currency.Trim().ToUpperInvariant();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await AlreadyRecordedAsync(db, provider, reference, failed: false, ct) is { } known) return known;
        if (await db.Invoices.FirstOrDefaultAsync(i => i.Id == invoiceId, ct) is not { } invoice) return NoInvoice();
        if (currency != invoice.Currency) return Refused("Currency", $"This invoice is in {invoice.Currency}.");
        if (invoice.IsWrittenOff) return Refused("", "This invoice was written off; it takes no payments.");
        if (provider == PaymentProviders.Manual)
        {
            if (invoice.IsPaid) return Refused("", "This invoice is already paid.");
            if (amount > invoice.Outstanding)
                return Refused("Amount", $"Only {BillingFormat.Money(invoice.Outstanding, invoice.Currency)} is still to pay on this invoice.");
        }

        var now = clock.GetUtcNow();
        var payment = Payment.Succeeded(invoice.Id, amount, currency, provider, reference, actor, now, isTest && provider != PaymentProviders.Manual);
        db.Payments.Add(payment);
        var becamePaid = invoice.ApplyPayment(amount, now);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.PaymentRecorded, invoice.FormattedNumber, now,
            $"{BillingFormat.Money(amount, currency)} by {provider}{(reference is null ? "" : $" ({reference})")}{(becamePaid ? "; invoice paid" : "")}"));
        await db.SaveChangesAsync(ct);                        // the payment's id is in its URL
        await outbox.RaiseAsync(db, new CreatedPayment(await SubjectAsync(payment, invoice, ct)), ct);
        if (becamePaid) await outbox.RaiseAsync(db, new UpdatedInvoice(await InvoiceService.SubjectAsync(urls, invoice, ct)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return payment;
    }

    /// <summary>A provider's charge that failed (failed_payment). The invoice stays as it was.</summary>
    public async Task<Result<Payment>> RecordFailureAsync(long invoiceId, decimal amount, string currency, string provider, string? providerReference,
        string? reason, string actor, CancellationToken ct = default, bool isTest = false)
    {
        var errors = Check(amount, currency, provider, providerReference);
        BillingInput.AddIf(errors, "Reason", BillingInput.OptionalText(reason, "the reason", 500));
        if (!errors.IsEmpty) return errors;
        var reference = BillingInput.Clean(providerReference);
        currency = currency.Trim().ToUpperInvariant();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await AlreadyRecordedAsync(db, provider, reference, failed: true, ct) is { } known) return known;
        if (await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == invoiceId, ct) is not { } invoice) return NoInvoice();
        if (currency != invoice.Currency) return Refused("Currency", $"This invoice is in {invoice.Currency}.");

        var now = clock.GetUtcNow();
        var payment = Payment.Failure(invoice.Id, amount, currency, provider, reference, BillingInput.Clean(reason), actor, now, isTest && provider != PaymentProviders.Manual);
        db.Payments.Add(payment);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.PaymentFailed, invoice.FormattedNumber, now,
            $"{BillingFormat.Money(amount, currency)} by {provider}{(reason is null ? "" : $": {reason.Trim()}")}"));
        await db.SaveChangesAsync(ct);
        await outbox.RaiseAsync(db, new FailedPayment(await SubjectAsync(payment, invoice, ct)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return payment;
    }

    /// <summary>
    /// Money returned from a payment (refunded_payment). When the invoice was paid and the rest no longer covers it,
    /// it is unpaid again (updated_invoice).
    /// </summary>
    public async Task<Result<Payment>> RecordRefundAsync(long paymentId, decimal amount, string? providerReference, string actor, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        BillingInput.AddIf(errors, "Amount", AmountProblem(amount));
        BillingInput.AddIf(errors, "Reference", BillingInput.OptionalText(providerReference, "the reference", 200));
        if (!errors.IsEmpty) return errors;
        var reference = BillingInput.Clean(providerReference);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Payments.FirstOrDefaultAsync(p => p.Id == paymentId, ct) is not { } payment)
            return Refused("", "There is no payment with that id.");
        // A provider repeating a refund it already reported (same refund id) changes nothing.
        if (reference is not null && payment.Provider != PaymentProviders.Manual && payment.Refunds.Any(r => r.ProviderReference == reference))
            return payment;
        if (payment.Failed) return Refused("", "A failed payment took no money, so there is nothing to refund.");
        if (payment.Refundable <= 0) return Refused("", "This payment is already refunded in full.");
        if (amount > payment.Refundable)
            return Refused("Amount", $"At most {BillingFormat.Money(payment.Refundable, payment.Currency)} of this payment can be refunded.");
        var invoice = await db.Invoices.FirstAsync(i => i.Id == payment.InvoiceId, ct);

        var now = clock.GetUtcNow();
        payment.Refund(amount, reference, actor, now);
        var becameUnpaid = invoice.ApplyRefund(amount, now);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.PaymentRefunded, invoice.FormattedNumber, now,
            $"{BillingFormat.Money(amount, payment.Currency)} of payment {payment.Id}{(becameUnpaid ? "; invoice unpaid again" : "")}"));
        await outbox.RaiseAsync(db, new RefundedPayment(await SubjectAsync(payment, invoice, ct)), ct);
        if (becameUnpaid) await outbox.RaiseAsync(db, new UpdatedInvoice(await InvoiceService.SubjectAsync(urls, invoice, ct)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return payment;
    }

    /// <summary>
    /// A provider's news about a recurring payment: created or changed (updated_payment_subscription). The same news twice
    /// changes nothing and raises nothing.
    /// </summary>
    public async Task<Result<PaymentSubscription>> RecordSubscriptionChangeAsync(PaymentSubscriptionChange change, string actor, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (change.MembershipId is <= 0) errors.Add("MembershipId", "A membership id is a positive number.");
        if (!PaymentProviders.All.Contains(change.Provider)) errors.Add("Provider", $"Use one of {string.Join(", ", PaymentProviders.All)}.");
        BillingInput.AddIf(errors, "Reference", InputRules.RequiredText(change.ProviderReference, "the provider's subscription id", 200));
        if (!PaymentSubscriptionChange.Statuses.Contains(change.Status?.Trim())) errors.Add("Status", $"Use one of {string.Join(", ", PaymentSubscriptionChange.Statuses)}.");
        BillingInput.AddIf(errors, "Amount", BillingInput.Money(change.Amount, "the amount", 0, MaxAmount));
        BillingInput.AddIf(errors, "Currency", InputRules.CurrencyProblem(change.Currency));
        if (!PaymentSubscriptionChange.Intervals.Contains(change.Interval?.Trim())) errors.Add("Interval", $"Use one of {string.Join(", ", PaymentSubscriptionChange.Intervals)}.");
        if (!errors.IsEmpty) return errors;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var reference = change.ProviderReference.Trim();
        var subscription = await db.PaymentSubscriptions.FirstOrDefaultAsync(s => s.Provider == change.Provider && s.ProviderReference == reference, ct);
        var now = clock.GetUtcNow();
        if (subscription is null) db.PaymentSubscriptions.Add(subscription = PaymentSubscription.Start(change, now));
        if (!subscription.Take(change, now)) return subscription;
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.PaymentSubscriptionChanged, $"{subscription.Provider} {subscription.ProviderReference}", now,
            $"{subscription.Status}, {BillingFormat.Money(subscription.Amount, subscription.Currency)} a {subscription.Interval}"));
        await db.SaveChangesAsync(ct);
        var id = PaymentSubscriptionResource.ApiId(subscription.Id);
        var json = PaymentSubscriptionResource.Of(subscription, await urls.ApiUrlAsync(PaymentResource.Collection, id, ct)).ToJson();
        // About the member who pays ("Ada Keller's recurring payment changed"); the provider's id when no membership is linked.
        var member = subscription.MembershipId is { } memberId ? await db.Memberships.Where(m => m.Id == memberId).Select(m => m.Name).FirstOrDefaultAsync(ct) : null;
        await outbox.RaiseAsync(db, new UpdatedPaymentSubscription(new EventSubject(id, member ?? $"{subscription.Provider} subscription {subscription.ProviderReference}", json)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return subscription;
    }

    /// <summary>The payment as its API URL returns it, about "Payment of 120.00 CHF for invoice 2026-0042".</summary>
    private async Task<EventSubject> SubjectAsync(Payment payment, Invoice invoice, CancellationToken ct)
    {
        var id = payment.Id.ToString(CultureInfo.InvariantCulture);
        var invoiceUrl = await urls.ApiUrlAsync(InvoiceResource.Collection, payment.InvoiceId.ToString(CultureInfo.InvariantCulture), ct);
        return new EventSubject(id, $"Payment of {BillingFormat.Money(payment.Amount, payment.Currency)} for invoice {invoice.FormattedNumber}",
            PaymentResource.Of(payment, await urls.ApiUrlAsync(PaymentResource.Collection, id, ct), invoiceUrl).ToJson());
    }

    /// <summary>The payment a provider already reported under this reference; manual payments have no such identity.</summary>
    private static async Task<Payment?> AlreadyRecordedAsync(AppDbContext db, string provider, string? reference, bool failed, CancellationToken ct) =>
        provider == PaymentProviders.Manual || reference is null
            ? null
            : await db.Payments.FirstOrDefaultAsync(p => p.Provider == provider && p.ProviderReference == reference && p.Failed == failed, ct);

    private static ValidationErrors Check(decimal amount, string? currency, string? provider, string? reference)
    {
        var errors = new ValidationErrors();
        BillingInput.AddIf(errors, "Amount", AmountProblem(amount));
        BillingInput.AddIf(errors, "Currency", InputRules.CurrencyProblem(currency));
        if (provider is null || !PaymentProviders.All.Contains(provider)) errors.Add("Provider", $"Use one of {string.Join(", ", PaymentProviders.All)}.");
        BillingInput.AddIf(errors, "Reference", BillingInput.OptionalText(reference, "the reference", 200));
        return errors;
    }

    private static string? AmountProblem(decimal amount) =>
        amount <= 0 ? "Enter an amount of more than 0." : BillingInput.Money(amount, "the amount", 0, MaxAmount);

    private static ValidationErrors NoInvoice() => Refused("", "There is no invoice with that id; it may have been deleted.");

    private static ValidationErrors Refused(string field, string message) => new ValidationErrors().Add(field, message);
}
