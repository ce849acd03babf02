using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Activity;

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

/// <summary>The activity log as the settings page reads it: newest first, searchable, paged.</summary>
public sealed class ActivityLogReader(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<Page<ActivityEntry>> PageAsync(string? search, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ActivityLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            query = query.Where(a => a.Actor.Contains(s) || a.Action.Contains(s) || a.Subject.Contains(s));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new Page<ActivityEntry>(items, total);
    }
}
