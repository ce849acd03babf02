using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;

namespace EasySpace.Bench.Peers;

/// <summary>
/// What a .NET team would build instead of the engine: a job library with a SQLite store, one job per delivery. Each
/// peer runs in this process against the same receivers, with the same bodies and limits as the engine, and keeps its
/// store in its own data directory.
/// </summary>
public abstract class Peer : IAsyncDisposable
{
    protected Peer(string dataDirectory, PeerSender sender)
    {
        DataDirectory = dataDirectory;
        Sender = sender;
        Directory.CreateDirectory(dataDirectory);
    }

    public string DataDirectory { get; }
    protected PeerSender Sender { get; }

    /// <summary>One event: its deliveries written to the store as one job each (as one transaction where the library allows).</summary>
    public abstract Task EnqueueAsync(string eventKey);

    /// <summary>Starts the workers; jobs enqueued before wait in the store until then.</summary>
    public abstract Task StartWorkersAsync();

    /// <summary>Stops the workers after the jobs under way have finished.</summary>
    public abstract Task StopWorkersAsync();

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// Builds and sends a delivery the way the engine does: the full-format body from <see cref="PayloadBuilder"/>, signed the
/// Standard Webhooks way with <see cref="Signer"/>, POSTed with the raw phase's headers by one HttpClient that keeps at most
/// <c>perEndpoint</c> connections to each receiver. A non-2xx answer throws, so the job library retries the job.
/// </summary>
public sealed class PeerSender : IDisposable
{
    private readonly EventType type = EventCatalogue.Find("created_booking")!; // what the engine's throughput phase raises
    private readonly Engine engine;
    private readonly HttpClient http;
    private readonly string[] secrets;

    public PeerSender(Engine engine, IReadOnlyList<Uri> urls, int perEndpoint)
    {
        this.engine = engine;
        Urls = urls;
        secrets = urls.Select(_ => Signer.NewSecret()).ToArray();
        http = RawLoad.NewClient(perEndpoint);
    }

    public IReadOnlyList<Uri> Urls { get; }

    /// <summary>A delivery's body, as the outbox builds it for the event <paramref name="eventKey"/> (same size as the engine's).</summary>
    public string Body(string messageId, string eventKey) =>
        System.Text.Encoding.UTF8.GetString(PayloadBuilder.Build(PayloadFormat.Full, type, messageId, Engine.Url(eventKey), engine.Data(eventKey), DateTimeOffset.UtcNow));

    public async Task SendAsync(int endpoint, string messageId, string body, CancellationToken ct)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = Signer.Sign(secrets[endpoint], messageId, timestamp, bytes);
        if (!await RawLoad.PostAsync(http, Urls[endpoint], messageId, bytes, signature, timestamp, ct))
            throw new HttpRequestException($"{Urls[endpoint]} did not answer 2xx");
    }

    public void Dispose() => http.Dispose();
}
