using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Webhooks;

/// <summary>One row of the webhooks list.</summary>
public sealed record EndpointSummary(Endpoint Endpoint, int Succeeded24h, int Failed24h, DateTimeOffset? LastAttemptAt, int Held, WebhookHealth Health)
{
    public double? SuccessRate24h => Succeeded24h + Failed24h == 0 ? null : (double)Succeeded24h / (Succeeded24h + Failed24h);
}

/// <summary>
/// Whether a webhook is failing: it is active and its last <see cref="RecentAttempts"/> attempts all failed (the receiver
/// is down, refuses us or answers errors), however few deliveries that took. One success clears it. The one definition:
/// the webhooks list, the webhook's page, the Integrations overview and the dashboard read it from here.
/// </summary>
/// <param name="LatestError">The newest failed attempt's answer ("HTTP 500", "Connection refused"), when one of the recent attempts failed.</param>
public sealed record WebhookHealth(bool Failing, string? LatestError, DateTimeOffset? LatestErrorAt)
{
    public const int RecentAttempts = 5;

    public static readonly WebhookHealth Unknown = new(false, null, null);

    /// <param name="newestFirst">The endpoint's newest attempts, at most <see cref="RecentAttempts"/>.</param>
    internal static WebhookHealth Of(Endpoint endpoint, IReadOnlyList<Attempt> newestFirst)
    {
        var failed = newestFirst.FirstOrDefault(a => !a.Succeeded);
        var failing = endpoint.IsActive && newestFirst.Count >= RecentAttempts && newestFirst.All(a => !a.Succeeded);
        return new WebhookHealth(failing, failed?.Summary, failed?.At);
    }
}

/// <summary>A row of a delivery log: the delivery, what its event was about ("" for events raised before labels existed) and its webhook's name.</summary>
public sealed record LoggedDelivery(Delivery Delivery, string About, string Webhook);

/// <summary>What the stats tab shows for a window (24 h or 7 days), read from the hourly rollups.</summary>
public sealed record WindowStats(int Succeeded, int Failed, int? MedianMs, int? P95Ms, IReadOnlyList<(DateTimeOffset Hour, int Succeeded, int Failed)> PerHour,
    IReadOnlyList<(AttemptError Kind, int Count)> TopErrors)
{
    public int Total => Succeeded + Failed;
    public double? SuccessRate => Total == 0 ? null : (double)Succeeded / Total;
}

/// <param name="ExcludeTests">Leave out the deliveries "Test" made (what "Resend failed since…" counts, since it never resends them).</param>
/// <param name="MessageId">A <c>webhook-id</c> as a receiver reports it: the deliveries of the event that carried it.</param>
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
            var recent = await RecentAttemptsAsync(db, e.Id, ct);
            stats.TryGetValue(e.Id, out var s);
            summaries.Add(new EndpointSummary(e, s?.Ok ?? 0, s?.Failed ?? 0, recent.FirstOrDefault()?.At, held.GetValueOrDefault(e.Id), WebhookHealth.Of(e, recent)));
        }
        return summaries;
    }

    /// <summary>Whether one webhook is failing, for its page.</summary>
    public async Task<WebhookHealth> HealthAsync(Endpoint endpoint, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return WebhookHealth.Of(endpoint, await RecentAttemptsAsync(db, endpoint.Id, ct));
    }

    // The newest attempts of one endpoint: an index seek, not a scan.
    private static Task<List<Attempt>> RecentAttemptsAsync(AppDbContext db, long endpointId, CancellationToken ct) =>
        db.Attempts.AsNoTracking().Where(a => a.EndpointId == endpointId).OrderByDescending(a => a.Id).Take(WebhookHealth.RecentAttempts).ToListAsync(ct);

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

    /// <param name="endpointId">One webhook's log; null for the log across all webhooks (Integrations > Deliveries).</param>
    public async Task<Page<LoggedDelivery>> DeliveriesAsync(long? endpointId, DeliveryFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Deliveries.AsNoTracking();
        if (endpointId is { } id) q = q.Where(d => d.EndpointId == id);
        if (!string.IsNullOrEmpty(filter.EventName)) q = q.Where(d => d.EventName == filter.EventName);
        if (filter.Status is { } status) q = q.Where(d => d.Status == status);
        if (filter.From is { } from) q = q.Where(d => d.CreatedAt >= from);
        if (filter.To is { } to) q = q.Where(d => d.CreatedAt < to);
        if (filter.ExcludeTests) q = q.Where(d => !d.IsTest);
        if (!string.IsNullOrWhiteSpace(filter.MessageId))
            q = InputRules.CanMatchStoredText(filter.MessageId) ? q.Where(d => d.Event!.MessageId == filter.MessageId.Trim()) : q.Where(_ => false);
        // Newest first along the CreatedAt indexes; the count takes the same order, so its cap cuts the rows the pages show.
        var ordered = q.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id);
        // Counting is capped: "10,000+" is as useful to a manager as the exact figure, and stays fast.
        var total = await ordered.Take(10_001).CountAsync(ct);
        var rows = await ordered.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .Include(d => d.Event).ToListAsync(ct);
        var endpointIds = rows.Select(d => d.EndpointId).Distinct().ToList();
        var names = await db.Endpoints.Where(e => endpointIds.Contains(e.Id)).Select(e => new { e.Id, e.Name }).ToDictionaryAsync(e => e.Id, e => e.Name, ct);
        return new Page<LoggedDelivery>(rows.Select(d => new LoggedDelivery(d, d.Event!.About, names.GetValueOrDefault(d.EndpointId, ""))).ToList(), total);
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
