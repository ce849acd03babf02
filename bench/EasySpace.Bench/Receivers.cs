using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EasySpace.Bench;

/// <summary>One request's first arrival: which event (its index in the phase), at which receiver, when (Stopwatch ticks).</summary>
public readonly record struct Arrival(int EventIndex, int Receiver, long At);

/// <summary>
/// What the receivers saw during one phase. Deduplicates on the delivery (a webhook-id at one endpoint; a repeat is a duplicate), tracks which
/// (event, receiver) pairs arrived, and completes <see cref="WaitAsync"/> when every expected pair has.
/// With <paramref name="endpointsShareReceivers"/> several endpoints post to one receiver, so each new webhook-id
/// counts as a pair (a second enqueue of an event is then not told apart).
/// </summary>
public sealed class ArrivalLog(string phase, char prefix, int expectedPairs, bool endpointsShareReceivers = false)
{
    private readonly ConcurrentDictionary<string, Arrival> byWebhookId = new();
    private readonly ConcurrentDictionary<long, byte> pairs = new();
    private readonly TaskCompletionSource all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int pairCount, duplicates, extra, foreign;

    public string Phase => phase;
    public char Prefix => prefix;
    public int Expected => expectedPairs;
    public int Pairs => Volatile.Read(ref pairCount);
    /// <summary>Requests whose webhook-id had arrived before.</summary>
    public int Duplicates => Volatile.Read(ref duplicates);
    /// <summary>A new webhook-id for an (event, receiver) pair that already had one: the event was enqueued twice.</summary>
    public int Extra => Volatile.Read(ref extra);
    /// <summary>Requests that belong to no event of this phase (a straggler from an earlier phase).</summary>
    public int Foreign => Volatile.Read(ref foreign);
    public ICollection<Arrival> Arrivals => byWebhookId.Values;

    public void Add(string webhookId, string? eventKey, int receiver, long at)
    {
        if (eventKey is null || eventKey.Length < 3 || eventKey[0] != prefix || !int.TryParse(eventKey.AsSpan(2), out var index))
        {
            Interlocked.Increment(ref foreign);
            return;
        }
        if (!byWebhookId.TryAdd(webhookId, new Arrival(index, receiver, at)))
        {
            Interlocked.Increment(ref duplicates);
            return;
        }
        if (!endpointsShareReceivers && !pairs.TryAdd((long)index << 16 | (uint)receiver, 0))
        {
            Interlocked.Increment(ref extra);
            return;
        }
        if (Interlocked.Increment(ref pairCount) >= expectedPairs) all.TrySetResult();
    }

    /// <summary>
    /// Waits for every expected pair. Gives up after <paramref name="stall"/> without progress (longer than the
    /// first retry delay, 1 min ± 10 %, so one failed attempt still arrives), or after <paramref name="cap"/> in all.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan stall, TimeSpan cap)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(cap.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var before = Pairs;
            var left = TimeSpan.FromSeconds((deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (left <= TimeSpan.Zero) return all.Task.IsCompleted;
            try
            {
                await all.Task.WaitAsync(left < stall ? left : stall);
                return true;
            }
            catch (TimeoutException) when (Pairs != before)
            {
                // still moving: keep waiting
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }
}

/// <summary>
/// N receivers on 127.0.0.1 (Kestrel, ports the OS picks) that answer 200 with an empty body as soon as the body
/// is read, and report each request's webhook-id, event and arrival time to the current phase's log.
/// </summary>
public sealed class ReceiverFarm : IAsyncDisposable
{
    private static readonly byte[] Marker = "/api/bookings/"u8.ToArray();
    private readonly List<WebApplication> apps = [];
    private readonly List<Uri> urls = [];
    private readonly int delayMs;
    private volatile ArrivalLog[] current = [];
    private long requests;

    private ReceiverFarm(int delayMs) => this.delayMs = delayMs;

    public IReadOnlyList<Uri> Urls => urls;
    public long Requests => Interlocked.Read(ref requests);

    public static async Task<ReceiverFarm> StartAsync(int count, int delayMs)
    {
        var farm = new ReceiverFarm(delayMs);
        for (var i = 0; i < count; i++)
        {
            // No config reload: each builder would watch the working directory, and a profile run writing its
            // perf.data there had ten watchers reading its events (7 % of the enqueue phase's samples).
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var index = i;
            app.Run(http => farm.HandleAsync(http, index));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            farm.apps.Add(app);
            farm.urls.Add(new Uri(address.Replace("localhost", "127.0.0.1") + "/hook"));
        }
        return farm;
    }

    /// <summary>From now on arrivals go to <paramref name="log"/>.</summary>
    public void Record(ArrivalLog? log) => current = log is null ? [] : [log];

    /// <summary>
    /// From now on each arrival goes to the log of its event's prefix, and what matches none to the first: a job library
    /// still delivering an earlier phase's jobs (after a retry) has them counted where they belong.
    /// </summary>
    public void RecordAll(IReadOnlyList<ArrivalLog> logs) => current = [.. logs];

    /// <summary>The log of the key's prefix, else the first (which counts it as foreign); a loop: this runs for every request.</summary>
    private ArrivalLog? LogFor(string? key)
    {
        var logs = current;
        if (logs.Length == 0) return null;
        if (key is { Length: > 0 })
            foreach (var log in logs)
                if (log.Prefix == key[0]) return log;
        return logs[0];
    }

    private async Task HandleAsync(HttpContext http, int receiver)
    {
        var at = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref requests);
        // A webhook-id names the event, the same for every endpoint it goes to: a delivery is the id at one endpoint,
        // told apart by receiver and, where endpoints share a receiver, by the path each endpoint posts to.
        var delivery = $"{http.Request.Headers["webhook-id"]} {receiver}{http.Request.Path}";
        var key = await ReadEventKeyAsync(http.Request);
        LogFor(key)?.Add(delivery, key, receiver, at);
        if (delayMs > 0) await Task.Delay(delayMs);
        http.Response.StatusCode = 200; // empty body: Content-Length 0
    }

    /// <summary>Reads the whole body and returns the event key in its <c>"url": ".../api/bookings/{key}"</c>.</summary>
    private static async Task<string?> ReadEventKeyAsync(HttpRequest request)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync();
            if (!result.IsCompleted)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                continue;
            }
            var buffer = result.Buffer;
            string? key = null;
            if (buffer.IsSingleSegment) key = Find(buffer.FirstSpan);
            else
            {
                var copy = ArrayPool<byte>.Shared.Rent((int)buffer.Length);
                buffer.CopyTo(copy);
                key = Find(copy.AsSpan(0, (int)buffer.Length));
                ArrayPool<byte>.Shared.Return(copy);
            }
            reader.AdvanceTo(buffer.End);
            return key;
        }

        static string? Find(ReadOnlySpan<byte> body)
        {
            var at = body.IndexOf(Marker);
            if (at < 0) return null;
            var rest = body[(at + Marker.Length)..];
            var end = rest.IndexOf((byte)'"');
            return end < 0 ? null : Encoding.ASCII.GetString(rest[..end]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
