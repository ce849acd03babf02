using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using EasySpace.Bench;
using EasySpace.Bench.Peers;
using EasySpace.Core.Data;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchOptions o;
try
{
    o = BenchOptions.Parse(args);
}
catch (BenchOptions.HelpRequested)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

return await new BenchRun(o).RunAsync();

namespace EasySpace.Bench
{
    public sealed class BenchRun(BenchOptions o)
    {
        private const string Event = "created_booking";
        private const string EnqueueEvent = "updated_booking";
        private static readonly TimeSpan Stall = TimeSpan.FromSeconds(75);

        private readonly Dictionary<string, object> json = new();
        private readonly List<(string Section, string Metric, string Value)> table = [];
        private readonly List<ArrivalLog> logs = [];
        private ReceiverFarm farm = null!;
        private Engine engine = null!;
        private BenchPostgres? postgres;
        private SqlProfiler? profiler;
        private AllocationSampler? allocations;
        private long enginePeak;

        /// <summary>Event keys have a fixed length, so every body of a phase has the same size: "t-0000042".</summary>
        public static string Key(char prefix, int index) => $"{prefix}-{index:D7}";

        public async Task<int> RunAsync()
        {
            var total = Stopwatch.StartNew();
            Console.WriteLine($"EasySpace.Bench: {o.Events} events x {o.Endpoints} endpoints, body {o.BodyBytes} B, " +
                              $"MaxConcurrency {o.Concurrency}, per endpoint {o.PerEndpoint}, {o.Committers} committers" +
                              $"{(o.Quick ? ", quick" : "")}{(o.Profile ? ", PROFILING (slower)" : "")}{(o.ReceiverDelayMs > 0 ? $", receivers answer after {o.ReceiverDelayMs} ms" : "")}");
            if (o.Postgres) Console.WriteLine($"store: PostgreSQL{(o.PostgresServer is null ? " (a throw-away server: fsync, synchronous_commit and full_page_writes off)" : "")}; peers on SQLite");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
            MemorySampler.Start();
            profiler = o.Profile ? new SqlProfiler() : null;
            allocations = o.Profile ? new AllocationSampler() : null;

            farm = await ReceiverFarm.StartAsync(Math.Max(o.Endpoints, BenchOptions.EnqueueFanOut), o.ReceiverDelayMs);
            if (o.Postgres) postgres = await BenchPostgres.StartAsync(o.PostgresServer);
            engine = await Engine.StartAsync(o, profiler, postgres?.ConnectionString);
            Progress("engine started, setup complete");
            try
            {
                await SetUpAsync();
                await WarmUpAsync();
                var throughput = await ThroughputAsync();
                await LatencyAsync(o.Rate ?? Math.Max(1, throughput / o.Endpoints / 2));
                await EnqueueAsync();
                await CommitCostAsync();
                if (o.Postgres) await NodesAsync();
                // The engine's footprint, before the raw phase builds its own bodies and clients.
                enginePeak = Process.GetCurrentProcess().PeakWorkingSet64;
                var raw = await RawAsync();
                json["ratio"] = Round(throughput / raw, 3);
                Add("raw limit", "ratio = deliveries_per_s / raw_posts_per_s", "", Round(throughput / raw, 3), "target ≥ 0.5");
                var drainRatio = Round((double)json["drain_deliveries_per_s"] / raw, 3);
                json["drain_ratio"] = drainRatio;
                Add("raw limit", "drain_ratio = drain_deliveries_per_s / raw_posts_per_s", "", drainRatio, "target ≥ 0.5");
                // What end to end could reach if every core worked all the time at the enqueue and drain phases' CPU costs:
                // a delivery's share of its page's save, and its own delivery. Overlap cannot beat it; only cheaper work can.
                var perDelivery = (double)json["cpu_us_per_enqueued_event"] / BenchOptions.EnqueueFanOut + (double)json["drain_cpu_us_per_delivery"];
                var ceiling = Environment.ProcessorCount * 1e6 / perDelivery;
                json["ratio_ceiling"] = Round(ceiling / raw, 3);
                Add("raw limit", "end-to-end ceiling from CPU: cores / (a save's CPU ÷ fan-out + a drained delivery's CPU)", "/s",
                    Round(ceiling, 0), $"{Round(ceiling / raw, 3)} of raw; {perDelivery:F0} µs a delivery, {Environment.ProcessorCount} cores all busy");
                await PeersAsync(throughput);
                Progress("checking losses and storage");
                await FinishAsync();
            }
            finally
            {
                farm.Record(null);
                await engine.DisposeAsync();
                if (postgres is not null) await postgres.DisposeAsync();
                await farm.DisposeAsync();
                await MemorySampler.StopAsync();
                if (o.Keep) Console.WriteLine($"data kept in {engine.DataDirectory}");
                else
                {
                    try { Directory.Delete(engine.DataDirectory, recursive: true); }
                    catch (IOException) { }
                }
            }

            PrintTable();
            Console.WriteLine($"(whole run {total.Elapsed.TotalSeconds:F1} s)");
            Console.WriteLine(JsonSerializer.Serialize(Ordered()));
            return (long)json["lost"] == 0 ? 0 : 1;
        }

        private async Task SetUpAsync()
        {
            for (var i = 0; i < o.Endpoints; i++)
                await engine.CreateEndpointAsync($"bench-{i}", farm.Urls[i], Event);
            for (var i = 0; i < BenchOptions.EnqueueFanOut; i++)
                await engine.CreateEndpointAsync($"enqueue-{i}", farm.Urls[i], EnqueueEvent);
            engine.PrepareBodies(Event, Key('t', 0), o.BodyBytes);
            engine.PrepareBodies(EnqueueEvent, Key('q', 0), o.BodyBytes);

            Add("setup", "machine load at start (all processes)", "", MachineLoad(), "other work on the box skews the figures");
            var fsync = FsyncProbe.Run(engine.DataDirectory, o.Quick ? 50 : 200);
            Add("setup", "fsync of a 4 KiB write (median / p90)", "ms", $"{fsync.Median:F2} / {fsync.P90:F2}");
            json["fsync_ms"] = Round(fsync.Median, 3);
            json["store"] = o.Store;
            if (o.Postgres)
            {
                var server = await engine.TextAsync("SELECT version()");
                var settings = await engine.TextAsync("SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers')");
                Add("setup", "PostgreSQL", "", $"{server.Split(" on ")[0]}; {settings}");
                return;
            }
            var sync = await engine.ScalarAsync("PRAGMA synchronous;");
            var mode = await engine.TextAsync("PRAGMA journal_mode;");
            var version = await engine.TextAsync("SELECT sqlite_version();");
            Add("setup", "SQLite", "", $"{version}, journal_mode={mode}, synchronous={sync} ({(sync == 2 ? "FULL" : sync == 1 ? "NORMAL" : sync.ToString())}; a page's commit syncs the WAL after the lock is released, shared by the commits that end meanwhile), a writer waiting for the lock is woken by the commit that frees it, or tries again after 1 ms");

            var ef = engine.EfCostProbe(o.Quick ? 100 : 500);
            foreach (var (what, bytes, micros) in ef)
                Add("per-operation cost", what, "B allocated / µs CPU", $"{bytes} / {micros:F1}");
            json["alloc_bytes_per_context"] = ef[0].Bytes;
            json["alloc_bytes_per_pooled_context"] = ef[3].Bytes;
            json["sqlite_synchronous"] = sync;
        }

