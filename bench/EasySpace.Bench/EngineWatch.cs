using System.Diagnostics;
using EasySpace.Core.Data;
using EasySpace.Core.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Bench;

/// <summary>
/// Where the engine's time went in one phase: the pump's slots (sending, or empty and why), the writer's rounds, the
/// WAL checkpoints, and how long the WAL grew between resets (SQLite: its frame count read from the -shm file).
/// </summary>
public sealed class EngineWatch
{
    private readonly EngineTimes times;
    private readonly EngineTimes start;
    private readonly long checkpoints = GroupCommit.CheckpointTicks;
    private readonly long checkpointCalls = GroupCommit.Checkpoints;
    private long checkpointCallsEnd;
    private readonly long checkpointsInCommits = GroupCommit.CheckpointsInCommits;
    private long checkpointsInCommitsEnd;
    private readonly (long Frames, long Commits) frames = GroupCommit.FrameCounts;
    private (long Frames, long Commits) framesEnd;
    private readonly (long Waits, long Woken) lockWaits = GroupCommit.LockWaits;
    private readonly (long Syncs, long Commits) syncs = GroupCommit.Syncs;
    private (long Syncs, long Commits) syncsEnd;
    private (long Waits, long Woken) lockWaitsEnd;
    private readonly long began = Stopwatch.GetTimestamp();
    private readonly string? shm;
    private readonly bool cpuKnown;
    private readonly CancellationTokenSource stop = new();
    private readonly Task<(long MaxFrames, int Resets, int Samples)> wal;
    private EngineTimes? end;
    private long checkpointsEnd;
    private long ended;

    public EngineWatch(Engine engine)
    {
        times = engine.Services.GetRequiredService<EngineTimes>();
        start = times.Snapshot();
        shm = engine.IsPostgres ? null : engine.DatabasePath + "-shm";
        cpuKnown = !engine.IsPostgres && OperatingSystem.IsLinux() && times.MeasureCpu; // EngineTimes.ThreadCpuNs
        wal = shm is null ? Task.FromResult((0L, 0, 0)) : Task.Run(() => SampleWal(shm, stop.Token));
    }

    public async Task EndAsync()
    {
        ended = Stopwatch.GetTimestamp();
        end = times.Snapshot();
        checkpointsEnd = GroupCommit.CheckpointTicks;
        framesEnd = GroupCommit.FrameCounts;
        checkpointCallsEnd = GroupCommit.Checkpoints;
        checkpointsInCommitsEnd = GroupCommit.CheckpointsInCommits;
        lockWaitsEnd = GroupCommit.LockWaits;
        syncsEnd = GroupCommit.Syncs;
        await stop.CancelAsync();
    }

