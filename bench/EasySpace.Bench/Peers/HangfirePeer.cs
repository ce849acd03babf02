using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage.SQLite;

namespace EasySpace.Bench.Peers;

/// <summary>
/// Hangfire 1.8 with Hangfire.Storage.SQLite: one background job per delivery, whose method signs and POSTs the body;
/// 16 workers. Hangfire's client writes each job in its own storage transactions (create, then enqueue), and the free
/// edition has no way to write several jobs, or a job and the application's change, in one transaction: an event's ten
/// jobs are ten separate writes, so a crash between them sends part of an event (the engine commits all or nothing).
/// </summary>
public sealed class HangfirePeer : Peer
{
    /// <summary>
    /// How long an idle worker waits before asking the store again (the library's default is 15 s). Every one of the
    /// 16 workers polls at this interval while the queue is empty, each poll a write; 50 ms keeps that to 320 writes a
    /// second when idle and adds at most 50 ms before a job enqueued into an empty queue is picked up.
    /// </summary>
    public static readonly TimeSpan QueuePollInterval = TimeSpan.FromMilliseconds(50);
    public const int Workers = 16;

    private readonly SQLiteStorage storage;
    private readonly BackgroundJobClient client;
    private readonly Activator activator;
    private BackgroundJobServer? server;

    /// <summary>
    /// sqlite-net-pcl, under Hangfire.Storage.SQLite, is on the package feed only as 1.11.285, built against SQLitePCLRaw
    /// 3.0.3. The bench keeps the SQLitePCLRaw the product ships (2.1.13, via EF Core; see the project file), so the
    /// engine is measured on its own SQLite, and hands sqlite-net that one when it asks for 3.0.3: both then run on the
    /// same SQLite library.
    /// </summary>
    static HangfirePeer() => System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (context, name) =>
        name.Name is "SQLitePCLRaw.core" or "SQLitePCLRaw.provider.e_sqlite3" ? context.LoadFromAssemblyName(new System.Reflection.AssemblyName(name.Name)) : null;

    public HangfirePeer(string dataDirectory, PeerSender sender) : base(dataDirectory, sender)
    {
        storage = new SQLiteStorage(Path.Combine(dataDirectory, "hangfire.db"), new SQLiteStorageOptions { QueuePollInterval = QueuePollInterval });
        client = new BackgroundJobClient(storage);
        activator = new Activator(new HangfireDelivery(sender));
    }

    public override Task EnqueueAsync(string eventKey)
    {
        for (var endpoint = 0; endpoint < Sender.Urls.Count; endpoint++)
        {
            var messageId = MessageIds.New();
            var body = Sender.Body(messageId, eventKey);
            var ep = endpoint;
            client.Create(Job.FromExpression<HangfireDelivery>(d => d.SendAsync(ep, messageId, body, CancellationToken.None)), new EnqueuedState());
        }
        return Task.CompletedTask;
    }

    public override Task StartWorkersAsync()
    {
        server ??= new BackgroundJobServer(new BackgroundJobServerOptions
        {
            WorkerCount = Workers,
            Activator = activator,
            ServerName = "bench-hangfire",
        }, storage);
        return Task.CompletedTask;
    }

    public override async Task StopWorkersAsync()
    {
        if (server is null) return;
        server.SendStop();
        await server.WaitForShutdownAsync(CancellationToken.None);
        server.Dispose();
        server = null;
    }

    public override async ValueTask DisposeAsync()
    {
        await StopWorkersAsync();
        storage.Dispose();
    }

    /// <summary>Hangfire builds the job's object through this: the one sender, shared by all jobs.</summary>
    private sealed class Activator(HangfireDelivery delivery) : JobActivator
    {
        public override object ActivateJob(Type jobType) => jobType == typeof(HangfireDelivery) ? delivery : base.ActivateJob(jobType);
    }
}

/// <summary>The job: sign and POST one delivery.</summary>
public sealed class HangfireDelivery(PeerSender sender)
{
    public Task SendAsync(int endpoint, string messageId, string body, CancellationToken ct) => sender.SendAsync(endpoint, messageId, body, ct);
}
