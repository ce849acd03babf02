using System.Collections.Concurrent;
using System.Threading.Channels;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EasySpace.Tests.Fakes;

/// <summary>One request as the receiver got it.</summary>
public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset ReceivedAt)
{
    public string Header(string name) => Headers.TryGetValue(name, out var v) ? v : "";
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// A webhook receiver that really listens (Kestrel on 127.0.0.1, a port the OS picks), records every request,
/// and answers as the test tells it: a status, headers, a hang, a dropped connection.
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private WebApplication app = default!;
    private readonly Channel<ReceivedRequest> arrivals = Channel.CreateUnbounded<ReceivedRequest>();
    private readonly ConcurrentQueue<ReceivedRequest> all = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<string, int> byMessageId = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> countWaiters = [];

    /// <summary>How to answer a request; the default answers 200 "ok".</summary>
    public Func<ReceivedRequest, HttpContext, Task> Respond { get; set; } = (_, http) => http.Response.WriteAsync("ok");

    private Receiver() { }

    public static async Task<Receiver> StartAsync()
    {
        var receiver = new Receiver();
        receiver.app = await LoopbackApp.StartAsync(receiver.HandleAsync);
        return receiver;
    }

    public Uri Url => new(app.BaseUrl() + "/hook");

    /// <summary>The port, for a URL the receiver answers on another path.</summary>
    public int Port => Url.Port;

    public IReadOnlyList<ReceivedRequest> Received => all.ToList();

    /// <summary>Waits for the next request (a signal, not a clock); fails the test after <paramref name="seconds"/>.</summary>
    public async Task<ReceivedRequest> NextAsync(int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try { return await arrivals.Reader.ReadAsync(timeout.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"No request reached the receiver within {seconds} s ({all.Count} so far)."); }
    }

    /// <summary>How many times each webhook-id arrived.</summary>
    public IReadOnlyDictionary<string, int> ByMessageId => byMessageId;

    /// <summary>Waits until <paramref name="count"/> distinct webhook-ids have arrived.</summary>
    public async Task WaitForDistinctAsync(int count, int seconds)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (countWaiters)
        {
            if (byMessageId.Count >= count) return;
            countWaiters.Add((count, reached));
        }
        try { await reached.Task.WaitAsync(TimeSpan.FromSeconds(seconds)); }
        catch (TimeoutException) { throw new TimeoutException($"Only {byMessageId.Count} of {count} distinct webhook-ids arrived within {seconds} s."); }
    }

    /// <summary>True when no request is waiting to be read: what a test asserts after the work it caused has finished.</summary>
    public bool NothingMore => !arrivals.Reader.TryPeek(out _);

    /// <summary>A token that is cancelled when the receiver stops, for hanging answers.</summary>
    public CancellationToken Stopping => stopping.Token;

    private async Task HandleAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new ReceivedRequest(http.Request.Path, headers, body.ToArray(), DateTimeOffset.UtcNow);
        all.Enqueue(request);
        arrivals.Writer.TryWrite(request);
        byMessageId.AddOrUpdate(request.Header("webhook-id"), 1, (_, n) => n + 1);
        lock (countWaiters)
            foreach (var (count, reached) in countWaiters)
                if (byMessageId.Count >= count) reached.TrySetResult();
        await Respond(request, http);
    }

    public async ValueTask DisposeAsync()
    {
        stopping.Cancel();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    public static Func<ReceivedRequest, HttpContext, Task> Status(int code, params (string Name, string Value)[] headers) => (_, http) =>
    {
        http.Response.StatusCode = code;
        foreach (var (name, value) in headers) http.Response.Headers[name] = value;
        return Task.CompletedTask;
    };

    /// <summary>Never answers (until the receiver stops): the sender's timeout must end the attempt.</summary>
    public Func<ReceivedRequest, HttpContext, Task> Hang => async (_, http) =>
    {
        try { await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(stopping.Token, http.RequestAborted).Token); }
        catch (OperationCanceledException) { }
    };

    /// <summary>Drops the connection without an answer.</summary>
    public static Func<ReceivedRequest, HttpContext, Task> Abort => (_, http) =>
    {
        http.Abort();
        return Task.CompletedTask;
    };
}
