using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace EasySpace.Core.Data;

/// <summary>
/// For writes whose loss in a power cut would repeat a delivery but never lose one (a claim's lease, an attempt's
/// record): while the scope is open the connection commits without waiting for the disk (synchronous=NORMAL). Safe in
/// WAL mode: SQLite keeps the file consistent, and the next commit that does wait (an event's, a page's) syncs every
/// frame written before it. Events and everything the pages save keep synchronous=FULL (decision 0006).
/// </summary>
internal sealed class RelaxedCommit : IAsyncDisposable
{
    private readonly DbConnection connection;

    private RelaxedCommit(DbConnection connection) => this.connection = connection;

    /// <summary>On an open connection, outside a transaction.</summary>
    public static async Task<RelaxedCommit> BeginAsync(DbConnection connection, CancellationToken ct = default)
    {
        await SetAsync(connection, "NORMAL", ct);
        return new RelaxedCommit(connection);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SetAsync(connection, "FULL", CancellationToken.None);
        }
        catch
        {
            // The pooled connection must not serve a page's save without its fsync: drop it rather than reuse it.
            if (connection is SqliteConnection sqlite) SqliteConnection.ClearPool(sqlite);
            throw;
        }
    }

    private static async Task SetAsync(DbConnection connection, string level, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA synchronous={level}";
        await command.ExecuteNonQueryAsync(ct);
    }
}
