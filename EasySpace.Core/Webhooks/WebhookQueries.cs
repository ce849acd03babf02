using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Webhooks;

/// <summary>One row of the webhooks list.</summary>
public sealed record EndpointSummary(Endpoint Endpoint, int Succeeded24h, int Failed24h, DateTimeOffset? LastAttemptAt, int Held)
{
    public double? SuccessRate24h => Succeeded24h + Failed24h == 0 ? null : (double)Succeeded24h / (Succeeded24h + Failed24h);
}

/// <summary>What the stats tab shows for a window (24 h or 7 days), read from the hourly rollups.</summary>
public sealed record WindowStats(int Succeeded, int Failed, int? MedianMs, int? P95Ms, IReadOnlyList<(DateTimeOffset Hour, int Succeeded, int Failed)> PerHour,
    IReadOnlyList<(AttemptError Kind, int Count)> TopErrors)
{
    public int Total => Succeeded + Failed;
    public double? SuccessRate => Total == 0 ? null : (double)Succeeded / Total;
}

/// <param name="ExcludeTests">Leave out the deliveries "Test" made (what "Resend failed since…" counts, since it never resends them).</param>
/// <param name="MessageId">A <c>webhook-id</c> as a receiver reports it: the one delivery that carried it.</param>
public sealed record DeliveryFilter(string? EventName = null, DeliveryStatus? Status = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    bool ExcludeTests = false, string? MessageId = null);

/// <summary>The reads behind the webhooks pages: from the rollups and indexed, paged queries, so they stay fast with millions of rows.</summary>
public sealed class WebhookQueries(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<EndpointSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = WebhookStatsHour.HourOf(clock.GetUtcNow()).AddHours(-23);
        var endpoints = await db.Endpoints.AsNoTracking().OrderBy(e => e.Name).ThenBy(e => e.Id).ToListAsync(ct);
        var stats = await db.WebhookStats.AsNoTracking().Where(s => s.HourStart >= since)
            .GroupBy(s => s.EndpointId).Select(g => new { g.Key, Ok = g.Sum(s => s.Succeeded), Failed = g.Sum(s => s.Failed) })
            .ToDictionaryAsync(x => x.Key, ct);
        var held = await db.Deliveries.Where(d => d.Status == DeliveryStatus.Held).GroupBy(d => d.EndpointId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var summaries = new List<EndpointSummary>();
        foreach (var e in endpoints)
        {
            // The newest attempt of one endpoint: an index seek, not a scan.
            var last = await db.Attempts.Where(a => a.EndpointId == e.Id).OrderByDescending(a => a.Id).Select(a => (DateTimeOffset?)a.At).FirstOrDefaultAsync(ct);
            stats.TryGetValue(e.Id, out var s);
            summaries.Add(new EndpointSummary(e, s?.Ok ?? 0, s?.Failed ?? 0, last, held.GetValueOrDefault(e.Id)));
        }
        return summaries;
    }

    public async Task<WindowStats> StatsAsync(long endpointId, TimeSpan window, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var since = WebhookStatsHour.HourOf(now) - window + TimeSpan.FromHours(1);
        var hours = await db.WebhookStats.AsNoTracking().Where(s => s.EndpointId == endpointId && s.HourStart >= since).OrderBy(s => s.HourStart).ToListAsync(ct);
        var buckets = new int[WebhookStatsHour.BucketBoundsMs.Length + 1];
        var errors = new Dictionary<AttemptError, int>();
        foreach (var h in hours)
        {
            var b = h.LatencyBuckets;
            for (var i = 0; i < buckets.Length; i++) buckets[i] += b[i];
            foreach (var (kind, count) in h.ErrorCounts) errors[kind] = errors.GetValueOrDefault(kind) + count;
        }
        var byHour = hours.ToDictionary(h => h.HourStart);
        var series = Enumerable.Range(0, (int)window.TotalHours).Select(i => since.AddHours(i))
            .Select(hour => byHour.TryGetValue(hour, out var h) ? (hour, h.Succeeded, h.Failed) : (hour, 0, 0)).ToList();
        return new WindowStats(hours.Sum(h => h.Succeeded), hours.Sum(h => h.Failed), Percentile(buckets, 0.5), Percentile(buckets, 0.95), series,
            errors.Where(e => e.Value > 0).OrderByDescending(e => e.Value).Select(e => (e.Key, e.Value)).ToList());
    }

    public async Task<Page<Delivery>> DeliveriesAsync(long endpointId, DeliveryFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Deliveries.AsNoTracking().Where(d => d.EndpointId == endpointId);
        if (!string.IsNullOrEmpty(filter.EventName)) q = q.Where(d => d.EventName == filter.EventName);
        if (filter.Status is { } status) q = q.Where(d => d.Status == status);
        if (filter.From is { } from) q = q.Where(d => d.CreatedAt >= from);
        if (filter.To is { } to) q = q.Where(d => d.CreatedAt < to);
        if (filter.ExcludeTests) q = q.Where(d => !d.IsTest);
        if (!string.IsNullOrWhiteSpace(filter.MessageId)) q = q.Where(d => d.MessageId == filter.MessageId.Trim());
        // Counting is capped: "10,000+" is as useful to a manager as the exact figure, and stays fast.
        var total = await q.Take(10_001).CountAsync(ct);
        var items = await q.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new Page<Delivery>(items, total);
    }

    public async Task<IReadOnlyList<Attempt>> AttemptsAsync(long deliveryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Attempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.Number).ToListAsync(ct);
    }

    /// <summary>The latency at which <paramref name="share"/> of attempts were faster: the bucket's upper bound.</summary>
    private static int? Percentile(int[] buckets, double share)
    {
        var total = buckets.Sum();
        if (total == 0) return null;
        var target = (int)Math.Ceiling(total * share);
        var seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            seen += buckets[i];
            if (seen >= target) return i < WebhookStatsHour.BucketBoundsMs.Length ? WebhookStatsHour.BucketBoundsMs[i] : WebhookStatsHour.BucketBoundsMs[^1];
        }
        return null;
    }
}
