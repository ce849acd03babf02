using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EasySpace.Core.Data;

/// <summary>
/// Whether the database can be written: set by every save that fails for storage reasons (disk full, read-only,
/// I/O error) and cleared by the next one that succeeds. The health endpoint and the UI banner read it.
/// </summary>
public sealed class StorageHealth(TimeProvider clock, ILogger<StorageHealth> log)
{
    private volatile string? problem;

    public string? Problem => problem;
    public DateTimeOffset? Since { get; private set; }

    public void Failed(Exception e)
    {
        if (Describe(e) is not { } what) return;
        if (problem is null)
        {
            Since = clock.GetUtcNow();
            log.LogError(e, "EasySpace cannot write to its database: {Problem}. Nothing already saved is lost; writes resume when storage works again", what);
        }
        problem = what;
    }

    public void Succeeded()
    {
        if (problem is null) return;
        log.LogWarning("The database can be written again (it could not since {Since:u})", Since);
        problem = null;
        Since = null;
    }

    /// <summary>A storage failure in words, or null for any other kind of error.</summary>
    public static string? Describe(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            switch (inner)
            {
                case SqliteException sqlite:
                    return (sqlite.SqliteErrorCode & 0xFF) switch
                    {
                        8 => "the database file or its folder is read-only",
                        10 => "the disk reported an input/output error",
                        13 => "the disk is full",
                        14 => "the database file cannot be opened",
                        _ => null,
                    };
                case PostgresException postgres:
                    return postgres.SqlState switch
                    {
                        PostgresErrorCodes.DiskFull => "the database server's disk is full",
                        PostgresErrorCodes.ReadOnlySqlTransaction => "the database server takes no writes (it is read-only, or a standby)",
                        PostgresErrorCodes.IoError => "the database server's disk reported an input/output error",
                        PostgresErrorCodes.TooManyConnections => "the database server takes no more connections",
                        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.CrashShutdown
                            => "the database server is shutting down or starting up",
                        _ when postgres.SqlState.StartsWith("08", StringComparison.Ordinal) => "the connection to the database server failed",
                        _ => null,
                    };
                // No answer at all: refused, timed out, or a name that does not resolve.
                case NpgsqlException { InnerException: System.Net.Sockets.SocketException or TimeoutException or IOException }:
                    return "the database server cannot be reached";
            }
        return null;
    }

    /// <summary>
    /// One real committed write, which nothing else notices: reading alone would not find a full disk or a read-only
    /// store. SQLite: the header's user_version, which nothing else uses. PostgreSQL: the newest migration's row,
    /// rewritten as it is.
    /// </summary>
    public static async Task ProveWritableAsync(AppDbContext db, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("""
                UPDATE "__EFMigrationsHistory" SET "ProductVersion" = "ProductVersion"
                WHERE "MigrationId" = (SELECT max("MigrationId") FROM "__EFMigrationsHistory")
                """, ct);
            return;
        }
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var probe = connection.CreateCommand();
            probe.CommandText = "PRAGMA user_version";
            var version = Convert.ToInt64(await probe.ExecuteScalarAsync(ct));
            probe.CommandText = $"PRAGMA user_version = {(version == 1 ? 2 : 1)}";
            await probe.ExecuteNonQueryAsync(ct);
        }
        finally { await db.Database.CloseConnectionAsync(); }
    }
}

/// <summary>Feeds <see cref="StorageHealth"/>: every save, statement or commit that fails, every save that wrote rows.</summary>
internal sealed class StorageHealthInterceptor(StorageHealth health) : SaveChangesInterceptor, IDbCommandInterceptor, IDbTransactionInterceptor
{
    public override void SaveChangesFailed(DbContextErrorEventData eventData) => health.Failed(eventData.Exception);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken ct = default)
    {
        health.Failed(eventData.Exception);
        return Task.CompletedTask;
    }

    // Statements and commits too: writes that bypass the change tracker (the outbox's fan-out) fail there.
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => health.Failed(eventData.Exception);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken ct = default)
    {
        health.Failed(eventData.Exception);
        return Task.CompletedTask;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => health.Failed(eventData.Exception);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken ct = default)
    {
        health.Failed(eventData.Exception);
        return Task.CompletedTask;
    }

    // Only a save that wrote rows proves the disk takes writes; one with nothing to write never touched it.
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (result > 0) health.Succeeded();
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        if (result > 0) health.Succeeded();
        return ValueTask.FromResult(result);
    }
}
