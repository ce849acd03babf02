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
        await db.Database.OpenConnectionAsync();
        // Lost in a power cut, a batch would send its deliveries again, not lose them: no fsync of its own.
        await using var relaxed = await RelaxedCommit.BeginAsync(db.Database.GetDbConnection());
        await using var tx = await db.Database.BeginTransactionAsync();
        var ids = batch.Select(p => p.DeliveryId).ToList();
        // Untracked: the entities decide each delivery's next state, two statements write them all (WriteRowsAsync).
        var deliveries = new Dictionary<long, Delivery>();
        await foreach (var d in DeliveriesById(db, ids)) deliveries[d.Id] = d;
        var active = new Dictionary<long, bool>();
        await foreach (var e in EndpointsActive(db, deliveries.Values.Select(d => d.EndpointId).Distinct().ToList())) active[e.Id] = e.Active;
        // A failure that continues a run of failures is scheduled against the run's first attempt (RetrySchedule.Budget).
        var runStarts = new Dictionary<long, DateTimeOffset>();
        var failedIds = batch.Where(p => !p.Result.Succeeded).Select(p => p.DeliveryId).ToList();
        if (failedIds.Count > 0)
            await foreach (var start in RunStarts(db, failedIds)) runStarts[start.DeliveryId] = start.At;
        var stats = new Dictionary<(long EndpointId, DateTimeOffset Hour), WebhookStatsHour.Delta>();
        var attempts = new List<Attempt>(batch.Count);
        var deactivated = new List<(long EndpointId, string Reason, DateTimeOffset At)>();

        foreach (var (deliveryId, result, _) in batch)
        {
            // Deleted with its endpoint while the attempt was on its way: nothing is left to record.
            if (!deliveries.TryGetValue(deliveryId, out var delivery)) continue;
            attempts.Add(Attempt.Record(delivery.Id, delivery.EndpointId, delivery.AttemptCount + 1, result));
            var runStart = runStarts.TryGetValue(delivery.Id, out var first) ? first : result.At;
            if (Apply(delivery, active[delivery.EndpointId], result, runStart) is { } reason)
            {
                active[delivery.EndpointId] = false; // the rest of this batch sees it switched off
                deactivated.Add((delivery.EndpointId, reason, result.At));
            }
            if (delivery.IsTest) continue;
            var key = (delivery.EndpointId, WebhookStatsHour.HourOf(result.At));
            if (!stats.TryGetValue(key, out var delta)) stats[key] = delta = new WebhookStatsHour.Delta();
            delta.Add(result);
        }

        await WriteRowsAsync(db, attempts, deliveries.Values.ToList());
        // After the rows above: holding writes the status of every pending delivery of the endpoint, this batch's too.
        foreach (var (endpointId, reason, at) in deactivated) await DeactivateAsync(db, endpointId, reason, at);
        await db.SaveChangesAsync(); // the endpoints switched off and their activity entries
        if (stats.Count > 0) await WebhookStatsHour.AddAsync(db, stats);
        await tx.CommitAsync();
    }

    private sealed record EndpointActive(long Id, bool Active);

    // Run for every batch: compiled once, and the endpoints are read for their status only.
    private static readonly Func<AppDbContext, List<long>, IAsyncEnumerable<Delivery>> DeliveriesById = EF.CompileAsyncQuery(
        (AppDbContext db, List<long> ids) => db.Deliveries.AsNoTracking().Where(d => ids.Contains(d.Id)));

    private static readonly Func<AppDbContext, List<long>, IAsyncEnumerable<EndpointActive>> EndpointsActive = EF.CompileAsyncQuery(
        (AppDbContext db, List<long> ids) => db.Endpoints.Where(e => ids.Contains(e.Id)).Select(e => new EndpointActive(e.Id, e.Status == EndpointStatus.Active)));

    private sealed record RunStart(long DeliveryId, DateTimeOffset At);

    // The first attempt of each delivery's current run of failures (none when the attempt before this one succeeded).
    private static readonly Func<AppDbContext, List<long>, IAsyncEnumerable<RunStart>> RunStarts = EF.CompileAsyncQuery(
        (AppDbContext db, List<long> ids) => db.Deliveries.Where(d => ids.Contains(d.Id) && d.FailuresInRow > 0)
            .Join(db.Attempts, d => d.Id, a => a.DeliveryId, (d, a) => new { d, a })
            .Where(x => x.a.Number == x.d.AttemptCount - x.d.FailuresInRow + 1)
            .Select(x => new RunStart(x.d.Id, x.a.At)));

    /// <summary>The next state of the delivery; the reason when the endpoint has to be switched off.</summary>
    private string? Apply(Delivery delivery, bool endpointActive, AttemptResult result, DateTimeOffset runStart)
    {
        if (result.Succeeded)
        {
            delivery.RecordSuccess(result.StatusCode!.Value, result.At);
        }
        else if (delivery.IsTest)
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: null);
        }
        else if (result.IsGone && endpointActive)
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: null);
            return "The receiver answered 410 Gone: it asked not to be sent anything more.";
        }
        else if (!endpointActive)
        {
            // Switched off while this attempt was on its way: keep the delivery for when it is switched on again.
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: result.At);
            delivery.Hold();
        }
        else if (schedule.NextAttemptAt(delivery.FailuresInRow + 1, runStart, result.At, result.RetryAfter) is { } retryAt)
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt);
        }
        else
        {
            delivery.RecordFailure(result.StatusCode, result.Summary, result.At, retryAt: null);
            return $"Every retry failed ({delivery.AttemptCount} attempts over {FormatSpan(result.At - delivery.CreatedAt)}); the last one: {result.Summary}";
        }
        return null;
    }

    private const string InsertAttempts =
        "INSERT INTO Attempts (DeliveryId, EndpointId, Number, At, DurationMs, StatusCode, Error, ErrorMessage, RequestHeadersJson, ResponseHeadersJson, ResponseBody) VALUES ";

    private const string UpdateDeliveriesHead =
        "WITH v(Id, Status, AttemptCount, FailuresInRow, NextAttemptAt, LeaseUntil, LastAttemptAt, LastStatusCode, LastError, DeliveredAt) AS (VALUES ";

    private const string UpdateDeliveriesTail = """
        ) UPDATE Deliveries SET Status = v.Status, AttemptCount = v.AttemptCount, FailuresInRow = v.FailuresInRow,
            NextAttemptAt = v.NextAttemptAt, LeaseUntil = v.LeaseUntil, LastAttemptAt = v.LastAttemptAt,
            LastStatusCode = v.LastStatusCode, LastError = v.LastError, DeliveredAt = v.DeliveredAt
        FROM v WHERE Deliveries.Id = v.Id
        """;

    /// <summary>The attempts and the deliveries' new states: fixed shapes, a few statements per batch instead of two per attempt.</summary>
    private static async Task WriteRowsAsync(AppDbContext db, IReadOnlyList<Attempt> attempts, IReadOnlyList<Delivery> deliveries)
    {
        await RowWriter.WriteAsync(db, InsertAttempts, "", attempts, a =>
        [
            a.DeliveryId, a.EndpointId, a.Number, a.At, a.DurationMs, a.StatusCode, a.Error, a.ErrorMessage,
            a.RequestHeadersJson, a.ResponseHeadersJson, a.ResponseBody,
        ]);
        await RowWriter.WriteAsync(db, UpdateDeliveriesHead, UpdateDeliveriesTail, deliveries, d =>
        [
            d.Id, d.Status, d.AttemptCount, d.FailuresInRow, d.NextAttemptAt, d.LeaseUntil, d.LastAttemptAt,
            d.LastStatusCode, d.LastError, d.DeliveredAt,
        ]);
    }

    /// <summary>Switches the endpoint off, holds its undelivered deliveries (kept, not dropped) and says so in the activity log.</summary>
    private async Task DeactivateAsync(AppDbContext db, long endpointId, string reason, DateTimeOffset at)
    {
        var endpoint = await db.Endpoints.FindAsync(endpointId) ?? throw new InvalidOperationException($"Endpoint {endpointId} is gone.");
        endpoint.Deactivate(reason, at);
        var held = await db.Deliveries
            .Where(d => d.EndpointId == endpoint.Id && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Held));
        db.ActivityLog.Add(ActivityEntry.Record("system", ActivityKinds.WebhookDeactivated, endpoint.Name, at,
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
