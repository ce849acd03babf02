using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Activity;

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

/// <summary>The activity log as the settings page reads it: newest first, searchable, filterable by action, paged.</summary>
public sealed class ActivityLogReader(IDbContextFactory<AppDbContext> dbFactory)
{
    public Task<Page<ActivityEntry>> PageAsync(string? search, int skip, int take, CancellationToken ct = default) =>
        PageAsync(search, action: null, skip, take, ct);

    /// <param name="action">Only entries with exactly this action (e.g. "webhook.created"); null or empty for all.</param>
    public async Task<Page<ActivityEntry>> PageAsync(string? search, string? action, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ActivityLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            query = query.Where(a => a.Actor.Contains(s) || a.Action.Contains(s) || a.Subject.Contains(s));
        }
        if (!string.IsNullOrEmpty(action)) query = query.Where(a => a.Action == action);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new Page<ActivityEntry>(items, total);
    }

    /// <summary>The actions that occur in the log, for the page's filter: a short list of verbs, however long the log.</summary>
    public async Task<IReadOnlyList<string>> ActionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ActivityLog.AsNoTracking().Select(a => a.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
    }
}
