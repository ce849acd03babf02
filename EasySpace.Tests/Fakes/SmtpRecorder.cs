using System.Buffers;
using System.Net;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace EasySpace.Tests.Fakes;

/// <summary>
/// A real SMTP server (the SmtpServer package) on 127.0.0.1 at a port the OS picks, recording every message it
/// accepts as MimeKit parses it. Given a user and password it refuses to take mail without them.
/// </summary>
public sealed class SmtpRecorder : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Channel<MimeMessage> arrived = Channel.CreateUnbounded<MimeMessage>();
    private readonly List<MimeMessage> messages = [];
    private Task running = Task.CompletedTask;

    private SmtpRecorder() { }

    public int Port { get; private set; }
    public const string Host = "127.0.0.1";

    /// <summary>Every message accepted so far, in order.</summary>
    public IReadOnlyList<MimeMessage> Messages { get { lock (messages) return messages.ToList(); } }

    public static async Task<SmtpRecorder> StartAsync(string? user = null, string? password = null)
    {
        var recorder = new SmtpRecorder();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)).AuthenticationRequired(user is not null).AllowUnsecureAuthentication())
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(recorder));
        if (user is not null) services.Add(new DelegatingUserAuthenticator((u, p) => u == user && p == password));
        var listeners = new EndpointListenerFactory();
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        listeners.EndpointStarted += (_, e) => port.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        services.Add(listeners);
        recorder.running = new SmtpServer.SmtpServer(options, services).StartAsync(recorder.stop.Token);
        recorder.Port = await port.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return recorder;
    }

    /// <summary>The next message to arrive (or one that already did and was not taken yet).</summary>
    public async Task<MimeMessage> NextAsync() => await arrived.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try { await running.WaitAsync(TimeSpan.FromSeconds(5)); } catch (OperationCanceledException) { } catch (TimeoutException) { }
        stop.Dispose();
    }

    private sealed class Store(SmtpRecorder recorder) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, ct);
            lock (recorder.messages) recorder.messages.Add(message);
            recorder.arrived.Writer.TryWrite(message);
            return SmtpResponse.Ok;
        }
    }
}

/// <summary>A TCP port that accepts connections and never says a word: a mail server that does not answer.</summary>
public sealed class SilentPort : IDisposable
{
    private readonly System.Net.Sockets.TcpListener listener = new(IPAddress.Loopback, 0);

    public SilentPort()
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    public void Dispose() => listener.Stop();
}
