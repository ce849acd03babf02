using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Payments.Inbox;

/// <summary>What one provider does with its own events: record payments, refunds, subscription changes.</summary>
public interface IProviderEventHandler
{
    PaymentProvider Provider { get; }

    /// <summary>
    /// Acts on a verified event and says what it did. It must be safe to run again for the same event (its effects are
    /// keyed by the provider's ids). An event type it does not handle is answered with an outcome, not an exception.
    /// </summary>
    Task<string> HandleAsync(ProviderEvent providerEvent, CancellationToken ct);
}

public enum InboxResult { Stored, AlreadyKnown }

/// <summary>
/// The provider inbox: a verified event is stored once (unique on provider and event id), then processed from the
/// stored row. A failure in processing leaves the row for the reconciliation job, which tries again up to
/// <see cref="ProviderEvent.MaxTries"/> times.
/// </summary>
public sealed class ProviderInbox(
    IDbContextFactory<AppDbContext> dbFactory,
    IEnumerable<IProviderEventHandler> handlers,
    TimeProvider clock,
    ILogger<ProviderInbox> log)
{
    /// <summary>Stores the event unless it is already there, then processes it if it is not yet processed.</summary>
    public async Task<InboxResult> AcceptAsync(PaymentProvider provider, string eventId, string type, string payload, EventSource source,
        CancellationToken ct = default)
    {
        var result = InboxResult.Stored;
        long id;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var stored = ProviderEvent.Receive(provider, eventId, type, payload, source, clock.GetUtcNow());
            db.ProviderEvents.Add(stored);
            try
            {
                await db.SaveChangesAsync(ct);
                id = stored.Id;
            }
            catch (DbUpdateException e) when (DatabaseErrors.IsDuplicate(e))
            {
                result = InboxResult.AlreadyKnown;
                db.ChangeTracker.Clear();
                id = await db.ProviderEvents.Where(x => x.Provider == provider && x.EventId == eventId).Select(x => x.Id).FirstAsync(ct);
            }
        }
        await ProcessAsync(id, ct);
        return result;
    }

    /// <summary>Processes the stored events not yet done (the reconciliation job's first step).</summary>
    public async Task<int> ProcessPendingAsync(CancellationToken ct = default)
    {
        List<long> pending;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            pending = await db.ProviderEvents.Where(e => e.ProcessedAt == null && e.Tries < ProviderEvent.MaxTries)
                .OrderBy(e => e.Id).Select(e => e.Id).Take(500).ToListAsync(ct);
        foreach (var id in pending) await ProcessAsync(id, ct);
        return pending.Count;
    }

    /// <summary>Per provider, the stored events whose processing failed and that the job still retries (for the overview's problems).</summary>
    public async Task<IReadOnlyDictionary<PaymentProvider, int>> StuckAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ProviderEvents.Where(e => e.ProcessedAt == null && e.Tries > 0)
            .GroupBy(e => e.Provider).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
    }

    private async Task ProcessAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.ProviderEvents.FirstAsync(e => e.Id == id, ct);
        if (stored.IsProcessed) return;
        var handler = handlers.FirstOrDefault(h => h.Provider == stored.Provider);
        var who = stored.Provider.ToString();
        try
        {
            var outcome = handler is null ? "ignored: nothing here handles this provider's events" : await handler.HandleAsync(stored, ct);
            stored.Processed(outcome, clock.GetUtcNow());
            db.ActivityLog.Add(ActivityEntry.Record(who, NoticesOf(stored.Provider).Handled, stored.Type, clock.GetUtcNow(), $"{stored.EventId}: {outcome}"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The provider's answer stays stored; the reconciliation job tries again.
            log.LogWarning(e, "Processing {Provider} event {EventId} ({Type}) failed", stored.Provider, stored.EventId, stored.Type);
            stored.Failed(e.Message);
            db.ActivityLog.Add(ActivityEntry.Record(who, NoticesOf(stored.Provider).Failed, stored.Type, clock.GetUtcNow(),
                $"{stored.EventId}: {e.Message}; it will be tried again"));
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The activity log's kinds for a provider's notices.</summary>
    private static (ActivityKind Handled, ActivityKind Failed) NoticesOf(PaymentProvider provider) => provider switch
    {
        PaymentProvider.Stripe => (ActivityKinds.StripeNoticeHandled, ActivityKinds.StripeNoticeFailed),
        PaymentProvider.PayPal => (ActivityKinds.PayPalNoticeHandled, ActivityKinds.PayPalNoticeFailed),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "No notices kinds for this provider."),
    };
}
