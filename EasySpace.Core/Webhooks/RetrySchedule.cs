using Microsoft.Extensions.Options;

namespace EasySpace.Core.Webhooks;

/// <summary>The delays between attempts, and the jitter on them. Nothing else.</summary>
public sealed class RetrySchedule(IOptionsMonitor<WebhookOptions> options)
{
    public const double Jitter = 0.10;

    /// <summary>
    /// Cobot's "up to 20 hours": every retry is due within this long after the first attempt. A minute short of 20 h,
    /// for the pump to come round (every few seconds) to the last retry once it has fallen due.
    /// </summary>
    public static readonly TimeSpan Budget = TimeSpan.FromHours(20) - TimeSpan.FromMinutes(1);

    public IReadOnlyList<TimeSpan> Delays =>
        (options.CurrentValue.RetryDelays is { Length: > 0 } configured ? configured : WebhookOptions.DefaultRetryDelays).Select(TimeSpan.Parse).ToList();

    /// <summary>
    /// When to try again after <paramref name="failuresInRow"/> consecutive failures, the first of them at
    /// <paramref name="firstAttemptAt"/>; null when no retry is left. The scheduled delay gets ±10 % jitter and a
    /// Retry-After from the receiver may lengthen it, but no retry comes later than leaves the retries after it their
    /// scheduled delays within <see cref="Budget"/> (a longer configured schedule is its own budget).
    /// </summary>
    public DateTimeOffset? NextAttemptAt(int failuresInRow, DateTimeOffset firstAttemptAt, DateTimeOffset now, TimeSpan? retryAfter = null, Random? random = null)
    {
        var delays = Delays;
        if (failuresInRow < 1 || failuresInRow > delays.Count) return null;
        var scheduled = delays[failuresInRow - 1];
        var factor = 1 + ((random ?? Random.Shared).NextDouble() * 2 - 1) * Jitter;
        var delay = TimeSpan.FromTicks((long)(scheduled.Ticks * factor));
        if (retryAfter > delay) delay = retryAfter.Value;

        var total = Sum(delays, 0, delays.Count);
        var latest = firstAttemptAt + (total > Budget ? total : Budget) - Sum(delays, failuresInRow, delays.Count);
        var next = now + delay;
        if (next <= latest) return next;
        // Only a box that was down (or attempts that took longer than their delays) finds the latest moment passed:
        // the rest of the budget is gone, so the remaining retries keep the schedule's shortest gap rather than none.
        return latest > now ? latest : now + delays.Min();
    }

    private static TimeSpan Sum(IReadOnlyList<TimeSpan> delays, int from, int to)
    {
        var sum = TimeSpan.Zero;
        for (var i = from; i < to; i++) sum += delays[i];
        return sum;
    }
}
