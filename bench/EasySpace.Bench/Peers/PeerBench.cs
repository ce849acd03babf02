using System.Diagnostics;

namespace EasySpace.Bench.Peers;

/// <summary>One peer's figures, or why it did not run.</summary>
public sealed record PeerResult(string Key, string Title, double EnqueueEventsPerSecond, double DrainPerSecond, double DeliveriesPerSecond,
    int Lost, int Late, int Duplicates, double CpuMicrosecondsPerDrainedDelivery, string? NotRun = null);

/// <summary>
/// Runs each peer through the engine's phases, on the same receivers and bodies: enqueue (workers stopped, 2 committers,
/// one event = one job per endpoint), drain of that backlog (workers started), and end to end (workers running, first
/// enqueue to last arrival). Lost = committed deliveries that never reached a receiver, counted from the receivers after a
/// last wait; late = those that arrived only after their own phase had given up on them.
/// </summary>
public sealed class PeerBench(BenchOptions o, BenchRun run, Engine engine, ReceiverFarm farm)
{
    /// <summary>
    /// How long a peer may go without a new arrival before its phase is given up: as for the engine, longer than a first
    /// retry (Hangfire's comes 15–45 s after a failure, found by a scheduler that looks every 15 s; the Quartz peer's a minute after).
    /// </summary>
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(75);

    public async Task<List<PeerResult>> RunAsync()
    {
        var results = new List<PeerResult>();
        using var sender = new PeerSender(engine, farm.Urls.Take(o.Endpoints).ToList(), o.PerEndpoint);
        if (o.Peers is "hangfire" or "all")
            results.Add(await RunAsync("hangfire_sqlite", $"Hangfire {typeof(Hangfire.BackgroundJob).Assembly.GetName().Version?.ToString(3)} + Hangfire.Storage.SQLite", ('a', 'b', 'c'),
                dir => Task.FromResult<Peer>(new HangfirePeer(dir, sender))));
        if (o.Peers is "quartz" or "all")
            results.Add(await RunAsync("quartz_ado_sqlite", $"Quartz.NET {typeof(Quartz.IScheduler).Assembly.GetName().Version?.ToString(3)} AdoJobStore on SQLite", ('d', 'e', 'f'),
                async dir => await QuartzAdoPeer.CreateAsync(dir, sender)));
        return results;
    }

    private async Task<PeerResult> RunAsync(string key, string title, (char Warm, char Backlog, char EndToEnd) prefixes, Func<string, Task<Peer>> create)
    {
        var root = o.DataRoot ?? Path.GetTempPath();
        var directory = Path.Combine(Path.GetFullPath(root), $"easyspace-bench-{key.Replace('_', '-')}-{Guid.NewGuid().ToString("N")[..12]}");
        var fanOut = o.Endpoints;
        var logs = new List<ArrivalLog>();
        ArrivalLog Begin(string phase, char prefix, int events)
        {
            var log = run.Begin($"{key} {phase}", prefix, events * fanOut);
            logs.Insert(0, log);
            farm.RecordAll(logs); // an earlier phase's stragglers still count for their phase
            return log;
        }
        // As for the engine: at least 5 deliveries a second, or the phase counts what is missing as lost.
        TimeSpan Cap(int deliveries) => TimeSpan.FromSeconds(Math.Max(300, deliveries / 5.0));
        try
        {
            await using var peer = await create(directory);

            // Warm-up: the JIT, the store's connections, the HTTP pool.
            var warm = Begin("warm-up", prefixes.Warm, o.PeerWarmUpEvents);
            await peer.StartWorkersAsync();
            await run.ByCommittersAsync(0, o.PeerWarmUpEvents, i => peer.EnqueueAsync(BenchRun.Key(prefixes.Warm, i)));
            await warm.WaitAsync(Stall, Cap(warm.Expected));
            await peer.StopWorkersAsync();

            // Enqueue with the workers stopped, then drain that backlog.
            var M = o.PeerEvents;
            var backlog = Begin("enqueue + drain", prefixes.Backlog, M);
            var start = Stopwatch.GetTimestamp();
            await run.ByCommittersAsync(0, M, i => peer.EnqueueAsync(BenchRun.Key(prefixes.Backlog, i)));
            var enqueue = M / PhaseCost.Elapsed(start, Stopwatch.GetTimestamp());
            var early = backlog.Pairs;
            var drainCost = PhaseCost.Begin();
            var resumed = Stopwatch.GetTimestamp();
            await peer.StartWorkersAsync();
            await backlog.WaitAsync(Stall, Cap(backlog.Expected));
            drainCost.End();
            var drained = backlog.Pairs - early;
            var drain = drained / PhaseCost.Elapsed(resumed, backlog.Arrivals.Select(a => a.At).DefaultIfEmpty(resumed).Max());

            // End to end: the workers running while 2 committers enqueue.
            var E = o.PeerEvents;
            var endToEnd = Begin("end to end", prefixes.EndToEnd, E);
            long first = 0;
            await run.ByCommittersAsync(0, E, async i =>
            {
                await peer.EnqueueAsync(BenchRun.Key(prefixes.EndToEnd, i));
                Interlocked.CompareExchange(ref first, Stopwatch.GetTimestamp(), 0); // as for the engine: when the first commit returned
            });
            await endToEnd.WaitAsync(Stall, Cap(endToEnd.Expected));
            var perSecond = endToEnd.Pairs / PhaseCost.Elapsed(first, endToEnd.Arrivals.Select(a => a.At).DefaultIfEmpty(first).Max());
            // Lost is what never arrived: deliveries still on their way (retried) when their phase ended get their chance here.
            var late = -logs.Sum(l => l.Pairs);
            foreach (var log in logs) await log.WaitAsync(Stall, Cap(log.Expected));
            late += logs.Sum(l => l.Pairs);
            await peer.StopWorkersAsync();

            return new PeerResult(key, title, enqueue, drain, perSecond, logs.Sum(l => l.Expected - l.Pairs), late, logs.Sum(l => l.Duplicates),
                drainCost.CpuSeconds * 1e6 / Math.Max(1, drained));
        }
        catch (Exception e)
        {
            // A peer that cannot run is reported as not run, with the error, and the bench goes on.
            var causes = new List<string>();
            for (Exception? x = e; x is not null; x = x.InnerException) causes.Add($"{x.GetType().Name}: {x.Message}");
            return new PeerResult(key, title, 0, 0, 0, logs.Sum(l => l.Expected - l.Pairs), 0, 0, 0, string.Join(" ← ", causes));
        }
        finally
        {
            farm.Record(null);
            if (o.Keep) Console.WriteLine($"{key} data kept in {directory}");
            else
            {
                try { Directory.Delete(directory, recursive: true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
    }
}
