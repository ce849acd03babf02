using System.Diagnostics;

namespace EasySpace.Bench;

/// <summary>What the process spent during one phase: wall time, CPU, allocations, collections, peak working set.</summary>
public sealed class PhaseCost
{
    private readonly long start = Stopwatch.GetTimestamp();
    private readonly TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly long alloc0 = GC.GetTotalAllocatedBytes(precise: true);
    private readonly int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
    private readonly ThreadCpu threads = new();

    public List<(string Group, double Seconds, int Threads)> CpuByThread { get; private set; } = [];

    public double WallSeconds { get; private set; }
    public double CpuSeconds { get; private set; }
    public long AllocatedBytes { get; private set; }
    public int Gen0 { get; private set; }
    public int Gen1 { get; private set; }
    public int Gen2 { get; private set; }
    public long PeakWorkingSet { get; private set; }
    /// <summary>The most thread-pool threads seen: blocking calls (Thread.Sleep in a busy retry, synchronous I/O) make the pool add threads.</summary>
    public int PeakThreads { get; private set; }
    public long PeakQueue { get; private set; }

    public static PhaseCost Begin()
    {
        MemorySampler.ResetPhase();
        return new PhaseCost();
    }

    public PhaseCost End()
    {
        WallSeconds = Elapsed(start, Stopwatch.GetTimestamp());
        CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
        Gen0 = GC.CollectionCount(0) - gen0;
        Gen1 = GC.CollectionCount(1) - gen1;
        Gen2 = GC.CollectionCount(2) - gen2;
        PeakWorkingSet = MemorySampler.PhasePeak;
        PeakThreads = MemorySampler.PhasePeakThreads;
        PeakQueue = MemorySampler.PhasePeakQueue;
        CpuByThread = threads.Since();
        return this;
    }

    public static double Elapsed(long from, long to) => (to - from) / (double)Stopwatch.Frequency;
    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}

/// <summary>Samples the working set and the thread pool's size every 20 ms, keeping the peaks per phase.</summary>
public static class MemorySampler
{
    private static long phasePeak;
    private static int phasePeakThreads;
    private static long phasePeakQueue;
    private static CancellationTokenSource? stop;
    private static Task? loop;

    public static long PhasePeak => Math.Max(Volatile.Read(ref phasePeak), Environment.WorkingSet);

    public static int PhasePeakThreads => Math.Max(Volatile.Read(ref phasePeakThreads), ThreadPool.ThreadCount);
    /// <summary>The longest thread-pool queue seen: work waiting for a thread (starvation when threads are blocked).</summary>
    public static long PhasePeakQueue => Volatile.Read(ref phasePeakQueue);

    public static void ResetPhase()
    {
        Volatile.Write(ref phasePeak, Environment.WorkingSet);
        Volatile.Write(ref phasePeakThreads, ThreadPool.ThreadCount);
        Volatile.Write(ref phasePeakQueue, 0);
    }

    public static void Start()
    {
        stop = new CancellationTokenSource();
        var token = stop.Token;
        loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            try
            {
                while (await timer.WaitForNextTickAsync(token))
                {
                    var now = Environment.WorkingSet;
                    long seen;
                    while (now > (seen = Volatile.Read(ref phasePeak)) && Interlocked.CompareExchange(ref phasePeak, now, seen) != seen) { }
                    var threads = ThreadPool.ThreadCount;
                    int had;
                    while (threads > (had = Volatile.Read(ref phasePeakThreads)) && Interlocked.CompareExchange(ref phasePeakThreads, threads, had) != had) { }
                    var queued = ThreadPool.PendingWorkItemCount;
                    long was;
                    while (queued > (was = Volatile.Read(ref phasePeakQueue)) && Interlocked.CompareExchange(ref phasePeakQueue, queued, was) != was) { }
                }
            }
            catch (OperationCanceledException) { }
        });
    }

    public static async Task StopAsync()
    {
        stop?.Cancel();
        if (loop is not null) await loop;
    }
}

public static class Percentiles
{
    /// <summary>Nearest-rank percentile of a sorted list.</summary>
    public static double Of(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

/// <summary>How long an fsync of a small write takes on the disk that holds the database (SQLite in WAL mode with synchronous=FULL syncs the WAL on every commit).</summary>
public static class FsyncProbe
{
    public static (double Median, double P90) Run(string directory, int count = 200)
    {
        var path = Path.Combine(directory, "fsync-probe.bin");
        var block = new byte[4096];
        var times = new List<double>(count);
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            for (var i = 0; i < count; i++)
            {
                Random.Shared.NextBytes(block);
                file.Write(block);
                var t = Stopwatch.GetTimestamp();
                file.Flush(flushToDisk: true);
                times.Add(PhaseCost.Ms(t, Stopwatch.GetTimestamp()));
            }
        }
        File.Delete(path);
        times.Sort();
        return (Percentiles.Of(times, 50), Percentiles.Of(times, 90));
    }
}

/// <summary>CPU time per thread name, from /proc/self/task (Linux): who burns the CPU — the thread pool (our code, EF,
/// SQLite, Kestrel, HttpClient), the GC, the JIT, timers. Names are the first 15 characters the runtime gives threads.</summary>
public sealed class ThreadCpu
{
    private readonly Dictionary<int, (string Name, long Ticks)> start = Read();

    private static Dictionary<int, (string Name, long Ticks)> Read()
    {
        var result = new Dictionary<int, (string, long)>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var open = stat.IndexOf('(');
                    var close = stat.LastIndexOf(')');
                    var name = stat[(open + 1)..close];
                    var fields = stat[(close + 2)..].Split(' ');
                    // fields[0] is state (field 3); utime and stime are fields 14 and 15.
                    result[int.Parse(Path.GetFileName(dir))] = (name, long.Parse(fields[11]) + long.Parse(fields[12]));
                }
                catch (IOException) { }
            }
        }
        catch (DirectoryNotFoundException) { }
        return result;
    }

    /// <summary>CPU seconds per thread-name group since this was made (clock ticks are 1/100 s on Linux).</summary>
    public List<(string Group, double Seconds, int Threads)> Since()
    {
        var now = Read();
        return now.Select(t => (Group: Group(t.Value.Name), Ticks: t.Value.Ticks - (start.TryGetValue(t.Key, out var s) && s.Name == t.Value.Name ? s.Ticks : 0)))
            .GroupBy(t => t.Group)
            .Select(g => (g.Key, g.Sum(t => t.Ticks) / 100.0, g.Count(t => t.Ticks > 0)))
            .Where(g => g.Item2 > 0)
            .OrderByDescending(g => g.Item2)
            .ToList();
    }

    private static string Group(string name) => name.StartsWith(".NET TP Worker", StringComparison.Ordinal) ? ".NET TP Worker" : name;

    /// <param name="processCpu">The process's CPU over the same window: what live threads do not account for ran on threads that have exited since (the pool retires idle threads).</param>
    public static string Format(List<(string Group, double Seconds, int Threads)> groups, double wall, double processCpu, int top = 6)
    {
        var parts = groups.Take(top).Select(g => $"{g.Group.Trim()} {g.Seconds / Math.Max(1e-9, wall) * 100:F0}%").ToList();
        var gone = processCpu - groups.Sum(g => g.Seconds);
        if (gone / Math.Max(1e-9, wall) >= 0.01) parts.Add($"threads since exited {gone / wall * 100:F0}%");
        return string.Join(", ", parts);
    }
}
