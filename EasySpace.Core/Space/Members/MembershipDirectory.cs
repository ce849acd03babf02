using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Members;

/// <summary>What other features need to know about a membership: bookings and invoices refer to it by id and name.</summary>
public sealed record MembershipSummary(long Id, string Name, string Email);

/// <summary>One row of the members list.</summary>
public sealed record MemberListItem(long Id, string Name, string Email, string? Company, string PlanName, MembershipStatus Status);

/// <summary>One membership as its page shows it.</summary>
public sealed record MemberView(
    Membership Membership,
    Plan Plan,
    Plan? NextPlan,
    IReadOnlyList<string> CustomFieldNames,
    DateOnly Today,
    string? PictureDataUrl);

/// <summary>Reads memberships: for other features (<see cref="FindAsync"/>), the members pages and the API.</summary>
public sealed class MembershipDirectory(IDbContextFactory<AppDbContext> dbFactory, PublicUrls urls, TimeProvider clock)
{
    /// <summary>The membership's id, name and e-mail, or null when there is no such membership (any more).</summary>
    public async Task<MembershipSummary?> FindAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Memberships.AsNoTracking().Where(m => m.Id == id)
            .Select(m => new MembershipSummary(m.Id, m.Name, m.Email)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The membership a user is connected to (a member's own), or null.</summary>
    public async Task<MembershipSummary?> FindByUserAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Memberships.AsNoTracking().Where(m => m.UserId == userId)
            .Select(m => new MembershipSummary(m.Id, m.Name, m.Email)).FirstOrDefaultAsync(ct);
    }

    /// <summary>Up to <paramref name="take"/> memberships whose name, e-mail or company contains the text, by name: for pickers.</summary>
    public async Task<IReadOnlyList<MembershipSummary>> SearchAsync(string? text, int take = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Search(db.Memberships.AsNoTracking(), text).OrderBy(m => m.Name).ThenBy(m => m.Id).Take(Math.Clamp(take, 1, 200))
            .Select(m => new MembershipSummary(m.Id, m.Name, m.Email)).ToListAsync(ct);
    }

    /// <summary>The members list: searchable by name, e-mail or company, by name, paged.</summary>
    public async Task<Page<MemberListItem>> PageAsync(string? search, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Search(db.Memberships.AsNoTracking(), search);
        var total = await query.CountAsync(ct);
        var rows = await query.Join(db.Plans, m => m.PlanId, p => p.Id, (m, p) => new { Membership = m, PlanName = p.Name })
            .OrderBy(r => r.Membership.Name).ThenBy(r => r.Membership.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .ToListAsync(ct);
        return new Page<MemberListItem>(rows.Select(r => new MemberListItem(r.Membership.Id, r.Membership.Name, r.Membership.Email,
            r.Membership.Company, r.PlanName, r.Membership.Status)).ToList(), total);
    }

    public async Task<MemberView?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var m = await db.Memberships.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return m is null ? null : await ViewAsync(db, m, ct);
    }

    /// <summary>The membership of this user, for the member's own page.</summary>
    public async Task<MemberView?> GetByUserAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var m = await db.Memberships.AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        return m is null ? null : await ViewAsync(db, m, ct);
    }

    /// <summary>The API object and the user it belongs to (so the API can let a member read only their own).</summary>
    public async Task<(MembershipResource Resource, string UserId)?> GetResourceAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var m = await db.Memberships.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return m is null ? null : (await MembershipResources.BuildAsync(db, m, urls, ct), m.UserId);
    }

    /// <summary>The API's list, oldest first (ids only grow, so pages stay stable while members are added).</summary>
    public async Task<Page<MembershipResource>> ResourcesAsync(int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var total = await db.Memberships.CountAsync(ct);
        var items = await db.Memberships.AsNoTracking().OrderBy(m => m.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        var plans = await MembershipResources.PlansAsync(db, items.SelectMany(m => new[] { m.PlanId, m.NextPlanId ?? m.PlanId }), ct);
        var fields = await MembershipResources.FieldNamesAsync(db, ct);
        var baseUrl = await urls.BaseUrlAsync(ct);
        return new Page<MembershipResource>(items.Select(m => MembershipResources.Build(m, plans, fields, baseUrl)).ToList(), total);
    }

    /// <summary>The picture's bytes and type, and whose membership it is.</summary>
    public async Task<(byte[] Bytes, string ContentType, string UserId)?> PictureAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await (from p in db.MembershipPictures.AsNoTracking()
                         join m in db.Memberships on p.MembershipId equals m.Id
                         where p.MembershipId == id && m.HasPicture
                         select new { p.Bytes, p.ContentType, m.UserId }).FirstOrDefaultAsync(ct);
        return row is null ? null : (row.Bytes, row.ContentType, row.UserId);
    }

    /// <summary>Today in the space's calendar: the earliest day a form may choose.</summary>
    public async Task<DateOnly> TodayAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await SpaceClock.LoadAsync(db, ct)).Today(clock.GetUtcNow());
    }

    private async Task<MemberView> ViewAsync(AppDbContext db, Membership m, CancellationToken ct)
    {
        var plans = await MembershipResources.PlansAsync(db, [m.PlanId, m.NextPlanId ?? m.PlanId], ct);
        var fields = await MembershipResources.FieldNamesAsync(db, ct);
        string? picture = null;
        if (m.HasPicture && await db.MembershipPictures.AsNoTracking().FirstOrDefaultAsync(p => p.MembershipId == m.Id, ct) is { } p)
            picture = $"data:{p.ContentType};base64,{Convert.ToBase64String(p.Bytes)}";
        var today = (await SpaceClock.LoadAsync(db, ct)).Today(clock.GetUtcNow());
        return new MemberView(m, plans[m.PlanId], m.NextPlanId is { } next ? plans.GetValueOrDefault(next) : null, fields, today, picture);
    }

    private static IQueryable<Membership> Search(IQueryable<Membership> query, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return query;
        if (!InputRules.CanMatchStoredText(text)) return query.Where(_ => false);
        // Both sides lower-cased: LIKE ignores case on SQLite but not on PostgreSQL, where "ADA" missed "Ada". Contains
        // matches what was typed as text (instr on SQLite, strpos on PostgreSQL), so % and _ are not wildcards.
        var lowered = text.Trim().ToLowerInvariant();
        return query.Where(m => m.Name.ToLower().Contains(lowered) || m.Email.ToLower().Contains(lowered)
            || (m.Company != null && m.Company.ToLower().Contains(lowered)));
    }
}
