using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EasySpace.Core.Data;

/// <summary>
/// Lets SQLite itself wait for a busy write lock (it backs off from 1 ms) instead of Microsoft.Data.Sqlite's retry
/// loop, which sleeps 150 ms a turn: with the pump, its recorder and the pages writing at once, those sleeps were
/// most of a delivery's latency (docs/performance.md).
/// </summary>
internal sealed class BusyTimeoutInterceptor : DbConnectionInterceptor
{
    public const int BusyTimeoutMs = 30_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMs};";
        command.ExecuteNonQuery();
    }
}