        /// <summary>
        /// JIT, connection pools, Kestrel, the endpoint cache: warmed on both paths before anything is timed, in rounds
        /// until a round compiles almost no new code. A server runs warm; with 50 events of warm-up the tiered JIT
        /// still took 44 % of a core through the throughput phase (session 4).
        /// </summary>
        private async Task WarmUpAsync()
        {
            var perRound = Math.Min(o.Quick ? 10 : 200, o.Events);
            var (engineRounds, engineJitted) = await UntilJitSettlesAsync(async round =>
            {
                var log = Begin($"warm-up {round + 1}", 'w', perRound * o.Endpoints);
                await ByCommittersAsync(round * perRound, (round + 1) * perRound, i => engine.CommitAsync(Event, Key('w', i)));
                await log.WaitAsync(Stall, TimeSpan.FromMinutes(3));
                await engine.PumpIdleAsync();
            });
            Add("setup", "warm-up, engine", "", $"{engineRounds * perRound:N0} events in {engineRounds} rounds; the last compiled {engineJitted} methods");

            var rawPerReceiver = o.Quick ? 20 : 200;
            var (rawRounds, rawJitted) = await UntilJitSettlesAsync(async round =>
            {
                var rawLog = Begin($"raw warm-up {round + 1}", 'v', rawPerReceiver * o.Endpoints);
                await RawLoad.RunAsync(farm.Urls, RawLoad.Prepare(engine, o.Endpoints, rawPerReceiver, 'v', round * rawPerReceiver), o.Concurrency, o.PerEndpoint);
                await rawLog.WaitAsync(Stall, TimeSpan.FromMinutes(1));
            });
            Add("setup", "warm-up, raw", "", $"{rawRounds * rawPerReceiver * o.Endpoints:N0} posts in {rawRounds} rounds; the last compiled {rawJitted} methods");
            farm.Record(null);

            await RestAsync("setup", "CPU at rest after warm-up");
        }

        /// <summary>Events <paramref name="from"/> to <paramref name="to"/> (exclusive), each taken by the next free one of the committers.</summary>
        // Whether the engine delivers while the committers commit: session 22 found it did not (docs/performance.md).
        private static void PrintTimeline(long[] commits, ArrivalLog log)
        {
            var first = commits.Where(c => c != 0).Min();
            var bucket = Stopwatch.Frequency / 20;
            var arrived = log.Arrivals.GroupBy(a => (a.At - first) / bucket).ToDictionary(g => g.Key, g => g.Count());
            var committed = commits.Where(c => c != 0).GroupBy(c => (c - first) / bucket).ToDictionary(g => g.Key, g => g.Count());
            for (long b = 0; b <= arrived.Keys.Concat(committed.Keys).Max(); b++)
                Console.Error.WriteLine($"timeline {b * 50,5} ms: commits {committed.GetValueOrDefault(b),5}, arrivals {arrived.GetValueOrDefault(b),6}");
        }

