using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace EasySpace.Core.Payments.Inbox;

/// <summary>One provider's side of reconciliation: what happened there lately, whether or not its webhooks reached us.</summary>
public interface IProviderReconciler
{
    PaymentProvider Provider { get; }

    /// <summary>
    /// Asks the provider for its events (or the state of our open checkouts) since <paramref name="since"/> and hands them
    /// to the inbox or to the checkout completion; returns how many it handed on. Provider failures may throw: the job
    /// logs them and tries again next run.
    /// </summary>
    Task<int> ReconcileAsync(DateTimeOffset since, CancellationToken ct);
}

/// <summary>
/// Every few minutes: first the stored events whose processing failed, then each connected provider's recent history,
/// so a box that missed webhooks (downtime, local mode, a member who closed the tab) still ends with the right records.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PaymentReconciliationJob(
    IDbContextFactory<AppDbContext> dbFactory,
    ProviderInbox inbox,
    IEnumerable<IProviderReconciler> reconcilers,
    TimeProvider clock,
    ILogger<PaymentReconciliationJob> log) : IJob
{
    public static readonly JobKey Key = new("payment-reconciliation", "payments");
    /// <summary>How far back each run looks; Stripe keeps events for 30 days, and three days cover a long outage.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(3);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await RunAsync(ct);

    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var found = await inbox.ProcessPendingAsync(ct);
        List<PaymentProvider> connected;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            connected = await db.ProviderConnections.AsNoTracking().Where(c => c.Status != ConnectionStatus.Disabled).Select(c => c.Provider).ToListAsync(ct);
        foreach (var reconciler in reconcilers.Where(r => connected.Contains(r.Provider)))
        {
            try { found += await reconciler.ReconcileAsync(clock.GetUtcNow() - Lookback, ct); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Reconciling with {Provider} failed; the next run tries again", reconciler.Provider);
            }
        }
        return found;
    }
}
