using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace EasySpace.Core.Data;

/// <summary>
/// For writes whose loss in a power cut would repeat a delivery but never lose one (a claim's lease, an attempt's
/// record): while the scope is open the connection's commits do not wait for the disk (decision 0006). Safe in WAL
/// mode: SQLite keeps the file consistent, and the next commit that does wait (an event's, a page's) syncs every frame
/// written before it (<see cref="GroupCommit"/>).
/// </summary>
internal sealed class RelaxedCommit : IAsyncDisposable
{
    private readonly IDisposable scope;

    private RelaxedCommit(IDisposable scope) => this.scope = scope;

    /// <summary>On an open connection.</summary>
    public static RelaxedCommit Begin(DbConnection connection) => new(GroupCommit.Relax((SqliteConnection)connection));

    public ValueTask DisposeAsync()
    {
        scope.Dispose();
        return ValueTask.CompletedTask;
    }
}
