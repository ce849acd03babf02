using System.Globalization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Invoices;

/// <summary>One row of the invoices list.</summary>
public sealed record InvoiceSummary(long Id, string FormattedNumber, string BillingName, string? BillingCompany, long? MembershipId, DateOnly IssuedOn,
    DateOnly DueDate, decimal Total, string Currency, InvoiceStatus Status, bool AwaitsEInvoice);

/// <summary>Reads invoices for the pages and the API.</summary>
public sealed class InvoiceReader(IDbContextFactory<AppDbContext> dbFactory, PublicUrls urls)
{
    /// <summary>The API's names for the list filter, in the order the page shows them.</summary>
    public static readonly IReadOnlyDictionary<string, InvoiceStatus> StatusNames = new Dictionary<string, InvoiceStatus>
    {
        ["draft"] = InvoiceStatus.Draft,
        ["sent"] = InvoiceStatus.Sent,
        ["paid"] = InvoiceStatus.Paid,
        ["written_off"] = InvoiceStatus.WrittenOff,
    };

    /// <summary>The space's currency and calendar, for forms.</summary>
    public async Task<SpaceLocale> SpaceAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await SpaceLocale.LoadAsync(db, ct);
    }

    public async Task<Invoice?> FindAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
    }

    /// <summary>Newest first, optionally of one status.</summary>
    public async Task<Page<InvoiceSummary>> PageAsync(InvoiceStatus? status, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filter(db, status);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(i => i.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .Select(i => new InvoiceSummary(i.Id, i.FormattedNumber, i.BillingName, i.BillingCompany, i.MembershipId, i.IssuedOn, i.DueDate, i.Total,
                i.Currency, i.Status, i.EInvoiceRequestedAt != null && i.EInvoiceFileName == null && i.SentAt == null))
            .ToListAsync(ct);
        return new Page<InvoiceSummary>(rows, total);
    }

    /// <summary><c>GET /api/invoices/{id}</c>: null for an unknown or malformed id.</summary>
    public async Task<InvoiceResource?> ResourceAsync(string id, CancellationToken ct = default)
    {
        if (!ApiIds.TryParse(id, out var key) || await FindAsync(key, ct) is not { } invoice) return null;
        return InvoiceResource.Of(invoice, await urls.ApiUrlAsync(InvoiceResource.Collection, invoice.Id.ToString(CultureInfo.InvariantCulture), ct));
    }

    /// <summary><c>GET /api/invoices</c>: one page of full objects, newest first, and how many there are in all.</summary>
    public async Task<Page<InvoiceResource>> ResourcesAsync(InvoiceStatus? status, int page, int perPage, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filter(db, status);
        var total = await query.CountAsync(ct);
        var invoices = await query.OrderByDescending(i => i.Id).Skip((page - 1) * perPage).Take(perPage).ToListAsync(ct);
        var resources = new List<InvoiceResource>(invoices.Count);
        foreach (var invoice in invoices)
            resources.Add(InvoiceResource.Of(invoice, await urls.ApiUrlAsync(InvoiceResource.Collection, invoice.Id.ToString(CultureInfo.InvariantCulture), ct)));
        return new Page<InvoiceResource>(resources, total);
    }

    /// <summary>The attached e-invoice: its name, type and bytes; null when there is none.</summary>
    public async Task<(string FileName, string ContentType, byte[] Content)?> EInvoiceAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var file = await (from i in db.Invoices.AsNoTracking()
                          join f in db.EInvoiceFiles.AsNoTracking() on i.Id equals f.InvoiceId
                          where i.Id == id && i.EInvoiceFileName != null
                          select new { i.EInvoiceFileName, i.EInvoiceContentType, f.Content }).FirstOrDefaultAsync(ct);
        return file is null ? null : (file.EInvoiceFileName!, file.EInvoiceContentType!, file.Content);
    }

    /// <summary>The member's own invoices, newest first (see <see cref="MemberOwn"/> for which).</summary>
    public async Task<IReadOnlyList<InvoiceSummary>> ForMemberAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await MemberOwn(db, userId).OrderByDescending(i => i.Id)
            .Select(i => new InvoiceSummary(i.Id, i.FormattedNumber, i.BillingName, i.BillingCompany, i.MembershipId, i.IssuedOn, i.DueDate, i.Total,
                i.Currency, i.Status, false))
            .ToListAsync(ct);
    }

    /// <summary>One of the member's own invoices; null for an unknown id and for anyone else's, which the member cannot tell apart.</summary>
    public async Task<Invoice?> FindForMemberAsync(string userId, long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await MemberOwn(db, userId).FirstOrDefaultAsync(i => i.Id == id, ct);
    }

    /// <summary>
    /// The invoices a member may see, of the membership their account holds: those the space sent, and drafts that the
    /// member's own checkout made (a booking's, a day pass's) or that have money recorded on them. A draft an admin is
    /// still writing stays with the admins.
    /// </summary>
    internal static IQueryable<Invoice> MemberOwn(AppDbContext db, string userId) =>
        db.Invoices.AsNoTracking().Where(i => userId != ""
            && db.Memberships.Any(m => m.Id == i.MembershipId && m.UserId == userId)
            && (i.Status != InvoiceStatus.Draft || db.PaymentAttempts.Any(a => a.InvoiceId == i.Id) || db.Payments.Any(p => p.InvoiceId == i.Id)));

    private static IQueryable<Invoice> Filter(AppDbContext db, InvoiceStatus? status)
    {
        var query = db.Invoices.AsNoTracking();
        return status is { } s ? query.Where(i => i.Status == s) : query;
    }
}
