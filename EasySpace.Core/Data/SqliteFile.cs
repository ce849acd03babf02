using Microsoft.Data.Sqlite;

namespace EasySpace.Core.Data;

/// <summary>What backup and restore ask a database file directly, outside EF and its pool.</summary>
public static class SqliteFile
{
    /// <summary>Unpooled, so the file is closed (and can be moved or hashed) as soon as the connection is.</summary>
    public static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Makes the file self-contained: no -wal beside it (a copy keeps the live database's WAL mode otherwise).</summary>
    public static void LeaveWal(SqliteConnection connection) => Scalar(connection, "PRAGMA journal_mode=DELETE");

    /// <summary>Null when <c>PRAGMA integrity_check</c> finds the file whole, else SQLite's first complaint.</summary>
    public static string? IntegrityProblem(SqliteConnection connection)
    {
        var answer = Scalar(connection, "PRAGMA integrity_check") as string;
        return answer == "ok" ? null : answer ?? "no answer";
    }

    /// <summary>The newest migration applied to the file, or null when it has none.</summary>
    public static string? LastMigration(SqliteConnection connection) =>
        Scalar(connection, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId DESC LIMIT 1") as string;

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
