using System.Data.Common;
using EasySpace.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Data;

/// <summary>
/// Wakes the delivery pump after a unit of work that raised events has committed (not before: it could not see them),
/// and tells the other nodes (<see cref="DeliveryStore.AnnounceAsync"/>: PostgreSQL's NOTIFY, sent inside the
/// transaction so that it goes out at commit and never for a rollback).
/// </summary>
internal sealed class WakePumpInterceptor(DeliverySignal signal, DeliveryStore store, ILogger<WakePumpInterceptor> log) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        // A save of one statement runs without a transaction on PostgreSQL: it has committed already, so the announcement follows it.
        if (eventData.Context is AppDbContext { Database.CurrentTransaction: null, EventsRaised: true } db)
        {
            await AnnounceCommittedAsync(db);
            WakeIfNeeded(db);
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result) =>
        SavedChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken ct = default)
    {
        if (eventData.Context is AppDbContext { EventsRaised: true }) await store.AnnounceAsync(transaction.Connection!, transaction, ct);
        return result;
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        TransactionCommittingAsync(transaction, eventData, result).AsTask().GetAwaiter().GetResult();

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

    private async Task AnnounceCommittedAsync(AppDbContext db)
    {
        if (!store.SeveralNodes) return;
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        try
        {
            if (opened) await connection.OpenAsync();
            await store.AnnounceAsync(connection, null, CancellationToken.None);
        }
        catch (DbException e)
        {
            // The change is saved; the other nodes find its events at their pump's interval instead.
            log.LogWarning(e, "Could not tell the other nodes about committed events; their pumps' interval picks them up");
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    private void WakeIfNeeded(AppDbContext db)
    {
        if (!db.EventsRaised) return;
        db.EventsRaised = false;
        signal.Wake();
    }
}
