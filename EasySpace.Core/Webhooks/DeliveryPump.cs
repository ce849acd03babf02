using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// Asks the writer to fan out waiting events and claim due deliveries with a lease, sends them with bounded concurrency
/// (globally and per endpoint), has each outcome recorded, and runs until nothing is due and nothing is in flight. A
/// crash loses nothing: an event not fanned out is still waiting, and a claimed delivery whose lease expires is due again.
/// </summary>
public sealed class DeliveryPump(
    DeliverySender sender,
    EndpointTargets targets,
    DeliveryWriter writer,
    DeliveryStore store,
    DeliverySignal signal,
    EngineTimes times,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider clock,
    ILogger<DeliveryPump> log)
{
    // Slots' worth of deliveries held (sending and waiting) at most; a claim tops up once half of that is left.
    // Each claim waits its turn at the one writer, behind a round of records and now and then a WAL checkpoint of
    // several ms, so it had better bring enough work for several rounds: eight drained a backlog 11,800 → 14,950
    // deliveries/s against four (session 14); sixteen left the slots empty 11–21 % of a drain instead of 19–36 %, its
    // rate within the runs' spread, the CPU being the limit (docs/performance.md, session 18).
    private const int RoundsHeld = 16;
    // Rounds of an endpoint's own slots held for it, which its lease covers: an endpoint whose receiver hangs keeps the
    // rest waiting at most this many timeouts (the lease stays 9 timeouts + 5 s, decision 0002).
    private const int LeaseRounds = 8;
    private readonly SemaphoreSlim oneRunAtATime = new(1, 1);

    private sealed record Batch(int Asked, List<ClaimedDelivery> Claimed, IReadOnlyDictionary<long, EndpointTarget> Targets, DateTimeOffset LeaseUntil);

    public async Task RunUntilIdleAsync(CancellationToken ct)
    {
        await oneRunAtATime.WaitAsync(ct);
        signal.EnterRun();
        // A slot is taken while the HTTP attempt is under way; recording it happens after, in the writer's next round.
        var inFlight = 0;
        var ended = new SendsEnded();
        var sending = new Dictionary<long, int>();
        // Claimed ahead, up to RoundsHeld rounds of slots, so a claim serves many freed slots: claims are writes.
        var waiting = new List<(ClaimedDelivery Delivery, EndpointTarget? Target, DateTimeOffset LeaseUntil)>();
        var held = new Dictionary<long, int>(); // waiting + sending, per endpoint
        var recording = new List<Task>();
        int recorded = 0, recordedAtClaim = 0;
        // A claim waits for SQLite's write lock and its commit; sending goes on meanwhile.
        Task<Batch>? claiming = null;
        var mark = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                var settings = options.CurrentValue;
                var cameBackShort = false;
                if (claiming is { IsCompleted: true })
                {
                    var batch = await claiming;
                    claiming = null;
                    foreach (var c in batch.Claimed)
                    {
                        held[c.EndpointId] = held.GetValueOrDefault(c.EndpointId) + 1;
                        waiting.Add((c, batch.Targets.GetValueOrDefault(c.EndpointId), batch.LeaseUntil));
                    }
                    Start(settings);
                    cameBackShort = batch.Claimed.Count < batch.Asked;
                }

                recorded += recording.RemoveAll(r => r.IsCompleted);
                var canClaim = claiming is null && !ct.IsCancellationRequested;
                var woken = canClaim && signal.TakeRequest(); // what was committed before this point, the next claim sees
                // Several nodes count an endpoint's leases in the database, and recording an attempt clears its lease: a
                // claim that came back short may have counted leases of attempts recorded since, so it claims again
                // (and the loop wakes when a recording finishes). Under load, waiting for the next commit instead
                // stalled an endpoint's backlog behind one that hung (CI, FaultIsolationOnPostgresTests).
                if (cameBackShort && store.SeveralNodes && recorded > recordedAtClaim) woken = true;
                if (cameBackShort && !woken && inFlight == 0 && waiting.Count == 0)
                {
                    recorded += recording.RemoveAll(r => r.IsCompleted);
                    if (recording.Count == 0) break; // a wake from now on triggers the job again (ExitRun)
                    await Task.WhenAll(recording); // a run ends with its attempts on record
                    continue;
                }
                // Claim when the work held drops to half of RoundsHeld; after a claim that found all there was, only once a
                // slot frees or a commit wakes the pump.
                var room = RoundsHeld * settings.MaxConcurrency - inFlight - waiting.Count;
                if (canClaim && room > 0 && inFlight + waiting.Count <= RoundsHeld / 2 * settings.MaxConcurrency && (!cameBackShort || woken))
                {
                    var busy = new Dictionary<long, int>(held);
                    // Nodes that share an endpoint's limit each hold only what they may send now; one node claims ahead.
                    var perEndpoint = store.SeveralNodes ? settings.MaxConcurrencyPerEndpoint : LeaseRounds * settings.MaxConcurrencyPerEndpoint;
                    recordedAtClaim = recorded;
                    claiming = ClaimAsync(room, perEndpoint, busy, ct); // no hop through the thread pool's queue: it is long under load
                }

                if (claiming is null && inFlight == 0 && (waiting.Count == 0 || ct.IsCancellationRequested)) break; // cancelled
                var woke = mark;
                mark = times.Slots(mark, settings.MaxConcurrency, inFlight, waiting.Count, claiming is not null);
                times.PumpLoopTicks += mark - woke;
                if (store.SeveralNodes) await Task.WhenAny([ended.WhenAny, claiming ?? signal.WhenWoken, .. recording]);
                else await Task.WhenAny(ended.WhenAny, claiming ?? signal.WhenWoken);
                mark = times.Slots(mark, settings.MaxConcurrency, inFlight, waiting.Count, claiming is not null);
                ended.Reset();
                while (ended.TryTake(out var c, out var result))
                {
                    inFlight--;
                    Decrement(sending, c.EndpointId);
                    Decrement(held, c.EndpointId);
                    if (result is not null) recording.Add(RecordAsync(c, result, moreComing: inFlight > 0));
                }
                Start(settings);
            }
        }
        finally
        {
            // On shutdown the attempts under way are cut short, and each stays leased: it may have reached its receiver,
            // which may still be acting on it. What was claimed and never sent is released below, due again at once.
            var unsent = waiting.Select(w => w.Delivery.Id).ToList();
            if (claiming is not null)
            {
                try { unsent.AddRange((await claiming).Claimed.Select(c => c.Id)); }
                catch (Exception) { } // a claim that failed leased nothing
            }
            while (inFlight > 0)
            {
                await ended.WhenAny;
                ended.Reset();
                while (ended.TryTake(out var c, out var result))
                {
                    inFlight--;
                    if (result is not null) recording.Add(RecordAsync(c, result, moreComing: inFlight > 0));
                }
            }
            await Task.WhenAll(recording);
            if (unsent.Count > 0) await ReleaseAsync(unsent);
            signal.ExitRun();
            oneRunAtATime.Release();
        }

        // Sends the waiting deliveries that fit in the free slots, in claim order.
        void Start(WebhookOptions settings)
        {
            if (ct.IsCancellationRequested) return; // stopping: what waits is released
            // An attempt started after this could still be under way, or unrecorded, when its lease runs out.
            var lastSafeLease = clock.GetUtcNow() + AttemptAndRecord(settings);
            for (var i = 0; i < waiting.Count && inFlight < settings.MaxConcurrency; i++)
            {
                var (c, target, leaseUntil) = waiting[i];
                if (leaseUntil < lastSafeLease)
                {
                    // Held too long (many receivers hanging at once, more than the lease covers): let go unsent, so a
                    // later claim takes it again once the lease has run out, never while it is on its way.
                    waiting.RemoveAt(i--);
                    Decrement(held, c.EndpointId);
                    continue;
                }
                if (sending.GetValueOrDefault(c.EndpointId) >= settings.MaxConcurrencyPerEndpoint) continue;
                waiting.RemoveAt(i--);
                sending[c.EndpointId] = sending.GetValueOrDefault(c.EndpointId) + 1;
                inFlight++;
                _ = SendAsync(c, target, ended, ct);
            }
        }
    }

    /// <summary>
    /// Where sends report as they end: the loop waits on one task however many are in flight. Task.WhenAny over every
    /// send registered a continuation on each of them, and removed it, every time one ended (docs/performance.md, session 13).
    /// </summary>
    private sealed class SendsEnded
    {
        private readonly ConcurrentQueue<(ClaimedDelivery Delivery, AttemptResult? Result)> ended = new();
        private TaskCompletionSource signal = new();

        /// <summary>Completes once a send has ended since the last <see cref="Reset"/>.</summary>
        public Task WhenAny => Volatile.Read(ref signal).Task;

        public void Add(ClaimedDelivery delivery, AttemptResult? result)
        {
            ended.Enqueue((delivery, result));
            Volatile.Read(ref signal).TrySetResult();
        }

        /// <summary>Before taking what has ended: a send that ends after this completes the next <see cref="WhenAny"/>.</summary>
        public void Reset()
        {
            if (signal.Task.IsCompleted) Volatile.Write(ref signal, new TaskCompletionSource());
        }

        public bool TryTake(out ClaimedDelivery delivery, out AttemptResult? result)
        {
            var taken = ended.TryDequeue(out var item);
            (delivery, result) = item;
            return taken;
        }
    }

    private static void Decrement(Dictionary<long, int> counts, long key)
    {
        if (--counts[key] == 0) counts.Remove(key);
    }

    /// <summary>The HTTP attempt, reported to <paramref name="ended"/> with its result: null when there is nothing to record
    /// (shutdown mid-attempt, or our own failure). Never throws.</summary>
    private async Task SendAsync(ClaimedDelivery c, EndpointTarget? target, SendsEnded ended, CancellationToken ct)
    {
        AttemptResult? result = null;
        try
        {
            // A null target: the endpoint was deleted with its deliveries.
            if (target is not null) result = await sender.SendAsync(target, new Outgoing(c.MessageId, c.EventName, c.Body, c.AttemptCount + 1), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down mid-attempt: nothing is recorded, the lease expires, the delivery is due again.
        }
        catch (Exception e)
        {
            // Never lose the delivery over our own failure: the lease will make it due again.
            log.LogError(e, "Delivery {DeliveryId} could not be sent; it will be retried when its lease expires", c.Id);
        }
        finally
        {
            ended.Add(c, result); // always: the run waits for every send it started
        }
    }

    private async Task RecordAsync(ClaimedDelivery c, AttemptResult result, bool moreComing)
    {
        try
        {
            await writer.RecordAsync(c.Id, result, moreComing, CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogError(e, "Delivery {DeliveryId} was sent but could not be recorded; it will be sent again when its lease expires", c.Id);
        }
    }

    private async Task ReleaseAsync(List<long> unsent)
    {
        try
        {
            await writer.ReleaseAsync(unsent, CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogError(e, "{Count} deliveries claimed and not sent could not be released; they will be sent when their leases expire", unsent.Count);
        }
    }

    /// <summary>Leases up to <paramref name="capacity"/> due deliveries, at most <paramref name="perEndpointLimit"/> held per endpoint.</summary>
    private async Task<Batch> ClaimAsync(int capacity, int perEndpointLimit, Dictionary<long, int> busy, CancellationToken ct)
    {
        // Longer than waiting for a slot (an endpoint's rounds held ahead of it, each at most a timeout), the attempt and
        // recording it; after a crash it is how long a claimed delivery waits.
        var settings = options.CurrentValue;
        var lease = clock.GetUtcNow() + TimeSpan.FromSeconds(settings.TimeoutSeconds * LeaseRounds) + AttemptAndRecord(settings);
        // Not cut short by a stop: a round is short, and a stop releases what it leased.
        var claimed = await writer.ClaimAsync(new ClaimRequest(capacity, perEndpointLimit, busy, lease), CancellationToken.None);
        if (claimed.Count == 0 || ct.IsCancellationRequested) return new Batch(capacity, claimed, new Dictionary<long, EndpointTarget>(), lease);
        return new Batch(capacity, claimed, await targets.GetAsync(claimed.DistinctBy(c => c.EndpointId).ToDictionary(c => c.EndpointId, c => c.EndpointVersion), CancellationToken.None), lease);
    }

    /// <summary>The most an attempt takes (its timeout), and 5 s to record it.</summary>
    private static TimeSpan AttemptAndRecord(WebhookOptions settings) => TimeSpan.FromSeconds(settings.TimeoutSeconds + 5);
}

/// <summary>The Quartz job around the pump: triggered at once by <see cref="DeliverySignal"/>, and on an interval as the safety net.</summary>
[DisallowConcurrentExecution]
public sealed class DeliveryPumpJob(DeliveryPump pump, DeliveryRuns runs) : IJob
{
    public static readonly JobKey Key = new("delivery-pump", "webhooks");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        // Quartz cancels its job only once it gives up waiting for it (30 s): until then a run with a backlog went on
        // claiming and sending after the app was told to stop.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, runs.Stopping);
        await pump.RunUntilIdleAsync(stopping.Token);
    }
}
