using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

/// <summary>The statements move-to-postgres (Backup/MoveToPostgres.cs) sends besides EF's inserts: which tables have rows, row counts, sequences.</summary>
public static class TableCopy
{
    public static async Task<List<string>> TablesWithRowsAsync(AppDbContext to, List<string> tables, CancellationToken ct)
    {
        var filled = new List<string>();
        foreach (var table in tables)
        {
            var exists = await to.Database.SqlQueryRaw<bool>("SELECT to_regclass({0}) IS NOT NULL AS \"Value\"", Quote(table)).SingleAsync(ct);
            var anyRow = $"SELECT EXISTS (SELECT 1 FROM {Quote(table)}) AS \"Value\"";
            if (exists && await to.Database.SqlQueryRaw<bool>(anyRow).SingleAsync(ct))
                filled.Add(table);
        }
        return filled;
    }

    /// <summary>The ids were copied as they were, so each identity column's sequence starts again past the highest one.</summary>
    public static async Task MoveSequencesAsync(AppDbContext to, List<string> tables, CancellationToken ct)
    {
        var identities = await to.Database.SqlQueryRaw<IdentityColumn>("""
            SELECT table_name AS "Table", column_name AS "Column" FROM information_schema.columns
            WHERE table_schema = current_schema() AND is_identity = 'YES'
            """).ToListAsync(ct);
        foreach (var (table, column) in identities.Where(i => tables.Contains(i.Table)).Select(i => (i.Table, i.Column)))
        {
            // The names are the model's own, quoted; the values go as parameters.
            var pastHighest = $"SELECT setval(pg_get_serial_sequence({{0}}, {{1}}), (SELECT coalesce(max({Quote(column)}), 0) + 1 FROM {Quote(table)}), false)";
            await to.Database.ExecuteSqlRawAsync(pastHighest, [Quote(table), column], ct);
        }
    }

    private sealed record IdentityColumn(string Table, string Column);

    public static Task<long> CountAsync(AppDbContext db, string table, CancellationToken ct)
    {
        var count = $"SELECT count(*) AS \"Value\" FROM {Quote(table)}";
        return db.Database.SqlQueryRaw<long>(count).SingleAsync(ct);
    }

    // The model's names as PostgreSQL keeps them: unquoted, it would fold them to lower case.
    private static string Quote(string name) => $"\"{name.Replace("\"", "\"\"")}\"";
}
