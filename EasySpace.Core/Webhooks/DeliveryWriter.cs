using System.Diagnostics;
using System.Threading.Channels;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// The engine's one writer per node. SQLite takes one write at a time: claims, recorded attempts and fan-out taking turns at
/// the lock made the engine queue on itself. So everything the engine writes goes through this loop (on PostgreSQL too,
/// where it keeps a node to one connection and few commits), and each round is one
/// transaction: when the pump asks for work, the fan-out of waiting events and the claim, in a round ahead of the rest;
/// then the attempts that finished since the last round (their rows, the deliveries' next states, the hour's stats, an
/// endpoint switched off).
/// A round that fails is retried part by part, so one attempt's trouble never costs the others theirs.
/// </summary>
public sealed class DeliveryWriter : IAsyncDisposable, IDisposable
{
    private const int MaxRecords = 256;
    // On SQLite, while the pump has more attempts under way, a record round waits for this many (or a claim, or the
    // time below): a round's commit writes about 25 pages whatever its size (each endpoint's index pages, the stats),
    // so rounds of 23 attempts wrote 1.15 WAL pages an attempt and rounds of 128, 0.36 (docs/performance.md, session 19).
    private const int GatherRecords = 128;
    private static readonly TimeSpan GatherAtMost = TimeSpan.FromMilliseconds(5);

    private readonly IDbContextFactory<AppDbContext> dbFactory;
    private readonly DeliveryStore store;
    private readonly RetrySchedule schedule;
    private readonly TimeProvider clock;
    private readonly ILogger<DeliveryWriter> log;
    private readonly EngineTimes times;
    private readonly Channel<Work> queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writer;

    private abstract record Work;

    private sealed record Record(long DeliveryId, AttemptResult Result, bool MoreComing, TaskCompletionSource Done) : Work;

    private sealed record Claim(ClaimRequest Request, TaskCompletionSource<List<ClaimedDelivery>> Done, long Queued) : Work;

    private sealed record Release(List<long> DeliveryIds, TaskCompletionSource Done) : Work;

