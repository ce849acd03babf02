using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;

namespace EasySpace.Bench;

/// <summary>
/// The raw limit: the same bodies and the same header set POSTed with a plain HttpClient to the same receivers, under
/// the same limits (global <c>MaxConcurrency</c>, <c>MaxConcurrencyPerEndpoint</c> per receiver and as the connection
/// limit per server, like the engine's handler). No database, no signing (a signature of the right length is sent),
/// no recording: what the HTTP path and the receivers cost by themselves.
/// </summary>
public static class RawLoad
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public sealed record Item(string MessageId, byte[] Body, string Signature);

    /// <summary>Bodies built exactly as the outbox builds them (full format), before the clock starts.</summary>
    public static List<Item>[] Prepare(Engine engine, int receivers, int events, char prefix, int firstIndex = 0)
    {
        var type = EventCatalogue.Find("created_booking")!;
        var now = DateTimeOffset.UtcNow;
        var lists = new List<Item>[receivers];
        for (var r = 0; r < receivers; r++)
        {
            lists[r] = new List<Item>(events);
            for (var i = 0; i < events; i++)
            {
                var key = BenchRun.Key(prefix, firstIndex + i);
                var messageId = MessageIds.New();
                var body = PayloadBuilder.Build(PayloadFormat.Full, type, messageId, Engine.Url(key), engine.Data(key), now);
                lists[r].Add(new Item(messageId, body, "v1," + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
            }
        }
        return lists;
    }

    /// <summary>Sends everything; returns the Stopwatch timestamp of the first send and the number of non-2xx answers or errors.</summary>
    public static async Task<(long Start, int Failures)> RunAsync(IReadOnlyList<Uri> urls, List<Item>[] work, int concurrency, int perReceiver)
    {
        using var http = NewClient(perReceiver);
        var global = new SemaphoreSlim(concurrency, concurrency);
        var failures = 0;
        var start = Stopwatch.GetTimestamp();
        var workers = new List<Task>();
        for (var r = 0; r < work.Length; r++)
        {
            var url = urls[r];
            var items = work[r];
            var next = -1;
            for (var w = 0; w < perReceiver; w++)
            {
                workers.Add(Task.Run(async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < items.Count)
                    {
                        await global.WaitAsync();
                        try
                        {
                            var item = items[i];
                            if (!await PostAsync(http, url, item.MessageId, item.Body, item.Signature, DateTimeOffset.UtcNow.ToUnixTimeSeconds())) Interlocked.Increment(ref failures);
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                        {
                            Interlocked.Increment(ref failures);
                        }
                        finally
                        {
                            global.Release();
                        }
                    }
                }));
            }
        }
        await Task.WhenAll(workers);
        return (start, failures);
    }

    /// <summary>A client like the engine's: no redirects, no cookies, no proxy, at most <paramref name="perReceiver"/> connections to each receiver.</summary>
    public static HttpClient NewClient(int perReceiver) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        MaxConnectionsPerServer = perReceiver,
    }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>One POST with the engine's header set; true when the receiver answered 2xx.</summary>
    public static async Task<bool> PostAsync(HttpClient http, Uri url, string messageId, byte[] body, string signature, long timestamp, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Content = new ByteArrayContent(body) { Headers = { ContentType = Json } };
        var headers = request.Headers;
        headers.TryAddWithoutValidation("User-Agent", DeliverySender.UserAgent);
        headers.TryAddWithoutValidation("webhook-id", messageId);
        headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation("webhook-signature", signature);
        headers.TryAddWithoutValidation("X-EasySpace-Event", "created_booking");
        headers.TryAddWithoutValidation("X-EasySpace-Attempt", "1");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[512];
        while (await stream.ReadAsync(buffer, ct) > 0) { }
        return response.IsSuccessStatusCode;
    }
}
