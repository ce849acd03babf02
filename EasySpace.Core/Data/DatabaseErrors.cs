using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EasySpace.Core.Data;

/// <summary>What a failed save means, in the same words on either store.</summary>
public static class DatabaseErrors
{
    /// <summary>A unique index or key refused the row: another request or node stored the same thing first.</summary>
    public static bool IsDuplicate(DbUpdateException e) => e.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is SqliteUnique or SqlitePrimaryKey,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    private const int SqliteUnique = 2067, SqlitePrimaryKey = 1555;
}
