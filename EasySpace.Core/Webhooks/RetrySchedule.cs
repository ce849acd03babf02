using Microsoft.Extensions.Options;

namespace EasySpace.Core.Webhooks;

/// <summary>The delays between attempts, and the jitter on them. Nothing else.</summary>
public sealed class RetrySchedule(IOptionsMonitor<WebhookOptions> options)
{
    public const double Jitter = 0.10;

    public IReadOnlyList<TimeSpan> Delays =>
        (options.CurrentValue.RetryDelays is { Length: > 0 } configured ? configured : WebhookOptions.DefaultRetryDelays).Select(TimeSpan.Parse).ToList();

    /// <summary>
    /// When to try again after <paramref name="failuresInRow"/> consecutive failures, or null when no retry is left.
    /// A Retry-After from the receiver is honoured within the schedule's bounds: never sooner than the
    /// scheduled delay, never later than the longest one.
    /// </summary>
    public DateTimeOffset? NextAttemptAt(int failuresInRow, DateTimeOffset now, TimeSpan? retryAfter = null, Random? random = null)
    {
        var delays = Delays;
        if (failuresInRow < 1 || failuresInRow > delays.Count) return null;
        var scheduled = delays[failuresInRow - 1];
        var factor = 1 + ((random ?? Random.Shared).NextDouble() * 2 - 1) * Jitter;
        var delay = TimeSpan.FromTicks((long)(scheduled.Ticks * factor));
        if (retryAfter is { } asked)
            delay = TimeSpan.FromTicks(Math.Clamp(asked.Ticks, delay.Ticks, Math.Max(delay.Ticks, delays.Max().Ticks)));
        return now + delay;
    }
}
