using System.Data.Common;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EasySpace.Core.Data;

/// <summary>
/// How a connection waits for SQLite's write lock. Microsoft.Data.Sqlite alone sleeps 150 ms a turn, and SQLite's
/// own busy_timeout backs off to 100 ms a turn: either way a writer that lost the race once waited far longer than
/// the millisecond or two the lock is held, and the pages' saves starved while the pump and its recorder took turns.
/// This handler polls every millisecond for up to 30 s, so writers get the lock close to first come, first served
/// (docs/performance.md has the figures). On a database in WAL mode <see cref="GroupCommit"/> installs its own, which
/// a commit of this process wakes at once.
/// </summary>
internal sealed class BusyTimeoutInterceptor : DbConnectionInterceptor
{
    public const int BusyTimeoutMs = 30_000;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyCallback(IntPtr state, int count);

    // Kept in a static field: SQLite calls it from native code for as long as the process runs.
    private static readonly BusyCallback PollEveryMillisecond = (_, count) =>
    {
        if (count >= BusyTimeoutMs) return 0; // give up: the statement fails with SQLITE_BUSY
        Thread.Sleep(1);
        return 1;
    };

    // The SQLite library Microsoft.Data.Sqlite already loaded (SQLitePCLRaw's bundle), which does not wrap this call.
    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_busy_handler(IntPtr db, BusyCallback callback, IntPtr state);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } && !GroupCommit.IsInstalled(handle))
            sqlite3_busy_handler(handle.DangerousGetHandle(), PollEveryMillisecond, IntPtr.Zero);
    }
}
