using EasySpace.Core.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// Wakes the delivery pump the moment an event commits. A wake while the pump runs is picked up by its loop;
/// otherwise a run is started at once (<see cref="DeliveryRuns"/>), once however many commits wake it before the run
/// starts. The pump's Quartz job, on an interval, is the safety net.
/// </summary>
public sealed class DeliverySignal(DeliveryRuns runs)
{
    private int requested;
    private int running;
    private int started;
    // A run is on its way but has not begun: the wakes until then start no other. One trigger of the pump's Quartz job
    // per such wake once piled up behind the running job, 31 runs for 30 commits (docs/performance.md, session 16).
    private int triggered;
    private readonly Lock gate = new();
    private TaskCompletionSource idle = Completed();
    private TaskCompletionSource woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake()
    {
        Volatile.Write(ref requested, 1);
        woken.TrySetResult();
        if (Volatile.Read(ref running) == 0) TriggerOnce();
    }

    /// <summary>Completes at the next wake after <see cref="TakeRequest"/>.</summary>
    internal Task WhenWoken => woken.Task;

    /// <summary>How many runs of the pump have begun (woken or on the interval) since the app started.</summary>
    internal int RunsStarted => Volatile.Read(ref started);

    /// <summary>Completes once no run of the pump is under way.</summary>
    internal Task WhenIdle
    {
        get { lock (gate) return idle.Task; }
    }

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
        // Runs never overlap (the pump's one-at-a-time lock): this one began after the last one's ExitRun.
        lock (gate) idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref started);
        Volatile.Write(ref running, 1);
        // From here a wake is the run's to see (TakeRequest); one after the run's end starts another.
        Volatile.Write(ref triggered, 0);
    }

    internal void ExitRun()
    {
        Volatile.Write(ref running, 0);
        // A wake that raced with the pump's last look must not wait for the safety net.
        if (Volatile.Read(ref requested) == 1) TriggerOnce();
        lock (gate) idle.TrySetResult();
    }

    private void TriggerOnce()
    {
        // Nothing on its way when no run could start (the app starting or stopping, the scheduler on standby): the next
        // wake tries again.
        if (Interlocked.Exchange(ref triggered, 1) == 0 && !runs.TryStart()) Volatile.Write(ref triggered, 0);
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
}

/// <summary>
/// Starts a run of the pump when a commit wakes it, straight on the thread pool: a trigger of its Quartz job went
/// through Quartz's store and scheduler thread first. Runs only while the node's scheduler runs, so putting it on standby
/// stops the pump as it stops the safety net. On stop, cancels the run under way and waits for it to end: the attempts
/// that ended are recorded, and one cut short is due again when its lease expires.
/// </summary>
public sealed class DeliveryRuns(IServiceProvider services, ISchedulerFactory schedulers, ILogger<DeliveryRuns> log) : IHostedService
{
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly HashSet<Task> underWay = [];

    /// <summary>Cancelled when the app stops, before Quartz waits for its jobs: the interval job's run ends on it too.</summary>
    internal CancellationToken Stopping => stopping.Token;
    private IScheduler? scheduler;

    public async Task StartAsync(CancellationToken ct)
    {
        var node = await schedulers.GetScheduler(ct);
        lock (gate) scheduler = node;
    }

    /// <summary>Starts a run, or says that none may start now.</summary>
    internal bool TryStart()
    {
        lock (gate)
        {
            if (scheduler is not { Status: SchedulerStatus.Running } || stopping.IsCancellationRequested) return false;
            // The pump needs the signal, which needs this: the pump is looked up when a run starts.
            var pump = services.GetRequiredService<DeliveryPump>();
            var run = Task.Run(() => pump.RunUntilIdleAsync(stopping.Token));
            underWay.Add(run);
            run.ContinueWith(Ended, TaskScheduler.Default);
            return true;
        }
    }

    private void Ended(Task run)
    {
        lock (gate) underWay.Remove(run);
        if (run.Exception is { } e && !stopping.IsCancellationRequested)
            log.LogError(e, "A run of the delivery pump failed; the interval trigger will pick the work up");
    }

    public async Task StopAsync(CancellationToken ct)
    {
        Task[] runs;
        lock (gate)
        {
            stopping.Cancel();
            runs = [.. underWay];
        }
        // A run ends once its cancelled attempts have returned and the ended ones are recorded; one cancelled before it
        // began ends at once.
        try { await Task.WhenAll(runs).WaitAsync(ct); }
        catch (OperationCanceledException) { }
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
