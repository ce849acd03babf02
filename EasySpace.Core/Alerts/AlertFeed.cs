using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Alerts;

/// <summary>An incident as one person sees it: unread until they read it after its last change.</summary>
public sealed record AlertItem(Incident Incident, bool Unread);

/// <summary>
/// What the bell and the alerts page read and do: the alerts with each person's read marks, and each admin's own
/// choice of alert e-mails. <see cref="Changed"/> tells open bells to look again.
/// </summary>
public sealed class AlertFeed(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The alerts page, where every alert links when there is no better place (storage).</summary>
    public const string PageLink = "settings/integrations/alerts";

    /// <summary>How many alerts the bell lists.</summary>
    public const int BellSize = 10;

    /// <summary>An incident opened or recovered, or someone read one: open bells count again.</summary>
    public event Action? Changed;

    internal void Announce() => Changed?.Invoke();

    public async Task<int> UnreadCountAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Unread(db, userId).CountAsync(ct);
    }

    /// <summary>The newest alerts first (open and past), each marked unread or not for <paramref name="userId"/>.</summary>
    public async Task<IReadOnlyList<AlertItem>> LatestAsync(string userId, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Incidents.AsNoTracking().OrderByDescending(i => i.ChangedAt).ThenByDescending(i => i.Id).Take(take)
            .Select(i => new { Incident = i, Read = db.AlertReads.Any(r => r.IncidentId == i.Id && r.UserId == userId && r.ReadAt >= i.ChangedAt) })
            .ToListAsync(ct);
        return rows.Select(r => new AlertItem(r.Incident, !r.Read)).ToList();
    }

    /// <summary>The alerts page: every open alert, then the newest ended ones.</summary>
    public async Task<(IReadOnlyList<Incident> Open, IReadOnlyList<Incident> Past)> OverviewAsync(int pastTake, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = await db.Incidents.AsNoTracking().Where(i => i.EndedAt == null).OrderByDescending(i => i.OpenedAt).ToListAsync(ct);
        var past = await db.Incidents.AsNoTracking().Where(i => i.EndedAt != null).OrderByDescending(i => i.EndedAt).Take(pastTake).ToListAsync(ct);
        return (open, past);
    }

    /// <summary>Marks one alert read for one person, as it stands now (it is unread again when it recovers).</summary>
    public async Task MarkReadAsync(string userId, long incidentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Incidents.AnyAsync(i => i.Id == incidentId, ct)) return;
        await MarkAsync(db, userId, [incidentId], ct);
    }

    public async Task MarkAllReadAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await MarkAsync(db, userId, await Unread(db, userId).Select(i => i.Id).ToListAsync(ct), ct);
    }

    public async Task<bool> WantsEmailAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AlertSubscribers.AnyAsync(s => s.UserId == userId, ct);
    }

    /// <summary>An admin's own choice: alert e-mails on or off (the owner gets them either way).</summary>
    public async Task SetWantsEmailAsync(string userId, bool wants, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.AlertSubscribers.FindAsync([userId], ct);
        if (wants && row is null) db.AlertSubscribers.Add(AlertSubscriber.Of(userId, clock.GetUtcNow()));
        if (!wants && row is not null) db.AlertSubscribers.Remove(row);
        await db.SaveChangesAsync(ct);
    }

    private static IQueryable<Incident> Unread(AppDbContext db, string userId) =>
        db.Incidents.Where(i => !db.AlertReads.Any(r => r.IncidentId == i.Id && r.UserId == userId && r.ReadAt >= i.ChangedAt));

    private async Task MarkAsync(AppDbContext db, string userId, IReadOnlyCollection<long> incidentIds, CancellationToken ct)
    {
        if (incidentIds.Count == 0) return;
        var now = clock.GetUtcNow();
        var existing = await db.AlertReads.Where(r => r.UserId == userId && incidentIds.Contains(r.IncidentId)).ToDictionaryAsync(r => r.IncidentId, ct);
        foreach (var id in incidentIds)
        {
            if (existing.TryGetValue(id, out var read)) read.Again(now);
            else db.AlertReads.Add(AlertRead.Of(id, userId, now));
        }
        await db.SaveChangesAsync(ct);
        Announce();
    }
}
