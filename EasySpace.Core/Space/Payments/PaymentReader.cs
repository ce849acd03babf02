using System.Globalization;
using System.Runtime.CompilerServices;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Space.Invoices;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Payments;

/// <summary>
/// One row of the payment history: the payment, what it paid for (today always an invoice) and who for (the invoice's
/// membership, or the name it was billed to when it has none).
/// </summary>
public sealed record PaymentRow(long Id, long InvoiceId, string InvoiceNumber, string BilledTo, long? MembershipId, string? MemberName,
    decimal Amount, decimal RefundedAmount, string Currency, string Provider, string? ProviderReference, PaymentStatus Status, string? FailureReason,
    DateTimeOffset CreatedAt, string RecordedBy, IReadOnlyList<RefundRow> Refunds, bool IsTest)
{
    public decimal Refundable => Status == PaymentStatus.Failed ? 0 : Amount - RefundedAmount;

    /// <summary>The member's current name, or the billing name of an invoice without a membership.</summary>
    public string Payer => MemberName ?? BilledTo;
}

/// <summary>Money returned from a payment, as the history shows it.</summary>
public sealed record RefundRow(decimal Amount, string? ProviderReference, DateTimeOffset RefundedAt, string RecordedBy);

/// <summary>
/// Which payments the transaction history shows. Days are calendar days in the space's time zone, both included; the
/// member text matches the member's name or the invoice's billing name, as typed (no wildcards).
/// </summary>
public sealed record TransactionFilter(DateOnly? From = null, DateOnly? To = null, PaymentStatus? Status = null, string? Provider = null,
    string? Member = null)
{
    public const int MemberMax = 100;

    public static readonly TransactionFilter None = new();

    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors();
        if (From is { } from && To is { } to && from > to) errors.Add(nameof(To), "The end date is before the start date.");
        if (Provider is not null && !PaymentProviders.All.Contains(Provider)) errors.Add(nameof(Provider), "Choose a provider from the list.");
        if (Member?.Trim().Length > MemberMax) errors.Add(nameof(Member), $"Search with at most {MemberMax} characters.");
        return errors;
    }
}

/// <summary>Reads payments for the pages and the API.</summary>
public sealed class PaymentReader(IDbContextFactory<AppDbContext> dbFactory, PublicUrls urls)
{
    /// <summary>
    /// One page of the payments <paramref name="filter"/> lets through, newest first: the transaction history and the
    /// Invoices page's payment list. A filter that does not validate is refused, not guessed at.
    /// </summary>
    public async Task<Result<Page<PaymentRow>>> PageAsync(TransactionFilter filter, int skip, int take, CancellationToken ct = default)
    {
        if (filter.Validate() is { IsEmpty: false } errors) return errors;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var payments = await FilteredAsync(db, filter, ct);
        var total = await payments.CountAsync(ct);
        var rows = await Rows(db, payments, newestFirst: true).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new Page<PaymentRow>(rows, total);
    }

    /// <summary>Every payment the filter lets through, newest first, read in pages so an export of years stays small in memory.</summary>
    public async IAsyncEnumerable<PaymentRow> AllAsync(TransactionFilter filter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        const int batch = 500;
        for (var skip = 0; ; skip += batch)
        {
            var page = await PageAsync(filter, skip, batch, ct);
            if (!page.Succeeded) throw new ArgumentException(page.Errors.ToString(), nameof(filter));
            foreach (var row in page.Value!.Items) yield return row;
            if (page.Value.Items.Count < batch) yield break;
        }
    }

    /// <summary>One invoice's payments, oldest first.</summary>
    public async Task<IReadOnlyList<PaymentRow>> ForInvoiceAsync(long invoiceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Rows(db, db.Payments.AsNoTracking().Where(p => p.InvoiceId == invoiceId), newestFirst: false).ToListAsync(ct);
    }

