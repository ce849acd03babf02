using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Activity;

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

/// <summary>The activity log as the settings page reads it: newest first, searchable, filterable by kind, paged.</summary>
public sealed class ActivityLogReader(IDbContextFactory<AppDbContext> dbFactory)
{
    public Task<Page<ActivityEntry>> PageAsync(string? search, int skip, int take, CancellationToken ct = default) =>
        PageAsync(search, action: null, skip, take, ct);

    /// <param name="action">Only entries of this kind (its code, e.g. "webhook.created"); null or empty for all.</param>
    public async Task<Page<ActivityEntry>> PageAsync(string? search, string? action, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ActivityLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            var titled = ActivityKinds.CodesTitled(s); // managers search the words they read; developers may still type a code
            query = query.Where(a => a.Actor.Contains(s) || a.Action.Contains(s) || titled.Contains(a.Action) || a.Subject.Contains(s)
                || (a.Details != null && a.Details.Contains(s)));
        }
        if (!string.IsNullOrEmpty(action)) query = query.Where(a => a.Action == action);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new Page<ActivityEntry>(items, total);
    }

    /// <summary>The kinds that occur in the log, for the page's filter, by title: a short list, however long the log.</summary>
    public async Task<IReadOnlyList<(string Code, string Title)>> KindsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var codes = await db.ActivityLog.AsNoTracking().Select(a => a.Action).Distinct().ToListAsync(ct);
        return codes.Select(c => (c, ActivityKinds.Find(c)?.Title ?? c)).OrderBy(k => k.Item2, StringComparer.CurrentCultureIgnoreCase).ToList();
    }
}
