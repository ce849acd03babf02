using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace EasySpace.Core.Webhooks;

/// <summary>Daily: forgets finished deliveries, their attempts, events and stats older than <c>Webhooks:RetentionDays</c>.</summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(IDbContextFactory<AppDbContext> dbFactory, IOptionsMonitor<WebhookOptions> options, TimeProvider clock, ILogger<RetentionJob> log) : IJob
{
    public static readonly JobKey Key = new("retention", "webhooks");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await PurgeAsync(ct);

    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - TimeSpan.FromDays(options.CurrentValue.RetentionDays);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var deliveries = await DeliveryStore.PurgeAsync(db, cutoff, ct);
        // Date-driven sources only look a day around now, so old "already fired" marks can go too.
        await db.FiredEvents.Where(f => f.FiredAt < cutoff).ExecuteDeleteAsync(ct);
        if (deliveries > 0) log.LogInformation("Retention removed {Count} deliveries older than {Cutoff:u}", deliveries, cutoff);
        return deliveries;
    }
}