    public DeliveryWriter(IDbContextFactory<AppDbContext> dbFactory, DeliveryStore store, RetrySchedule schedule, TimeProvider clock, EngineTimes times, ILogger<DeliveryWriter> log)
    {
        this.times = times;
        this.dbFactory = dbFactory;
        this.store = store;
        this.schedule = schedule;
        this.clock = clock;
        this.log = log;
        writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Completes when the attempt is committed, or fails with the reason it could not be.</summary>
    /// <param name="moreComing">Other attempts are under way and will be recorded soon: this one may wait a few ms to share their round.</param>
    public Task RecordAsync(long deliveryId, AttemptResult result, bool moreComing, CancellationToken ct)
    {
        var work = new Record(deliveryId, result, moreComing, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(work)) throw new ObjectDisposedException(nameof(DeliveryWriter));
        return work.Done.Task.WaitAsync(ct);
    }

    /// <summary>Fans out waiting events, then leases due deliveries as <paramref name="request"/> allows, in the next round.</summary>
    public Task<List<ClaimedDelivery>> ClaimAsync(ClaimRequest request, CancellationToken ct)
    {
        // The pump goes on on the writer's thread: a hop through the thread pool's queue, behind a hundred socket
        // completions, left the pump's slots empty for milliseconds (docs/performance.md, session 15).
        var work = new Claim(request, new TaskCompletionSource<List<ClaimedDelivery>>(), Stopwatch.GetTimestamp());
        if (!queue.Writer.TryWrite(work)) throw new ObjectDisposedException(nameof(DeliveryWriter));
        return work.Done.Task.WaitAsync(ct);
    }

    /// <summary>Gives up this node's leases of deliveries it claimed and never sent, so they are due at once (a stop).</summary>
    public Task ReleaseAsync(List<long> deliveryIds, CancellationToken ct)
    {
        var work = new Release(deliveryIds, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(work)) throw new ObjectDisposedException(nameof(DeliveryWriter));
        return work.Done.Task.WaitAsync(ct);
    }

    private async Task WriteLoopAsync()
    {
        var records = new List<Record>(MaxRecords);
        var claims = new List<Claim>();
        var releases = new List<Release>();
        while (await queue.Reader.WaitToReadAsync())
        {
            Take(records, claims, releases);
            if (!store.SeveralNodes && claims.Count == 0 && records.Count is > 0 and < GatherRecords && records[^1].MoreComing)
            {
                var waited = Stopwatch.GetTimestamp();
                await GatherAsync(records, claims, releases);
                times.Gathering += Stopwatch.GetTimestamp() - waited;
            }
            // A claim goes first, in a round of its own: the pump's slots run dry while it waits, and recording the
            // attempts ahead of it (a few milliseconds) cost the drain a third of its slots (docs/performance.md, session 15).
            var start = Stopwatch.GetTimestamp();
            var cpu = times.ThreadCpuNs();
            if (claims.Count > 0)
            {
                foreach (var c in claims) times.ClaimQueued += start - c.Queued;
                await RunAsync([], claims);
                times.ClaimRounds++;
                times.ClaimRoundTicks += Stopwatch.GetTimestamp() - start;
                times.ClaimRoundCpuNs += times.ThreadCpuNs() - cpu; // on SQLite the round ends on this thread: its calls are synchronous
                start = Stopwatch.GetTimestamp();
                cpu = times.ThreadCpuNs();
            }
            if (records.Count > 0)
            {
                await RunAsync(records, []);
                times.RecordRounds++;
                times.Recorded += records.Count;
                times.RecordRoundTicks += Stopwatch.GetTimestamp() - start;
                times.RecordRoundCpuNs += times.ThreadCpuNs() - cpu;
            }
            // Once a stop, after the records of the attempts that ended: a round of its own.
            foreach (var r in releases) await AloneAsync(r.Done, () => ReleaseRoundAsync(r.DeliveryIds));
            records.Clear();
            claims.Clear();
            releases.Clear();
        }
    }

    private void Take(List<Record> records, List<Claim> claims, List<Release> releases)
    {
        while (records.Count < MaxRecords && queue.Reader.TryRead(out var next))
        {
            switch (next)
            {
                case Record r: records.Add(r); break;
                case Claim c: claims.Add(c); break;
                case Release r: releases.Add(r); break;
            }
        }
    }

    // Until enough attempts wait, a claim comes (it goes first), the pump has none under way, or the time is up.
    // PostgreSQL records at once: there a node's claim counts its leases in the database, which recording clears.
    private async Task GatherAsync(List<Record> records, List<Claim> claims, List<Release> releases)
    {
        using var timeUp = new CancellationTokenSource(GatherAtMost);
        try
        {
            while (claims.Count == 0 && releases.Count == 0 && records.Count < GatherRecords && records[^1].MoreComing && await queue.Reader.WaitToReadAsync(timeUp.Token))
                Take(records, claims, releases);
        }
        catch (OperationCanceledException)
        {
            // time is up: record what has come
        }
    }

    private async Task RunAsync(IReadOnlyList<Record> records, IReadOnlyList<Claim> claims)
    {
        try
        {
            var claimed = await RoundAsync(records, claims);
            foreach (var r in records) r.Done.TrySetResult();
            var handedOver = Stopwatch.GetTimestamp();
            for (var i = 0; i < claims.Count; i++) claims[i].Done.TrySetResult(claimed[i]); // the pump goes on here, on this thread
            times.ClaimPumpTicks += Stopwatch.GetTimestamp() - handedOver;
        }
        catch (Exception) when (records.Count + claims.Count > 1)
        {
            // One part's trouble must not cost the others theirs: each again, in a round of its own.
            foreach (var r in records) await AloneAsync(r.Done, () => RoundAsync([r], []));
            foreach (var c in claims) await AloneAsync(c.Done, async () => (await RoundAsync([], [c]))[0]);
        }
        catch (Exception e)
        {
            foreach (var r in records) r.Done.TrySetException(e);
            foreach (var c in claims) c.Done.TrySetException(e);
        }
    }

    private static async Task AloneAsync(TaskCompletionSource done, Func<Task> round)
    {
        try
        {
            await round();
            done.TrySetResult();
        }
        catch (Exception e)
        {
            done.TrySetException(e);
        }
    }

    private static async Task AloneAsync<T>(TaskCompletionSource<T> done, Func<Task<T>> round)
    {
        try
        {
            done.TrySetResult(await round());
        }
        catch (Exception e)
        {
            done.TrySetException(e);
        }
    }

    /// <summary>One transaction: the records, then for each claim the fan-out and the claim. Returns each claim's deliveries.</summary>
    private async Task<List<List<ClaimedDelivery>>> RoundAsync(IReadOnlyList<Record> records, IReadOnlyList<Claim> claims)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        // Lost in a power cut, a round would send its deliveries again or fan its events out again (its mark is lost
        // with its deliveries), never lose one: no fsync of its own. Events are written by the pages' commits, which sync.
        await using var relaxed = await store.RelaxCommitsAsync(db.Database.GetDbConnection());
        await using var tx = await db.Database.BeginTransactionAsync();
        if (records.Count > 0) await RecordAsync(db, records);
        var claimed = new List<List<ClaimedDelivery>>(claims.Count);
        foreach (var claim in claims)
        {
            var now = clock.GetUtcNow();
            await store.FanOutAsync(db, now, CancellationToken.None);
            claimed.Add(await store.ClaimAsync(db, claim.Request, now, CancellationToken.None));
        }
        await tx.CommitAsync();
        return claimed;
    }