        internal Task ByCommittersAsync(int from, int to, Func<int, Task> commit)
        {
            var next = from - 1;
            return Task.WhenAll(Enumerable.Range(0, o.Committers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < to) await commit(i);
            })));
        }

        /// <summary>
        /// Runs rounds until one compiles fewer than 20 methods (a quick run: one round; at most 8), letting the tiered JIT
        /// finish what the round queued after each: it compiles hot methods again, optimised, on a background thread,
        /// and without the wait it was still at 80–99 % of a core after eight rounds and through the throughput phase
        /// (session 13).
        /// </summary>
        private async Task<(int Rounds, long LastJitted)> UntilJitSettlesAsync(Func<int, Task> round)
        {
            var rounds = 0;
            long jitted;
            do
            {
                var before = System.Runtime.JitInfo.GetCompiledMethodCount();
                await round(rounds++);
                if (!o.Quick) await JitQuietAsync();
                jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
            } while (!o.Quick && jitted >= 20 && rounds < 8);
            return (rounds, jitted);
        }

        /// <summary>Waits until half a second passes with fewer than 5 methods compiled (at most 30 s).</summary>
        private static async Task JitQuietAsync()
        {
            var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
            long before;
            do
            {
                before = System.Runtime.JitInfo.GetCompiledMethodCount();
                await Task.Delay(500);
            } while (System.Runtime.JitInfo.GetCompiledMethodCount() - before >= 5 && Stopwatch.GetTimestamp() < until);
        }

        /// <summary>What the process burns with nothing to do (Quartz's 5 s safety-net trigger, Kestrel, timers, JIT): a fixed 2 s window (1 s in a quick run).</summary>
        private async Task RestAsync(string section, string label)
        {
            var idle = PhaseCost.Begin();
            await Task.Delay(TimeSpan.FromSeconds(o.Quick ? 1 : 2));
            idle.End();
            Add(section, label, "%", Round(idle.CpuSeconds / idle.WallSeconds * 100, 1),
                $"of one core; {idle.AllocatedBytes / 1024.0:F0} KiB allocated; by thread: {ThreadCpu.Format(idle.CpuByThread, idle.WallSeconds, idle.CpuSeconds, 4)}");
        }

        private readonly Stopwatch clock = Stopwatch.StartNew();

        /// <summary>Where the run is, on stderr (the table and the JSON stay alone on stdout).</summary>
        private void Progress(string what) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1} s] {what}");

        internal ArrivalLog Begin(string phase, char prefix, int expected, bool endpointsShareReceivers = false)
        {
            Progress($"{phase}: {expected:N0} arrivals expected");
            var log = new ArrivalLog(phase, prefix, expected, endpointsShareReceivers);
            logs.Add(log);
            farm.Record(log);
            return log;
        }

        // ---------------------------------------------------------------- 1. throughput

        private async Task<double> ThroughputAsync()
        {
            var E = o.Events;
            var deliveries = E * o.Endpoints;
            await engine.CheckpointAsync();
            var bytesBefore = await engine.DatabaseBytesAsync();
            var runsBefore = engine.PumpRuns;

            var log = Begin("throughput", 't', deliveries);
            var commits = new long[E];
            var commitMs = new double[E];
            StartProfile();
            var cost = PhaseCost.Begin();
            var watch = new EngineWatch(engine);
            await ByCommittersAsync(0, E, async i =>
            {
                var t = Stopwatch.GetTimestamp();
                commits[i] = await engine.CommitAsync(Event, Key('t', i));
                commitMs[i] = PhaseCost.Ms(t, commits[i]);
            });
            var committed = Stopwatch.GetTimestamp();
            var complete = await log.WaitAsync(Stall, TimeSpan.FromSeconds(Math.Max(300, deliveries / 5.0)));
            cost.End();
            await watch.EndAsync();
            await engine.PumpIdleAsync();
            var profile = StopProfile();

            var first = commits.Where(c => c != 0).DefaultIfEmpty(committed).Min();
            var last = log.Arrivals.Select(a => a.At).DefaultIfEmpty(first).Max();
            var seconds = PhaseCost.Elapsed(first, last);
            var perSecond = log.Pairs / seconds;
            var commitSeconds = PhaseCost.Elapsed(first, committed);

            Add("throughput", "deliveries", "", $"{log.Pairs:N0} of {deliveries:N0} ({E:N0} events x {o.Endpoints} endpoints){(complete ? "" : " — INCOMPLETE")}");
            Add("throughput", "deliveries_per_s", "/s", Round(perSecond, 1), "first commit → last arrival");
            Add("throughput", "events committed per s (while delivering)", "/s", Round(E / commitSeconds, 1));
            var duringCommits = log.Arrivals.Count(a => a.At <= committed);
            if (o.Timeline) PrintTimeline(commits, log);
            Add("throughput", "deliveries arrived before the last commit returned", "", $"{duringCommits:N0} of {log.Pairs:N0}", $"the committers took {commitSeconds * 1000:F0} ms");
            var sortedCommit = commitMs.Order().ToList();
            Add("throughput", "commit time p50 / p99 (while delivering)", "ms", $"{Percentiles.Of(sortedCommit, 50):F1} / {Percentiles.Of(sortedCommit, 99):F1}");
            var lat = Latencies(log, commits);
            Add("throughput", "commit→arrival p50 / p99 (saturated, queueing)", "ms", $"{Percentiles.Of(lat, 50):F0} / {Percentiles.Of(lat, 99):F0}");
            Add("throughput", "pump runs (woken or on its interval)", "", engine.PumpRuns - runsBefore);
            AddCost("throughput", cost, log.Pairs, "delivery");
            foreach (var (metric, value) in await watch.LinesAsync(o.Concurrency)) Add("throughput", metric, "", value);
            json["deliveries_per_s"] = Round(perSecond, 1);
            json["throughput_commit_events_per_s"] = Round(E / commitSeconds, 1);
            json["throughput_p50_ms"] = Round(Percentiles.Of(lat, 50), 1);
            json["throughput_p99_ms"] = Round(Percentiles.Of(lat, 99), 1);
            json["cpu_us_per_delivery"] = Round(cost.CpuSeconds * 1e6 / Math.Max(1, log.Pairs), 1);
            json["alloc_kb_per_delivery"] = Round(cost.AllocatedBytes / 1024.0 / Math.Max(1, log.Pairs), 2);

            // Storage: what the run added, as the files stand after it (db + wal), and once checkpointed (db only).
            var bytesAfter = await engine.DatabaseBytesAsync();
            await engine.CheckpointAsync();
            var fileAfter = await engine.DatabaseBytesAsync();
            var per100k = (bytesAfter - bytesBefore) / (double)deliveries * 100_000 / (1024 * 1024);
            var per100kFile = (fileAfter - bytesBefore) / (double)deliveries * 100_000 / (1024 * 1024);
            if (!o.Postgres) Add("storage", "db + wal growth per 100,000 deliveries", "MiB", Round(per100k, 1), "after the throughput run, WAL not checkpointed");
            Add("storage", "db file growth per 100,000 deliveries (checkpointed)", "MiB", Round(per100kFile, 1), "");
            Add("storage", "bytes per delivery (checkpointed)", "B", Round((fileAfter - bytesBefore) / (double)deliveries, 0), $"body is {o.BodyBytes} B");
            json["db_mb_per_100k_deliveries"] = Round(per100k, 1);
            json["db_file_mb_per_100k_deliveries_checkpointed"] = Round(per100kFile, 1);

            PrintProfile(profile, $"throughput phase ({log.Pairs:N0} deliveries, {E:N0} events)", log.Pairs, "delivery");
            if (profile.Statements is { } st) json["profile_sqlite_us_per_delivery"] = Round(st.Values.Sum(c => c.TotalNs) / 1e3 / Math.Max(1, log.Pairs), 0);
            return perSecond;
        }

        // ---------------------------------------------------------------- 2. raw limit

        private async Task<double> RawAsync()
        {
            var perReceiver = (o.RawPosts + o.Endpoints - 1) / o.Endpoints;
            var posts = perReceiver * o.Endpoints;
            var work = RawLoad.Prepare(engine, o.Endpoints, perReceiver, 'r');
            var log = Begin("raw", 'r', posts);
            var cost = PhaseCost.Begin();
            var (start, failures) = await RawLoad.RunAsync(farm.Urls, work, o.Concurrency, o.PerEndpoint);
            await log.WaitAsync(Stall, TimeSpan.FromMinutes(5));
            cost.End();
            var last = log.Arrivals.Select(a => a.At).DefaultIfEmpty(start).Max();
            var perSecond = log.Pairs / PhaseCost.Elapsed(start, last);
            Add("raw limit", "posts", "", $"{log.Pairs:N0} of {posts:N0}{(failures > 0 ? $", {failures} failed" : "")}");
            Add("raw limit", "raw_posts_per_s", "/s", Round(perSecond, 1), "HttpClient, same bodies, headers and limits, no database");
            AddCost("raw limit", cost, log.Pairs, "post");
            json["raw_posts_per_s"] = Round(perSecond, 1);
            json["cpu_us_per_raw_post"] = Round(cost.CpuSeconds * 1e6 / Math.Max(1, log.Pairs), 1);
            json["alloc_kb_per_raw_post"] = Round(cost.AllocatedBytes / 1024.0 / Math.Max(1, log.Pairs), 2);
            return perSecond;
        }

        // ---------------------------------------------------------------- 3. latency at a fixed offered rate

        private async Task LatencyAsync(double rate)
        {
            // At least 100 events (10 in a quick run), so p99 is not one unlucky sample.
            var count = Math.Max(o.Quick ? 6 : 100, (int)Math.Round(rate * o.LatencySeconds));
            var log = Begin("latency", 'l', count * o.Endpoints);
            var commits = new long[count];
            var commitMs = new double[count];
            var behind = new double[count];
            var queue = Channel.CreateUnbounded<(int Index, long Due)>();
            var cost = PhaseCost.Begin();
            var lockWaits = GroupCommit.LockWaits;

            var committers = Enumerable.Range(0, o.Committers).Select(_ => Task.Run(async () =>
            {
                await foreach (var (i, due) in queue.Reader.ReadAllAsync())
                {
                    var t = Stopwatch.GetTimestamp();
                    behind[i] = PhaseCost.Ms(due, t);
                    commits[i] = await engine.CommitAsync(Event, Key('l', i));
                    commitMs[i] = PhaseCost.Ms(t, commits[i]);
                }
            })).ToList();

            // Event i is due at t0 + i/rate; the timer releases whatever has fallen due.
            var t0 = Stopwatch.GetTimestamp();
            var released = 0;
            using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(1000 / rate, 1, 20))))
            {
                while (released < count)
                {
                    var dueNow = Math.Min(count, (int)(PhaseCost.Elapsed(t0, Stopwatch.GetTimestamp()) * rate) + 1);
                    for (; released < dueNow; released++)
                        queue.Writer.TryWrite((released, t0 + (long)(released / rate * Stopwatch.Frequency)));
                    if (released < count) await timer.WaitForNextTickAsync();
                }
            }
            queue.Writer.Complete();
            await Task.WhenAll(committers);
            var complete = await log.WaitAsync(Stall, TimeSpan.FromMinutes(5));
            cost.End();
            await engine.PumpIdleAsync();

            var lat = Latencies(log, commits);
            var first = commits.Where(c => c != 0).DefaultIfEmpty(t0).Min();
            var last = log.Arrivals.Select(a => a.At).DefaultIfEmpty(first).Max();
            var sortedCommit = commitMs.Order().ToList();
            var sortedBehind = behind.Order().ToList();
            Add("latency", "offered", "", $"{rate:F1} events/s x {o.Endpoints} = {rate * o.Endpoints:F0} deliveries/s for {count / rate:0.#} s ({count:N0} events)");
            Add("latency", "delivered", "", $"{log.Pairs:N0} of {count * o.Endpoints:N0} at {log.Pairs / PhaseCost.Elapsed(first, last):F0}/s{(complete ? "" : " — INCOMPLETE")}");
            Add("latency", "commit→arrival p50 / p95 / p99 / max", "ms",
                $"{Percentiles.Of(lat, 50):F1} / {Percentiles.Of(lat, 95):F1} / {Percentiles.Of(lat, 99):F1} / {lat.LastOrDefault():F1}");
            Add("latency", "commit time p50 / p99 / max", "ms", $"{Percentiles.Of(sortedCommit, 50):F1} / {Percentiles.Of(sortedCommit, 99):F1} / {sortedCommit.LastOrDefault():F1}", "SaveChangesAsync of one event, as a page would see it");
            Add("latency", "committer behind schedule p99", "ms", $"{Percentiles.Of(sortedBehind, 99):F1}", "pacing check: near 0 means the rate was really offered");
            AddCost("latency", cost, log.Pairs, "delivery");
            if (!engine.IsPostgres)
            {
                var (metric, value) = EngineWatch.LockWaitsLine(lockWaits, GroupCommit.LockWaits);
                Add("latency", metric, "", value);
            }
            json["rate_events_per_s"] = Round(rate, 1);
            json["offered_deliveries_per_s"] = Round(rate * o.Endpoints, 1);
            json["p50_ms"] = Round(Percentiles.Of(lat, 50), 1);
            json["p95_ms"] = Round(Percentiles.Of(lat, 95), 1);
            json["p99_ms"] = Round(Percentiles.Of(lat, 99), 1);
            json["max_ms"] = Round(lat.LastOrDefault(), 1);
            json["commit_p50_ms"] = Round(Percentiles.Of(sortedCommit, 50), 1);
            json["commit_p99_ms"] = Round(Percentiles.Of(sortedCommit, 99), 1);
        }

        // ---------------------------------------------------------------- 4. enqueue

        private async Task EnqueueAsync()
        {
            var M = o.EnqueueEvents;
            var fanOut = BenchOptions.EnqueueFanOut;
            var log = Begin("enqueue", 'q', M * fanOut);
            // The pump must not compete: Quartz on standby, and the run under way (if any) finished.
            await engine.StandbyAsync();
            StartProfile();
            var cost = PhaseCost.Begin();
            var syncs = GroupCommit.Syncs;
            var start = Stopwatch.GetTimestamp();
            await ByCommittersAsync(0, M, i => engine.CommitAsync(EnqueueEvent, Key('q', i)));
            var end = Stopwatch.GetTimestamp();
            cost.End();
            var syncsEnd = GroupCommit.Syncs;
            PrintProfile(StopProfile(), $"enqueue phase ({M:N0} events x {fanOut} endpoints, pump stopped)", M, "event");
            var early = log.Pairs;
            var perSecond = M / PhaseCost.Elapsed(start, end);
            Add("enqueue", "events committed per s (pump stopped)", "/s", Round(perSecond, 1), $"{M:N0} events, each fanned out to {fanOut} endpoints, {o.Committers} committers");
            Add("enqueue", "delivery rows written per s", "/s", Round(perSecond * fanOut, 0), "plus one event row per event");
            Add("enqueue", "comparison", "", "Convoy reports 13,204 queue writes/s (its own hardware and Postgres; not this machine)");
            AddCost("enqueue", cost, M, "event");
            if (!o.Postgres)
            {
                var (metric, value) = EngineWatch.SyncsLine(syncs, syncsEnd);
                Add("enqueue", metric, "", value);
            }
            json["enqueue_events_per_s"] = Round(perSecond, 1);
            json["enqueue_delivery_rows_per_s"] = Round(perSecond * fanOut, 0);
            json["cpu_us_per_enqueued_event"] = Round(cost.CpuSeconds * 1e6 / M, 1);

            // With the backlog in place and the pump stopped: what one claim's ranking costs (SQLite's statement).
            if (!o.Postgres)
            {
                var probe = await engine.ClaimProbeAsync();
                Add("backlog drain", $"claim query for {Engine.ProbeSlots} free slots, ranked / plain index read", "ms", $"{probe.Ranked:F2} / {probe.Plain:F3}",
                    $"{probe.Due:N0} deliveries due; the pump ranks {Engine.ProbeSlots * 8} rows for them, inside its write");
                json["claim_ranked_ms_at_backlog"] = Round(probe.Ranked, 3);
                json["claim_plain_ms_at_backlog"] = Round(probe.Plain, 3);
                json["claim_probe_backlog"] = probe.Due;
            }

            // Then the backlog drains: the pump started with M x 10 deliveries due at once.
            Progress("backlog drain: pump resumed");
            StartProfile();
            var drain = PhaseCost.Begin();
            var watch = new EngineWatch(engine);
            var resumed = Stopwatch.GetTimestamp();
            await engine.ResumeAsync();
            var complete = await log.WaitAsync(Stall, TimeSpan.FromSeconds(Math.Max(300, M * fanOut / 5.0)));
            drain.End();
            await watch.EndAsync();
            await engine.PumpIdleAsync();
            // The engine alone (issue 15's per-delivery targets are read here): fan-out, claims, sends and records.
            Progress("backlog drain: done");
            PrintProfile(StopProfile(), $"backlog drain ({log.Pairs - early:N0} deliveries)", log.Pairs - early, "delivery");
            var last = log.Arrivals.Select(a => a.At).DefaultIfEmpty(resumed).Max();
            var drainRate = (log.Pairs - early) / PhaseCost.Elapsed(resumed, last);
            Add("backlog drain", "deliveries per s from a backlog", "/s", Round(drainRate, 1),
                $"{log.Pairs:N0} of {M * fanOut:N0}{(complete ? "" : " — INCOMPLETE")}{(early > 0 ? $"; {early} arrived while the pump was meant to be stopped" : "")}");
            AddCost("backlog drain", drain, log.Pairs - early, "delivery");
            foreach (var (metric, value) in await watch.LinesAsync(o.Concurrency)) Add("backlog drain", metric, "", value);
            json["drain_deliveries_per_s"] = Round(drainRate, 1);
            json["drain_cpu_us_per_delivery"] = Round(drain.CpuSeconds * 1e6 / Math.Max(1, log.Pairs - early), 1);
            json["drain_alloc_kb_per_delivery"] = Round(drain.AllocatedBytes / 1024.0 / Math.Max(1, log.Pairs - early), 2);
        }

        // ---------------------------------------------------------------- 4b. a page's commit cost by fan-out

        /// <summary>The events the commit-cost phase raises, and how many endpoints subscribe to each (none of the other phases' events).</summary>
        private static readonly (string Event, int FanOut)[] CostEvents = [("deleted_booking", 0), ("booking_has_ended", 10), ("created_checkin", 100)];

        /// <summary>
        /// What a page's save costs as the fan-out grows: one event per transaction (EventOutbox.RaiseAsync +
        /// SaveChangesAsync), one committer, the pump stopped so the commit is measured alone (the latency phase
        /// measures it beside a running engine). The deliveries are then drained and checked like every other phase's.
        /// </summary>
        private async Task CommitCostAsync()
        {
            var n = o.CommitCostEvents;
            var warm = Math.Max(1, n / 10);
            foreach (var (name, fanOut) in CostEvents)
            {
                for (var i = 0; i < fanOut; i++)
                    await engine.CreateEndpointAsync($"cost-{fanOut}-{i}", new Uri(farm.Urls[i % farm.Urls.Count], $"cost-{fanOut}-{i}"), name);
                engine.PrepareBodies(name, Key('k', 0), o.BodyBytes);
            }
            var log = Begin("commit cost", 'k', CostEvents.Sum(c => c.FanOut) * (n + warm), endpointsShareReceivers: true);
            await engine.StandbyAsync();
            var costs = new Dictionary<string, object>();
            var index = 0;
            foreach (var (name, fanOut) in CostEvents)
            {
                for (var i = 0; i < warm; i++) await engine.CommitAsync(name, Key('k', index++));
                var ms = new List<double>(n);
                var slowest = new List<(double Ms, string During)>(n);
                var checkpointsBefore = GroupCommit.Checkpoints;
                for (var i = 0; i < n; i++)
                {
                    var (gc0, ck, running) = (GC.CollectionCount(0), GroupCommit.Checkpoints, GroupCommit.CheckpointsUnderWay);
                    var t = Stopwatch.GetTimestamp();
                    ms.Add(PhaseCost.Ms(t, await engine.CommitAsync(name, Key('k', index++))));
                    slowest.Add((ms[^1], (GC.CollectionCount(0) > gc0 ? " (a GC)" : "") + (GroupCommit.Checkpoints > ck ? " (asked for a checkpoint)" : "")
                        + (GroupCommit.CheckpointsUnderWay.Begun > running.Ended ? " (beside a checkpoint)" : "")));
                }
                ms.Sort();
                var (p50, p99) = (Percentiles.Of(ms, 50), Percentiles.Of(ms, 99));
                Add("commit cost", $"fan-out {fanOut}: commit time p50 / p99", "ms", $"{p50:F2} / {p99:F2}",
                    $"{n} commits of {name}, one committer, pump stopped; {GroupCommit.Checkpoints - checkpointsBefore} WAL checkpoints among them");
                Add("commit cost", $"fan-out {fanOut}: the slowest commits", "ms",
                    string.Join(", ", slowest.OrderByDescending(c => c.Ms).Take(4).Select(c => $"{c.Ms:F2}{c.During}")), "what else happened in each");
                costs[$"fanout_{fanOut}"] = new Dictionary<string, object> { ["p50_ms"] = Round(p50, 2), ["p99_ms"] = Round(p99, 2) };
            }
            json["commit_cost"] = costs;
            await engine.ResumeAsync();
            var complete = await log.WaitAsync(Stall, TimeSpan.FromMinutes(5));
            await engine.PumpIdleAsync();
            Add("commit cost", "deliveries afterwards", "", $"{log.Pairs:N0} of {log.Expected:N0} delivered{(complete ? "" : " — INCOMPLETE")}");
        }

        // ---------------------------------------------------------------- 4c. several nodes (PostgreSQL)

        /// <summary>
        /// <c>--nodes</c> hosts on the one PostgreSQL database, each with its own pump, in this process: the committers
        /// take turns raising through each host; then a backlog committed with every pump stopped drains through all.
        /// Compared with the single host's figures from the phases above (same events, endpoints and limits). The
        /// hosts share this machine's cores, so this measures the coordination's cost, not a cluster's capacity.
        /// </summary>
        private async Task NodesAsync()
        {
            var nodes = new List<Engine> { engine };
            try
            {
                for (var i = 1; i < o.Nodes; i++) nodes.Add(await Engine.StartAsync(o, null, postgres!.ConnectionString, node: true));
                foreach (var n in nodes.Skip(1)) n.PrepareBodies(Event, Key('n', 0), o.BodyBytes);
                foreach (var n in nodes.Skip(1)) n.PrepareBodies(EnqueueEvent, Key('m', 0), o.BodyBytes);
                Progress($"{nodes.Count} nodes started on one database");

                var E = o.Events;
                var log = Begin($"{nodes.Count} nodes", 'n', E * o.Endpoints);
                var commits = new long[E];
                await ByCommittersAsync(0, E, async i => commits[i] = await nodes[i % nodes.Count].CommitAsync(Event, Key('n', i)));
                var complete = await log.WaitAsync(Stall, TimeSpan.FromSeconds(Math.Max(300, E * o.Endpoints / 5.0)));
                foreach (var n in nodes) await n.PumpIdleAsync();
                var first = commits.Where(c => c != 0).DefaultIfEmpty(Stopwatch.GetTimestamp()).Min();
                var last = log.Arrivals.Select(a => a.At).DefaultIfEmpty(first).Max();
                var perSecond = log.Pairs / PhaseCost.Elapsed(first, last);
                var one = (double)json["deliveries_per_s"];
                Add("several nodes", $"end to end, {nodes.Count} nodes pumping", "/s", Round(perSecond, 1),
                    $"{log.Pairs:N0} of {E * o.Endpoints:N0}{(complete ? "" : " — INCOMPLETE")}; one node: {one:F1}/s ({perSecond / one:F2}×)");

                var M = o.EnqueueEvents;
                var backlog = Begin($"{nodes.Count} nodes, backlog", 'm', M * BenchOptions.EnqueueFanOut);
                foreach (var n in nodes) await n.StandbyAsync();
                await ByCommittersAsync(0, M, i => nodes[i % nodes.Count].CommitAsync(EnqueueEvent, Key('m', i)));
                var early = backlog.Pairs;
                var resumed = Stopwatch.GetTimestamp();
                foreach (var n in nodes) await n.ResumeAsync();
                var drained = await backlog.WaitAsync(Stall, TimeSpan.FromSeconds(Math.Max(300, M * BenchOptions.EnqueueFanOut / 5.0)));
                foreach (var n in nodes) await n.PumpIdleAsync();
                var drainLast = backlog.Arrivals.Select(a => a.At).DefaultIfEmpty(resumed).Max();
                var drainRate = (backlog.Pairs - early) / PhaseCost.Elapsed(resumed, drainLast);
                var oneDrain = (double)json["drain_deliveries_per_s"];
                Add("several nodes", $"drain from a backlog, {nodes.Count} nodes pumping", "/s", Round(drainRate, 1),
                    $"{backlog.Pairs:N0} of {backlog.Expected:N0}{(drained ? "" : " — INCOMPLETE")}; one node: {oneDrain:F1}/s ({drainRate / oneDrain:F2}×)");
                json["nodes"] = new Dictionary<string, object>
                {
                    ["count"] = nodes.Count,
                    ["deliveries_per_s"] = Round(perSecond, 1),
                    ["drain_deliveries_per_s"] = Round(drainRate, 1),
                    ["duplicates"] = log.Duplicates + backlog.Duplicates,
                };
            }
            finally
            {
                foreach (var n in nodes.Skip(1)) await n.DisposeAsync();
            }
        }

        // ---------------------------------------------------------------- 7. the peers

        private async Task PeersAsync(double throughput)
        {
            var peers = new Dictionary<string, object>();
            json["peers"] = peers;
            if (o.Peers == "none") return;
            var results = await new PeerBench(o, this, engine, farm).RunAsync();
            foreach (var r in results)
            {
                if (r.NotRun is not null)
                {
                    Add("peers", $"{r.Title}", "", $"NOT RUN: {r.NotRun}");
                    peers[r.Key] = new Dictionary<string, object> { ["not_run"] = r.NotRun, ["lost"] = r.Lost };
                    continue;
                }
                Add("peers", $"{r.Title}: enqueue, events/s", "/s", Round(r.EnqueueEventsPerSecond, 1), $"fan-out {o.Endpoints}, workers stopped, {o.Committers} committers");
                Add("peers", $"{r.Title}: drain, deliveries/s", "/s", Round(r.DrainPerSecond, 1), $"a backlog of {o.PeerEvents * o.Endpoints:N0}; {r.CpuMicrosecondsPerDrainedDelivery:F0} µs of CPU per delivery");
                Add("peers", $"{r.Title}: end to end, deliveries/s", "/s", Round(r.DeliveriesPerSecond, 1), $"{o.PeerEvents:N0} events, first commit → last arrival");
                Add("peers", $"{r.Title}: lost / late / duplicates", "", $"{r.Lost} / {r.Late} / {r.Duplicates}", "lost must be 0; late: arrived after their phase stopped waiting (75 s without an arrival)");
                Add("peers", $"EasySpace / {r.Title}, end to end", "x", Round(throughput / Math.Max(1e-9, r.DeliveriesPerSecond), 1), "target ≥ 5");
                peers[r.Key] = new Dictionary<string, object>
                {
                    ["deliveries_per_s"] = Round(r.DeliveriesPerSecond, 1),
                    ["drain_deliveries_per_s"] = Round(r.DrainPerSecond, 1),
                    ["enqueue_events_per_s"] = Round(r.EnqueueEventsPerSecond, 1),
                    ["lost"] = r.Lost,
                };
            }
            Add("peers", "settings", "", $"Hangfire: {HangfirePeer.Workers} workers, QueuePollInterval {HangfirePeer.QueuePollInterval.TotalMilliseconds} ms; " +
                                         $"Quartz: {QuartzAdoPeer.Threads} threads; both: one job per delivery, HttpClient with {o.PerEndpoint} connections per receiver");
        }

        // ---------------------------------------------------------------- 5, 6. memory, losses, consistency

        private async Task FinishAsync()
        {
            farm.Record(null);
            var engineLogs = logs.Where(l => l.Prefix is 'w' or 't' or 'l' or 'q' or 'k' or 'n' or 'm').ToList();
            var lost = engineLogs.Sum(l => l.Expected - l.Pairs);
            var duplicates = engineLogs.Sum(l => l.Duplicates);
            var extra = engineLogs.Sum(l => l.Extra);
            var rawLost = logs.Where(l => l.Prefix is 'r' or 'v').Sum(l => l.Expected - l.Pairs);

            // Quoted names and NOT for the boolean: the same text on SQLite and PostgreSQL.
            var undelivered = await engine.ScalarAsync("""SELECT COUNT(*) FROM "Deliveries" WHERE NOT "IsTest" AND "Status" <> 1""");
            var failedAttempts = await engine.ScalarAsync("""SELECT COUNT(*) FROM "Attempts" WHERE "Error" <> 0""");
            var deliveries = await engine.ScalarAsync("""SELECT COUNT(*) FROM "Deliveries" """);
            var attempts = await engine.ScalarAsync("""SELECT COUNT(*) FROM "Attempts" """);

            await RestAsync("memory", "CPU at rest after the run");
            Add("memory", "machine load at the end (all processes)", "", MachineLoad());
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;
            Add("memory", "peak working set through the engine phases", "MiB", Round(enginePeak / 1048576.0, 1),
                "VmHWM before the raw phase: engine + receivers + the bench's own bookkeeping, one process");
            Add("memory", "peak working set, whole run", "MiB", Round(peak / 1048576.0, 1), "including the raw phase's prepared bodies and client");
            Add("memory", "working set now / managed heap after full GC", "MiB",
                $"{Environment.WorkingSet / 1048576.0:F1} / {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:F1}");
            json["peak_rss_mb"] = Round(enginePeak / 1048576.0, 1);
            json["process_peak_rss_mb"] = Round(peak / 1048576.0, 1);

            Add("losses", "lost (committed deliveries that never arrived)", "", lost, "must be 0");
            Add("losses", "duplicates (a webhook-id arrived again)", "", duplicates, "");
            Add("losses", "extra (second webhook-id for one event and endpoint)", "", extra, "must be 0");
            Add("losses", "deliveries / attempts in the database", "", $"{deliveries:N0} / {attempts:N0}; not delivered: {undelivered}, failed attempts: {failedAttempts}");
            if (rawLost > 0) Add("losses", "raw posts that never arrived", "", rawLost);
            foreach (var l in engineLogs.Where(l => l.Foreign > 0))
                Add("losses", $"requests outside their phase ({l.Phase})", "", l.Foreign);

            // Where a delivery's bytes go: the payload columns, per delivery (indexes and row overhead are the rest).
            var columns = new (string Label, string Sql)[]
            {
                ("Events.FullBody+ThinBody", """SELECT SUM(length("FullBody") + length("ThinBody")) FROM "Events" """),
                ("Events.DataJson", """SELECT SUM(length("DataJson")) FROM "Events" """),
                ("Attempts.RequestHeadersJson", """SELECT SUM(length("RequestHeadersJson")) FROM "Attempts" """),
                ("Attempts.ResponseHeadersJson", """SELECT SUM(length("ResponseHeadersJson")) FROM "Attempts" """),
                ("Deliveries.EventName", """SELECT SUM(length("EventName")) FROM "Deliveries" """),
            };
            var parts = new List<string>();
            foreach (var (label, sql) in columns)
                parts.Add($"{label} {await engine.ScalarAsync(sql) / (double)Math.Max(1, deliveries):F0}");
            Add("storage", "payload bytes per delivery, by column", "B", string.Join(", ", parts));

            var sizes = await engine.TableSizesAsync();
            if (sizes.Count > 0)
                Add("storage", "largest tables and indexes at the end", "", string.Join(", ", sizes.Take(8).Select(s => $"{s.Name} {s.Bytes / 1048576.0:F1} MiB")));

            json["lost"] = (long)lost;
            json["duplicates"] = duplicates;
            json["extra"] = extra;
            json["undelivered_in_db"] = undelivered;
            json["failed_attempts"] = failedAttempts;
            json["events"] = o.Events;
            json["endpoints"] = o.Endpoints;
            json["body_bytes"] = o.BodyBytes;
            json["concurrency"] = o.Concurrency;
            json["per_endpoint"] = o.PerEndpoint;
            json["committers"] = o.Committers;
            json["cores"] = Environment.ProcessorCount;
            json["quick"] = o.Quick;
            json["profile"] = o.Profile;
            if (o.ReceiverDelayMs > 0) json["receiver_delay_ms"] = o.ReceiverDelayMs;
        }

        // ---------------------------------------------------------------- helpers

        private static List<double> Latencies(ArrivalLog log, long[] commits)
        {
            var list = new List<double>(log.Pairs);
            foreach (var a in log.Arrivals)
                if (a.EventIndex < commits.Length && commits[a.EventIndex] != 0)
                    list.Add(PhaseCost.Ms(commits[a.EventIndex], a.At));
            list.Sort();
            return list;
        }

        private void AddCost(string section, PhaseCost c, int units, string unit)
        {
            var n = Math.Max(1, units);
            Add(section, $"CPU per {unit} (process, {Environment.ProcessorCount} cores)", "µs",
                Round(c.CpuSeconds * 1e6 / n, 0), $"{c.CpuSeconds / Math.Max(1e-9, c.WallSeconds) * 100:F0} % of one core over {c.WallSeconds:F1} s");
            Add(section, "CPU by thread (% of one core)", "", ThreadCpu.Format(c.CpuByThread, c.WallSeconds, c.CpuSeconds));
            Add(section, $"allocated per {unit} / GCs gen0-1-2", "KiB", $"{c.AllocatedBytes / 1024.0 / n:F1} / {c.Gen0}-{c.Gen1}-{c.Gen2}");
            Add(section, "peak working set [MiB] / thread-pool threads / queued work items", "", $"{c.PeakWorkingSet / 1048576.0:F1} / {c.PeakThreads} / {c.PeakQueue}");
        }

        private void Add(string section, string metric, string unit, object value, string note = "")
        {
            var text = value is double d ? d.ToString("#,0.###", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            table.Add((section, metric + (unit.Length > 0 ? $" [{unit}]" : ""), text + (note.Length > 0 ? $"   ({note})" : "")));
        }

        /// <summary>The summary's headline keys first, in a fixed order, then the rest as they were measured.</summary>
        private Dictionary<string, object> Ordered()
        {
            string[] first = ["deliveries_per_s", "raw_posts_per_s", "ratio", "p50_ms", "p95_ms", "p99_ms", "enqueue_events_per_s",
                "peak_rss_mb", "db_mb_per_100k_deliveries", "lost", "duplicates", "events", "endpoints", "body_bytes"];
            var ordered = new Dictionary<string, object>();
            foreach (var key in first)
                if (json.TryGetValue(key, out var v)) ordered[key] = v;
            foreach (var (key, v) in json)
                ordered.TryAdd(key, v);
            return ordered;
        }

        /// <summary>Load average and CPU pressure (the share of time some runnable task waited for a CPU) over the last minute.</summary>
        private static string MachineLoad()
        {
            string Read(string path) { try { return File.ReadAllText(path); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; } }
            var load = Read("/proc/loadavg").Split(' ');
            var pressure = Read("/proc/pressure/cpu").Split('\n').FirstOrDefault(l => l.StartsWith("some", StringComparison.Ordinal))?
                .Split(' ').FirstOrDefault(f => f.StartsWith("avg60=", StringComparison.Ordinal))?[6..];
            return $"loadavg {(load.Length >= 3 ? string.Join(" ", load[..3]) : "?")}, CPU pressure avg60 {pressure ?? "?"} %";
        }

        private static double Round(double v, int digits) => double.IsFinite(v) ? Math.Round(v, digits) : 0;

        private void PrintTable()
        {
            Console.WriteLine();
            var width = table.Max(r => r.Metric.Length) + 2;
            string? section = null;
            foreach (var (s, metric, value) in table)
            {
                if (s != section)
                {
                    Console.WriteLine($"{s.ToUpperInvariant()}");
                    section = s;
                }
                Console.WriteLine($"  {metric.PadRight(width)}{value}");
            }
            Console.WriteLine();
        }

        private record struct Profile(Dictionary<string, SqlProfiler.Counter>? Statements, Dictionary<string, SqlProfiler.Counter>? Transactions,
            (List<(string Type, long Bytes)> Top, long Total)? Allocations);

        private void StartProfile()
        {
            if (profiler is not null) profiler.Start();
            allocations?.Start();
        }

        private Profile StopProfile()
        {
            var (statements, transactions) = profiler is not null ? profiler.Stop() : (null, null);
            return new Profile(statements, transactions, allocations?.Stop());
        }

        /// <summary>The --profile tables: SQLite time per statement kind, EF transactions' wall time, sampled allocations by type.</summary>
        private static void PrintProfile(Profile p, string what, int units, string unit)
        {
            var n = Math.Max(1, units);
            if (p.Statements is { } statements)
            {
                Console.WriteLine();
                Console.WriteLine($"SQLITE PROFILE, {what}: time inside sqlite3_step per statement kind");
                Console.WriteLine($"  {"count",8} {"per " + unit[..3],8} {"total ms",10} {"mean µs",9} {"max ms",8}  statement");
                foreach (var (sql, c) in statements.OrderByDescending(s => s.Value.TotalNs).Take(25))
                    Console.WriteLine($"  {c.Count,8:N0} {c.Count / (double)n,8:F2} {c.TotalNs / 1e6,10:F0} {c.TotalNs / 1e3 / c.Count,9:F0} {c.MaxNs / 1e6,8:F1}  {sql}");
                var all = statements.Values.Sum(c => c.TotalNs) / 1e6;
                Console.WriteLine($"  all statements: {statements.Values.Sum(c => c.Count):N0} executions, {all:F0} ms inside SQLite ({all * 1000 / n:F0} µs per {unit})");
            }
            if (p.Transactions is { Count: > 0 } transactions)
            {
                Console.WriteLine("EF TRANSACTIONS (wall time, including Microsoft.Data.Sqlite's busy retries)");
                foreach (var (kind, c) in transactions.OrderBy(t => t.Key))
                    Console.WriteLine($"  {c.Count,8:N0} {c.Count / (double)n,8:F2} {c.TotalNs / 1e6,10:F0} {c.TotalNs / 1e3 / c.Count,9:F0} {c.MaxNs / 1e6,8:F1}  {kind}; {c.Over100Ms} took > 100 ms");
            }
            if (p.Allocations is { } a)
            {
                Console.WriteLine($"ALLOCATIONS, {what} (sampled by the runtime every ~100 KB; {a.Total / 1048576.0:F0} MiB sampled, {a.Total / 1024.0 / n:F0} KiB per {unit})");
                foreach (var (type, bytes) in a.Top)
                    Console.WriteLine($"  {bytes * 100.0 / Math.Max(1, a.Total),5:F1} %  {bytes / 1024.0 / n,7:F1} KiB/{unit}  {type}");
            }
            if (p.Statements is not null || p.Allocations is not null) Console.WriteLine();
        }
    }
}
