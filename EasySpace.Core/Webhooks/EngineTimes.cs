using System.Diagnostics;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// Where the engine's time goes, for the bench (issue 15: the engine leaves part of the two cores idle): how long the
/// pump's slots stood empty and why, and how long the writer's rounds took. Stopwatch ticks, summed since the start;
/// each field is written by one loop only (the pump's run, the writer's), so plain adds do.
/// </summary>
public sealed class EngineTimes
{
    /// <summary>Slot-ticks: each of the pump's slots, for as long as it held an attempt under way.</summary>
    public long SlotsSending;
    /// <summary>Slot-ticks empty while nothing was held to send and a claim was under way.</summary>
    public long SlotsAwaitingClaim;
    /// <summary>Slot-ticks empty while deliveries were held, each for an endpoint at its own limit.</summary>
    public long SlotsAtEndpointLimit;
    /// <summary>Slot-ticks empty with nothing held and no claim under way (all due work sent, or waiting for a commit).</summary>
    public long SlotsNothingToDo;

    /// <summary>Ticks the pump's loop spent working between its waits (taking ended sends, starting new ones): it is one flow.</summary>
    public long PumpLoopTicks;

    /// <summary>Ticks a claim waited in the writer's queue before its round began.</summary>
    public long ClaimQueued;
    public long ClaimRounds, ClaimRoundTicks, ClaimRoundCpuNs;
    /// <summary>Ticks of the claim rounds spent in the pump's own work, which goes on on the writer's thread when a claim is handed over.</summary>
    public long ClaimPumpTicks;
    public long RecordRounds, RecordRoundTicks, RecordRoundCpuNs, Recorded;
    /// <summary>Ticks the writer waited for more attempts to share a record round.</summary>
    public long Gathering;

    /// <summary>Whether rounds read their thread's CPU time (a system call each time): the bench turns it on.</summary>
    public bool MeasureCpu;

    /// <summary>
    /// The calling thread's CPU time in ns (Linux; 0 elsewhere): a round's wall time less its CPU is time it waited or
    /// was preempted. Only on SQLite, whose rounds run on one thread from start to end; on PostgreSQL a round resumes
    /// on whichever thread its I/O completes on.
    /// </summary>
    public long ThreadCpuNs()
    {
        if (!MeasureCpu || !OperatingSystem.IsLinux()) return 0;
        clock_gettime(ClockThreadCpuTime, out var t);
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    /// <summary>The figures as they stand now, to subtract from later ones.</summary>
    public EngineTimes Snapshot() => (EngineTimes)MemberwiseClone();

    /// <summary>Accounts the time since <paramref name="since"/> to the slots as they stood; returns now.</summary>
    public long Slots(long since, int slots, int inFlight, int held, bool claiming)
    {
        var now = Stopwatch.GetTimestamp();
        var ticks = now - since;
        SlotsSending += ticks * inFlight;
        var empty = ticks * Math.Max(0, slots - inFlight);
        if (held > 0) SlotsAtEndpointLimit += empty;
        else if (claiming) SlotsAwaitingClaim += empty;
        else SlotsNothingToDo += empty;
        return now;
    }
}