    private async Task ReleaseRoundAsync(List<long> ids)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await store.ReleaseUnsentAsync(db, ids, CancellationToken.None);
    }

    private async Task RecordAsync(AppDbContext db, IReadOnlyList<Record> batch)
    {
        var ids = batch.Select(p => p.DeliveryId).ToList();
        // Untracked: the entities decide each delivery's next state, a few statements write them all (DeliveryStore.WriteAttemptsAsync).
        var deliveries = await store.DeliveriesAsync(db, ids, CancellationToken.None);
        var active = (await store.EndpointsAsync(db, deliveries.Values.Select(d => d.EndpointId).Distinct().ToList(), CancellationToken.None))
            .ToDictionary(e => e.Key, e => e.Value.Active);
        // A failure that continues a run of failures is scheduled against the run's first attempt (RetrySchedule.Budget).
        var runStarts = new Dictionary<long, DateTimeOffset>();
        var failedIds = batch.Where(p => !p.Result.Succeeded).Select(p => p.DeliveryId).ToList();
        if (failedIds.Count > 0)
            await foreach (var start in firstAttemptsOfRuns(db, failedIds)) runStarts[start.DeliveryId] = start.At;
        var stats = new Dictionary<(long EndpointId, DateTimeOffset Hour), WebhookStatsHour.Delta>();
        var recorded = new List<RecordedAttempt>(batch.Count);
        var deactivated = new List<(long EndpointId, string Reason, DateTimeOffset At)>();

        foreach (var (deliveryId, result, _, _) in batch)
        {
            // Deleted with its endpoint while the attempt was on its way: nothing is left to record.
            if (!deliveries.TryGetValue(deliveryId, out var delivery)) continue;
            var attempt = Attempt.Record(delivery.Id, delivery.EndpointId, delivery.AttemptCount + 1, result);
            var runStart = runStarts.TryGetValue(delivery.Id, out var first) ? first : result.At;
            if (Apply(delivery, active[delivery.EndpointId], result, runStart) is { } reason)
            {
                active[delivery.EndpointId] = false; // the rest of this batch sees it switched off
                deactivated.Add((delivery.EndpointId, reason, result.At));
            }
            recorded.Add(new RecordedAttempt(attempt, delivery));
            if (delivery.IsTest) continue;
            var key = (delivery.EndpointId, WebhookStatsHour.HourOf(result.At));
            if (!stats.TryGetValue(key, out var delta)) stats[key] = delta = new WebhookStatsHour.Delta();
            delta.Add(result);
        }

        await store.WriteAttemptsAsync(db, recorded, CancellationToken.None);
        // After the rows above: holding writes the status of every pending delivery of the endpoint, this batch's too.
        foreach (var (endpointId, reason, at) in deactivated) await DeactivateAsync(db, endpointId, reason, at);
        await db.SaveChangesAsync(); // the endpoints switched off and their activity entries
        if (stats.Count > 0) await store.AddStatsAsync(db, stats, CancellationToken.None);
    }

    private sealed record RunStart(long DeliveryId, DateTimeOffset At);

    // The first attempt of each delivery's current run of failures (none when the attempt before this one succeeded).
    // Per writer, not static: a compiled query serves only the model it first ran with (one process may hold both stores).
    private readonly Func<AppDbContext, List<long>, IAsyncEnumerable<RunStart>> firstAttemptsOfRuns = EF.CompileAsyncQuery(
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

    /// <summary>Switches the endpoint off, holds its undelivered deliveries (kept, not dropped) and says so in the activity log.</summary>
    private async Task DeactivateAsync(AppDbContext db, long endpointId, string reason, DateTimeOffset at)
    {
        var endpoint = await db.Endpoints.FindAsync(endpointId) ?? throw new InvalidOperationException($"Endpoint {endpointId} is gone.");
        endpoint.Deactivate(reason, at);
        var held = await DeliveryStore.HoldPendingAsync(db, endpoint.Id, CancellationToken.None);
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