    /// <summary>The member's own payments and refunds (on the invoices they can see), newest first.</summary>
    public async Task<IReadOnlyList<PaymentRow>> ForMemberAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var own = InvoiceReader.MemberOwn(db, userId).Select(i => i.Id);
        return await Rows(db, db.Payments.AsNoTracking().Where(p => own.Contains(p.InvoiceId)), newestFirst: true).ToListAsync(ct);
    }

    /// <summary>
    /// A membership's recurring payment at a provider: the one still running, else the last one that ended; null when it
    /// never had one.
    /// </summary>
    public async Task<PaymentSubscription?> SubscriptionForAsync(long membershipId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PaymentSubscriptions.AsNoTracking().Where(s => s.MembershipId == membershipId)
            .OrderBy(s => s.Status == "canceled" ? 1 : 0).ThenByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id)
            .FirstOrDefaultAsync(ct);
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
            if (!ApiIds.TryParse(id[PaymentSubscriptionResource.IdPrefix.Length..], out var subscriptionKey)) return null;
            var subscription = await db.PaymentSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionKey, ct);
            return subscription is null ? null
                : PaymentSubscriptionResource.Of(subscription, await urls.ApiUrlAsync(PaymentResource.Collection, PaymentSubscriptionResource.ApiId(subscription.Id), ct));
        }
        if (!ApiIds.TryParse(id, out var key)) return null;
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == key, ct);
        if (payment is null) return null;
        var paymentId = payment.Id.ToString(CultureInfo.InvariantCulture);
        return PaymentResource.Of(payment, await urls.ApiUrlAsync(PaymentResource.Collection, paymentId, ct),
            await urls.ApiUrlAsync(InvoiceResource.Collection, payment.InvoiceId.ToString(CultureInfo.InvariantCulture), ct));
    }

    private static async Task<IQueryable<Payment>> FilteredAsync(AppDbContext db, TransactionFilter filter, CancellationToken ct)
    {
        var payments = db.Payments.AsNoTracking();
        if (filter.From is not null || filter.To is not null)
        {
            var space = await SpaceClock.LoadAsync(db, ct);
            if (filter.From is { } from)
            {
                var start = space.StartOf(from);
                payments = payments.Where(p => p.CreatedAt >= start);
            }
            if (filter.To is { } to && to < DateOnly.MaxValue)
            {
                var end = space.StartOf(to.AddDays(1));
                payments = payments.Where(p => p.CreatedAt < end);
            }
        }
        if (filter.Status is { } status) payments = payments.Where(p => p.Status == status);
        if (filter.Provider is { } provider) payments = payments.Where(p => p.Provider == provider);
        if (filter.Member?.Trim() is { Length: > 0 } typed)
        {
            // Contains becomes instr() in SQLite: what was typed is matched as text, so % and _ are not wildcards.
            var text = typed.ToLowerInvariant();
            if (!InputRules.CanMatchStoredText(text)) return payments.Where(_ => false);
            payments = from p in payments
                       join i in db.Invoices on p.InvoiceId equals i.Id
                       where i.BillingName.ToLower().Contains(text)
                             || db.Memberships.Any(m => m.Id == i.MembershipId && m.Name.ToLower().Contains(text))
                       select p;
        }
        return payments;
    }

    private static IQueryable<PaymentRow> Rows(AppDbContext db, IQueryable<Payment> payments, bool newestFirst)
    {
        var ordered = newestFirst ? payments.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id) : payments.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id);
        return from p in ordered
               join i in db.Invoices on p.InvoiceId equals i.Id
               select new PaymentRow(p.Id, p.InvoiceId, i.FormattedNumber, i.BillingName, i.MembershipId,
                   db.Memberships.Where(m => m.Id == i.MembershipId).Select(m => m.Name).FirstOrDefault(),
                   p.Amount, p.RefundedAmount, p.Currency, p.Provider, p.ProviderReference, p.Status, p.FailureReason, p.CreatedAt, p.RecordedBy,
                   p.Refunds.OrderBy(r => r.RefundedAt).Select(r => new RefundRow(r.Amount, r.ProviderReference, r.RefundedAt, r.RecordedBy)).ToList(),
                   p.IsTest);
    }
}
