using EasySpace.Core.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// Wakes the delivery pump the moment an event commits. A wake while the pump runs is picked up by its loop;
/// otherwise the pump's Quartz job is triggered at once, once however many commits wake it before the run starts.
/// The pump's interval trigger is the safety net.
/// </summary>
public sealed class DeliverySignal(ISchedulerFactory schedulers, ILogger<DeliverySignal> log)
{
    private int requested;
    private int running;
    // A trigger is on its way to a run. One per commit piled up in Quartz's store behind the running job (it cannot run
    // twice at once): 30 commits made 31 runs of the pump (DeliveryEngineTests), and in the bench the store's churn over
    // such runs outlasted the commits by seconds (docs/performance.md, session 16).
    private int triggered;
    private TaskCompletionSource woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake()
    {
        Volatile.Write(ref requested, 1);
        woken.TrySetResult();
        if (Volatile.Read(ref running) == 0) TriggerOnce();
    }

    /// <summary>Completes at the next wake after <see cref="TakeRequest"/>.</summary>
    internal Task WhenWoken => woken.Task;

    /// <summary>True when a wake came since the last call; re-arms <see cref="WhenWoken"/>.</summary>
    internal bool TakeRequest()
    {
        if (woken.Task.IsCompleted) woken = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var was = Interlocked.Exchange(ref requested, 0) == 1;
        // A wake between the exchange and the re-arm would otherwise wait for the next one.
        if (Volatile.Read(ref requested) == 1) woken.TrySetResult();
        return was;
    }

    internal void EnterRun()
    {
        Volatile.Write(ref running, 1);
        // From here a wake is the run's to see (TakeRequest); one after the run's end triggers again.
        Volatile.Write(ref triggered, 0);
    }

    internal void ExitRun()
    {
        Volatile.Write(ref running, 0);
        // A wake that raced with the pump's last look must not wait for the safety net.
        if (Volatile.Read(ref requested) == 1) TriggerOnce();
    }

    private void TriggerOnce()
    {
        if (Interlocked.Exchange(ref triggered, 1) == 0) _ = TriggerAsync();
    }

    private async Task TriggerAsync()
    {
        try
        {
            var scheduler = await schedulers.GetScheduler();
            if (scheduler.Status == SchedulerStatus.Running)
            {
                await scheduler.TriggerJob(DeliveryPumpJob.Key);
                return;
            }
        }
        catch (Exception e) when (e is SchedulerException or ObjectDisposedException or InvalidOperationException)
        {
            log.LogDebug(e, "Could not trigger the delivery pump; the interval trigger will pick the work up");
        }
        // No run is on its way: the next wake tries again.
        Volatile.Write(ref triggered, 0);
    }
}

/// <summary>
/// On PostgreSQL, wakes this node's pump when another node commits events: one connection per node LISTENs on the
/// channel the raising transactions NOTIFY (<see cref="PostgresDeliveryStore.Channel"/>). A dropped connection is
/// opened again; meanwhile the pump's interval trigger is the safety net. Does nothing on SQLite (one node).
/// </summary>
public sealed class DeliveryListener(
    DatabaseOptions database, DeliveryStore store, DeliverySignal signal, TimeProvider clock, ILogger<DeliveryListener> log) : BackgroundService
{
    // A connection that hears nothing for this long is asked a question, so a dead one is noticed and replaced.
    private static readonly TimeSpan Ping = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(2);
    private TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the connection listens; a new one after it dropped.</summary>
    internal Task Listening => listening.Task;

    /// <summary>The listening connection's server process (pg_stat_activity's pid), while it listens.</summary>
    internal int? ServerProcessId { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!database.IsPostgres) return;
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            ApplicationName = "EasySpace delivery listener",
            Pooling = false,
        }.ToString();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                // This node's own commits woke its pump already.
                connection.Notification += (_, e) => { if (e.Payload != store.Node) signal.Wake(); };
                await connection.OpenAsync(ct);
                await PostgresDeliveryStore.ListenAsync(connection, ct);
                ServerProcessId = connection.ProcessID;
                listening.TrySetResult();
                signal.Wake(); // commits made while no connection listened
                while (true)
                    if (!await connection.WaitAsync(Ping, ct)) await PostgresDeliveryStore.PingAsync(connection, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or InvalidOperationException or TimeoutException)
            {
                ServerProcessId = null;
                if (listening.Task.IsCompleted) listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
                log.LogWarning(e, "The delivery listener lost its connection to PostgreSQL; it connects again in {Seconds} s, and until then the pump's interval picks up other nodes' events",
                    Reconnect.TotalSeconds);
                try { await Task.Delay(Reconnect, clock, ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
