using System.Data.Common;
using EasySpace.Core.Webhooks;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EasySpace.Core.Data;

/// <summary>Wakes the delivery pump after a unit of work that raised events has committed (not before: it could not see them).</summary>
internal sealed class WakePumpInterceptor(DeliverySignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        if (eventData.Context is AppDbContext { Database.CurrentTransaction: null } db) WakeIfNeeded(db);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is AppDbContext { Database.CurrentTransaction: null } db) WakeIfNeeded(db);
        return result;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is AppDbContext db) WakeIfNeeded(db);
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is AppDbContext db) db.EventsRaised = false;
    }

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    private void WakeIfNeeded(AppDbContext db)
    {
        if (!db.EventsRaised) return;
        db.EventsRaised = false;
        signal.Wake();
    }
}