    public async Task<List<(string Metric, string Value)>> LinesAsync(int slots)
    {
        var e = end!;
        var wall = (double)(ended - began);
        double Share(Func<EngineTimes, long> f) => (f(e) - f(start)) / (wall * slots) * 100;
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        string Cpu(long ns, long rounds) => cpuKnown ? $"{ns / 1e6 / rounds:F2}" : "n/a";
        var claimRounds = e.ClaimRounds - start.ClaimRounds;
        var recordRounds = e.RecordRounds - start.RecordRounds;
        var (maxFrames, resets, samples) = await wal;
        var lines = new List<(string, string)>
        {
            ("pump slots: sending / empty awaiting a claim / empty at endpoint limits / empty, nothing due [% of slot time]",
                $"{Share(t => t.SlotsSending):F0} / {Share(t => t.SlotsAwaitingClaim):F0} / {Share(t => t.SlotsAtEndpointLimit):F0} / {Share(t => t.SlotsNothingToDo):F0}"),
            ("pump: its loop at work (taking ended sends, starting new ones) [% of the phase]", $"{(e.PumpLoopTicks - start.PumpLoopTicks) / wall * 100:F0}"),
            ("writer: claim rounds, mean ms (of it CPU) / mean ms queued before the round / share of the phase",
                claimRounds == 0 ? "none" : $"{claimRounds:N0}, {Ms(e.ClaimRoundTicks - start.ClaimRoundTicks) / claimRounds:F2} ({Cpu(e.ClaimRoundCpuNs - start.ClaimRoundCpuNs, claimRounds)}) / {Ms(e.ClaimQueued - start.ClaimQueued) / claimRounds:F2} / {(e.ClaimRoundTicks - start.ClaimRoundTicks) / wall * 100:F0} %"),
            ("writer: claim rounds, mean ms of the pump's own work on the writer's thread (getting targets, starting sends)",
                claimRounds == 0 ? "none" : $"{Ms(e.ClaimPumpTicks - start.ClaimPumpTicks) / claimRounds:F2}"),
            ("writer: record rounds, attempts a round, mean ms (of it CPU) / share of the phase / share waiting for more attempts",
                recordRounds == 0 ? "none" : $"{recordRounds:N0}, {(e.Recorded - start.Recorded) / (double)recordRounds:F0}, {Ms(e.RecordRoundTicks - start.RecordRoundTicks) / recordRounds:F2} ({Cpu(e.RecordRoundCpuNs - start.RecordRoundCpuNs, recordRounds)}) / {(e.RecordRoundTicks - start.RecordRoundTicks) / wall * 100:F0} % / {(e.Gathering - start.Gathering) / wall * 100:F0} %"),
        };
        if (shm is null) return lines; // PostgreSQL: no WAL of ours to show
        lines.Add(("WAL checkpoints (asked for past 1,000 frames, run off the commits but in the commit past 8,000), ms",
            $"{Ms(checkpointsEnd - checkpoints):F0} in {checkpointCallsEnd - checkpointCalls} checkpoints ({checkpointsInCommitsEnd - checkpointsInCommits} in a commit), of a {wall * 1000 / Stopwatch.Frequency:F0} ms phase"));
        var commits = framesEnd.Commits - frames.Commits;
        lines.Add(("WAL frames written (4 KiB pages): in all / per commit", $"{framesEnd.Frames - frames.Frames:N0} / {(commits == 0 ? 0 : (framesEnd.Frames - frames.Frames) / (double)commits):F1} ({commits:N0} commits)"));
        lines.Add(("WAL frames: most at once / resets seen", $"{maxFrames:N0} / {resets} ({samples} samples)"));
        lines.Add(SyncsLine(syncs, syncsEnd));
        lines.Add(LockWaitsLine(lockWaits, lockWaitsEnd));
        return lines;
    }

    /// <summary>SQLite: the WAL syncs between two readings of <see cref="GroupCommit.Syncs"/>.</summary>
    public static (string Metric, string Value) SyncsLine((long Syncs, long Commits) before, (long Syncs, long Commits) after) =>
        ("WAL syncs (a page's save waits for one; the writer's rounds do not) / saves they covered",
            $"{after.Syncs - before.Syncs:N0} / {after.Commits - before.Commits:N0}");

    /// <summary>SQLite: the writers' turns waiting for the lock between two readings of <see cref="GroupCommit.LockWaits"/>.</summary>
    public static (string Metric, string Value) LockWaitsLine((long Waits, long Woken) before, (long Waits, long Woken) after) =>
        ("turns waiting for the write lock (pages' saves and the writer's rounds; a turn ends at a commit or after 1 ms) / of them ended by a commit",
            $"{after.Waits - before.Waits:N0} / {after.Woken - before.Woken:N0}");

    // The wal-index header (SQLite's wal.c): mxFrame is the u32 at byte 16, in the machine's byte order.
    private static async Task<(long, int, int)> SampleWal(string path, CancellationToken ct)
    {
        long max = 0, last = 0;
        int resets = 0, samples = 0;
        var header = new byte[20];
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
        try
        {
            do
            {
                using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                    if (RandomAccess.Read(handle, header, 0) < header.Length) continue;
                long frames = BitConverter.ToUInt32(header, 16);
                samples++;
                if (frames < last) resets++;
                last = frames;
                max = Math.Max(max, frames);
            } while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) { }
        catch (FileNotFoundException) { }
        return (max, resets, samples);
    }
}
