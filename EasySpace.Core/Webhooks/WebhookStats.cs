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

    /// <summary>Adds one attempt to its hour's row, inside the caller's transaction (one upsert statement).</summary>
    internal static Task AddAsync(AppDbContext db, long endpointId, AttemptResult result, CancellationToken ct)
    {
        var bucket = "L" + BucketOf(result.DurationMs);
        var error = result.Error == AttemptError.None ? null : "Err" + result.Error;
        var ok = result.Succeeded ? 1 : 0;
        string[] counters = [.. Enumerable.Range(0, BucketBoundsMs.Length + 1).Select(i => "L" + i), .. ErrorColumns];
        // Column names come from our own bucket index and enum, never from input.
        var columns = string.Join(", ", counters);
        var values = string.Join(", ", counters.Select(c => c == bucket || c == error ? "1" : "0"));
        var errorUpdate = error is null ? "" : $", {error} = {error} + 1";
        var sql = $$"""
            INSERT INTO WebhookStats (EndpointId, HourStart, Succeeded, Failed, TotalDurationMs, {{columns}})
            VALUES ({0}, {1}, {2}, {3}, {4}, {{values}})
            ON CONFLICT (EndpointId, HourStart) DO UPDATE SET
                Succeeded = Succeeded + excluded.Succeeded,
                Failed = Failed + excluded.Failed,
                TotalDurationMs = TotalDurationMs + excluded.TotalDurationMs,
                {{bucket}} = {{bucket}} + 1{{errorUpdate}}
            """;
        return db.Database.ExecuteSqlRawAsync(sql, [endpointId, HourOf(result.At).UtcTicks, ok, 1 - ok, (long)result.DurationMs], ct);
    }

    private static readonly string[] ErrorColumns =
        ["ErrHttpStatus", "ErrRedirect", "ErrTimeout", "ErrConnectionRefused", "ErrConnectionReset", "ErrDns", "ErrTls", "ErrBlockedAddress", "ErrOther"];
}
