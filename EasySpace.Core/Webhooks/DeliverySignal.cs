using Microsoft.Extensions.Logging;
using Quartz;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// Wakes the delivery pump the moment an event commits. A wake while the pump runs is picked up by its loop;
/// otherwise the pump's Quartz job is triggered at once. The pump's interval trigger is the safety net.
/// </summary>
public sealed class DeliverySignal(ISchedulerFactory schedulers, ILogger<DeliverySignal> log)
{
    private int requested;
    private int running;
    private TaskCompletionSource woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake()
    {
        Volatile.Write(ref requested, 1);
        woken.TrySetResult();
        if (Volatile.Read(ref running) == 0) _ = TriggerAsync();
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

    internal void EnterRun() => Volatile.Write(ref running, 1);

    internal void ExitRun()
    {
        Volatile.Write(ref running, 0);
        // A wake that raced with the pump's last look must not wait for the safety net.
        if (Volatile.Read(ref requested) == 1) _ = TriggerAsync();
    }

    private async Task TriggerAsync()
    {
        try
        {
            var scheduler = await schedulers.GetScheduler();
            if (scheduler.Status == SchedulerStatus.Running)
                await scheduler.TriggerJob(DeliveryPumpJob.Key);
        }
        catch (Exception e) when (e is SchedulerException or ObjectDisposedException or InvalidOperationException)
        {
            log.LogDebug(e, "Could not trigger the delivery pump; the interval trigger will pick the work up");
        }
    }
}
