using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// One endpoint's attempts in one hour, kept incrementally as attempts are recorded, so the stats page reads a few
/// rows instead of counting millions. Latencies fall into fixed buckets, enough for a median and a p95.
/// </summary>
public sealed class WebhookStatsHour
{
    /// <summary>Upper bounds (ms) of the latency buckets; the last bucket is everything slower.</summary>
    public static readonly int[] BucketBoundsMs = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

    public long EndpointId { get; private set; }
    public DateTimeOffset HourStart { get; private set; }
    public int Succeeded { get; private set; }
    public int Failed { get; private set; }
    public long TotalDurationMs { get; private set; }
    public int L0 { get; private set; }
    public int L1 { get; private set; }
    public int L2 { get; private set; }
    public int L3 { get; private set; }
    public int L4 { get; private set; }
    public int L5 { get; private set; }
    public int L6 { get; private set; }
    public int L7 { get; private set; }
    public int L8 { get; private set; }
    public int L9 { get; private set; }
    public int L10 { get; private set; }
    public int L11 { get; private set; }
    public int ErrHttpStatus { get; private set; }
    public int ErrRedirect { get; private set; }
    public int ErrTimeout { get; private set; }
    public int ErrConnectionRefused { get; private set; }
    public int ErrConnectionReset { get; private set; }
    public int ErrDns { get; private set; }
    public int ErrTls { get; private set; }
    public int ErrBlockedAddress { get; private set; }
    public int ErrOther { get; private set; }

    public int[] LatencyBuckets => [L0, L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11];

    public IReadOnlyDictionary<AttemptError, int> ErrorCounts => new Dictionary<AttemptError, int>
    {
        [AttemptError.HttpStatus] = ErrHttpStatus,
        [AttemptError.Redirect] = ErrRedirect,
        [AttemptError.Timeout] = ErrTimeout,
        [AttemptError.ConnectionRefused] = ErrConnectionRefused,
        [AttemptError.ConnectionReset] = ErrConnectionReset,
        [AttemptError.Dns] = ErrDns,
        [AttemptError.Tls] = ErrTls,
        [AttemptError.BlockedAddress] = ErrBlockedAddress,
        [AttemptError.Other] = ErrOther,
    };

    public static DateTimeOffset HourOf(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);

    public static int BucketOf(int durationMs)
    {
        var i = Array.FindIndex(BucketBoundsMs, bound => durationMs <= bound);
        return i < 0 ? BucketBoundsMs.Length : i;
    }

    /// <summary>Attempts of one endpoint in one hour, summed before they are written.</summary>
    internal sealed class Delta
    {
        public int Succeeded { get; private set; }
        public int Failed { get; private set; }
        public long TotalDurationMs { get; private set; }
        public int[] Buckets { get; } = new int[BucketBoundsMs.Length + 1];
        public int[] Errors { get; } = new int[ErrorColumns.Length];

        public void Add(AttemptResult result)
        {
            if (result.Succeeded) Succeeded++; else Failed++;
            TotalDurationMs += result.DurationMs;
            Buckets[BucketOf(result.DurationMs)]++;
            if (result.Error != AttemptError.None) Errors[(int)result.Error - 1]++;
        }
    }

    // AttemptError's values 1..9 in order: the error column of error e is ErrorColumns[e - 1].
    private static readonly string[] ErrorColumns =
        ["ErrHttpStatus", "ErrRedirect", "ErrTimeout", "ErrConnectionRefused", "ErrConnectionReset", "ErrDns", "ErrTls", "ErrBlockedAddress", "ErrOther"];

    /// <summary>The counter columns, in the order <see cref="DeliveryStore"/> writes them.</summary>
    internal static readonly string[] Counters =
        ["Succeeded", "Failed", "TotalDurationMs", .. Enumerable.Range(0, BucketBoundsMs.Length + 1).Select(i => "L" + i), .. ErrorColumns];
}
