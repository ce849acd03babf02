using System.Globalization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Space.Invoices;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Payments;

/// <summary>One row of the payment history.</summary>
public sealed record PaymentRow(long Id, long InvoiceId, string InvoiceNumber, string BilledTo, decimal Amount, decimal RefundedAmount, string Currency,
    string Provider, string? ProviderReference, PaymentStatus Status, string? FailureReason, DateTimeOffset CreatedAt, string RecordedBy)
{
    public decimal Refundable => Status == PaymentStatus.Failed ? 0 : Amount - RefundedAmount;
}

/// <summary>Reads payments for the pages and the API.</summary>
public sealed class PaymentReader(IDbContextFactory<AppDbContext> dbFactory, PublicUrls urls)
{
    /// <summary>Every payment, newest first: the Invoices page's payment history.</summary>
    public async Task<Page<PaymentRow>> PageAsync(int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var total = await db.Payments.CountAsync(ct);
        var rows = await Rows(db, db.Payments.AsNoTracking(), newestFirst: true)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new Page<PaymentRow>(rows, total);
    }

    /// <summary>One invoice's payments, oldest first.</summary>
    public async Task<IReadOnlyList<PaymentRow>> ForInvoiceAsync(long invoiceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Rows(db, db.Payments.AsNoTracking().Where(p => p.InvoiceId == invoiceId), newestFirst: false).ToListAsync(ct);
    }

    /// <summary>
    /// <c>GET /api/payments/{id}</c>: a payment (a number) or a payment subscription ("sub_" and a number); null for
    /// anything unknown or malformed.
    /// </summary>
    public async Task<object?> ResourceAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (id.StartsWith(PaymentSubscriptionResource.IdPrefix, StringComparison.Ordinal))
        {
            if (!InvoiceReader.TryParseId(id[PaymentSubscriptionResource.IdPrefix.Length..], out var subscriptionKey)) return null;
            var subscription = await db.PaymentSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionKey, ct);
            return subscription is null ? null
                : PaymentSubscriptionResource.Of(subscription, await urls.ApiUrlAsync(PaymentResource.Collection, PaymentSubscriptionResource.ApiId(subscription.Id), ct));
        }
        if (!InvoiceReader.TryParseId(id, out var key)) return null;
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == key, ct);
        if (payment is null) return null;
        var paymentId = payment.Id.ToString(CultureInfo.InvariantCulture);
        return PaymentResource.Of(payment, await urls.ApiUrlAsync(PaymentResource.Collection, paymentId, ct),
            await urls.ApiUrlAsync(InvoiceResource.Collection, payment.InvoiceId.ToString(CultureInfo.InvariantCulture), ct));
    }

    private static IQueryable<PaymentRow> Rows(AppDbContext db, IQueryable<Payment> payments, bool newestFirst)
    {
        var ordered = newestFirst ? payments.OrderByDescending(p => p.Id) : payments.OrderBy(p => p.Id);
        return from p in ordered
               join i in db.Invoices on p.InvoiceId equals i.Id
               select new PaymentRow(p.Id, p.InvoiceId, i.FormattedNumber, i.BillingName, p.Amount, p.RefundedAmount, p.Currency, p.Provider,
                   p.ProviderReference, p.Status, p.FailureReason, p.CreatedAt, p.RecordedBy);
    }
}
