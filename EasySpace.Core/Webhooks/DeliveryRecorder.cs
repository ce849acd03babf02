using System.Threading.Channels;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// Writes what attempts did: the attempt, the delivery's next state, the hour's stats, and the endpoint's fate.
/// One writer records every attempt that finished while the previous batch was being written in a single
/// transaction: SQLite takes one write at a time, and a transaction per attempt made the engine queue on its own lock.
/// </summary>
public sealed class DeliveryRecorder : IAsyncDisposable, IDisposable
{
    private const int MaxBatch = 256;

    private readonly IDbContextFactory<AppDbContext> dbFactory;
    private readonly RetrySchedule schedule;
    private readonly ILogger<DeliveryRecorder> log;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writer;

    private sealed record Pending(long DeliveryId, AttemptResult Result, TaskCompletionSource Done);

    public DeliveryRecorder(IDbContextFactory<AppDbContext> dbFactory, RetrySchedule schedule, ILogger<DeliveryRecorder> log)
    {
        this.dbFactory = dbFactory;
        this.schedule = schedule;
        this.log = log;
        writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Completes when the attempt is committed, or fails with the reason it could not be.</summary>
    public Task RecordAsync(long deliveryId, AttemptResult result, CancellationToken ct)
    {
        var pending = new Pending(deliveryId, result, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(DeliveryRecorder));
        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var next)) batch.Add(next);
            try
            {
                await WriteAsync(batch);
                foreach (var p in batch) p.Done.TrySetResult();
            }
            catch (Exception) when (batch.Count > 1)
            {
                // One attempt's trouble must not cost the others theirs: write them one at a time.
                foreach (var p in batch)
                {
                    try
                    {
                        await WriteAsync([p]);
                        p.Done.TrySetResult();
                    }
                    catch (Exception e)
                    {
                        p.Done.TrySetException(e);
                    }
                }
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
            batch.Clear();
        }
    }

    private async Task WriteAsync(IReadOnlyList<Pending> batch)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var ids = batch.Select(p => p.DeliveryId).ToList();
        var deliveries = await db.Deliveries.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id);
        var endpointIds = deliveries.Values.Select(d => d.EndpointId).Distinct().ToList();
        var endpoints = await db.Endpoints.Where(e => endpointIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id);
        var stats = new Dictionary<(long EndpointId, DateTimeOffset Hour), WebhookStatsHour.Delta>();

        foreach (var (deliveryId, result, _) in batch)
        {
            // Deleted with its endpoint while the attempt was on its way: nothing is left to record.
            if (!deliveries.TryGetValue(deliveryId, out var delivery)) continue;
            var endpoint = endpoints[delivery.EndpointId];
            await ApplyAsync(db, delivery, endpoint, result);
            if (delivery.IsTest) continue;
            var key = (endpoint.Id, WebhookStatsHour.HourOf(result.At));
            if (!stats.TryGetValue(key, out var delta)) stats[key] = delta = new WebhookStatsHour.Delta();
            delta.Add(result);
        }

        await db.SaveChangesAsync();
        foreach (var ((endpointId, hour), delta) in stats)
            await WebhookStatsHour.AddAsync(db, endpointId, hour, delta);
        await tx.CommitAsync();
    }

    private async Task ApplyAsync(AppDbContext db, Delivery delivery, Endpoint endpoint, AttemptResult result)
    {
        db.Attempts.Add(Attempt.Record(delivery.Id, endpoint.Id, delivery.AttemptCount + 1, result));

        if (result.Succeeded)
        {
            delivery.RecordSuccess(result.StatusCode!.Value, result.At);
        }
        else if (delivery.IsTest)
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: null);
        }
        else if (result.IsGone && endpoint.IsActive)
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: null);
            await DeactivateAsync(db, endpoint, "The receiver answered 410 Gone: it asked not to be sent anything more.", result.At);
        }
        else if (!endpoint.IsActive)
        {
            // Switched off while this attempt was on its way: keep the delivery for when it is switched on again.
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: result.At);
            delivery.Hold();
        }
        else if (schedule.NextAttemptAt(delivery.FailuresInRow + 1, result.At, result.RetryAfter) is { } retryAt)
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt);
        }
        else
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: null);
            await DeactivateAsync(db, endpoint,
                $"Every retry failed ({delivery.AttemptCount} attempts over {FormatSpan(result.At - delivery.CreatedAt)}); the last one: {result.Summary}", result.At);
        }
    }

    /// <summary>Switches the endpoint off and holds its other undelivered deliveries: they are kept, not dropped.</summary>
    private async Task DeactivateAsync(AppDbContext db, Endpoint endpoint, string reason, DateTimeOffset at)
    {
        endpoint.Deactivate(reason, at);
        // Straight to the database, in this transaction; deliveries of this batch still pending are held by the caller.
        var held = await db.Deliveries
            .Where(d => d.EndpointId == endpoint.Id && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Held));
        db.ActivityLog.Add(ActivityEntry.Record("system", "webhook.deactivated", endpoint.Name, at,
            $"{reason} {held} undelivered deliveries are held."));
        log.LogWarning("Webhook {EndpointId} deactivated: {Reason}; {Held} deliveries held", endpoint.Id, reason, held);
    }

    private static string FormatSpan(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{(int)span.TotalMinutes} min";

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
    }

    // A container disposed synchronously must not throw; what is queued is still written before the loop ends.
    public void Dispose() => queue.Writer.TryComplete();
}
