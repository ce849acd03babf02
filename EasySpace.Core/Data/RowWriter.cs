using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

/// <summary>
/// Writes many rows of one fixed shape with one statement per few hundred values, through EF's command pipeline (so
/// the interceptors see it) in the context's current transaction. For the delivery engine's hot rows only: through
/// the change tracker each row was its own statement and most of the engine's CPU (docs/performance.md).
/// </summary>
internal static class RowWriter
{
    private const int ValuesPerStatement = 500;

    /// <param name="head">The statement up to its first row, ending in "VALUES ".</param>
    /// <param name="tail">What follows the last row ("" for an INSERT).</param>
    public static async Task<int> WriteAsync<T>(AppDbContext db, string head, string tail, IReadOnlyList<T> rows,
        Func<T, object?[]> values, CancellationToken ct = default)
    {
        var written = 0;
        foreach (var (sql, parameters) in Statements(head, tail, rows, values))
            written += await db.Database.ExecuteSqlRawAsync(sql, parameters, ct);
        return written;
    }

    public static int Write<T>(AppDbContext db, string head, string tail, IReadOnlyList<T> rows, Func<T, object?[]> values)
    {
        var written = 0;
        foreach (var (sql, parameters) in Statements(head, tail, rows, values))
            written += db.Database.ExecuteSqlRaw(sql, parameters);
        return written;
    }

    private static IEnumerable<(string Sql, SqliteParameter[] Parameters)> Statements<T>(string head, string tail, IReadOnlyList<T> rows, Func<T, object?[]> values)
    {
        var sql = new System.Text.StringBuilder();
        var parameters = new List<SqliteParameter>();
        foreach (var row in rows)
        {
            var columns = values(row);
            sql.Append(parameters.Count == 0 ? head : ", ").Append('(');
            for (var c = 0; c < columns.Length; c++)
            {
                var name = "$p" + parameters.Count;
                sql.Append(c == 0 ? name : ", " + name);
                parameters.Add(new SqliteParameter(name, columns[c] switch
                {
                    null => DBNull.Value,
                    DateTimeOffset at => at.UtcTicks, // as UtcTicksConverter stores instants
                    Enum e => Convert.ToInt32(e),
                    bool b => b ? 1 : 0,
                    var v => v,
                }));
            }
            sql.Append(')');
            if (parameters.Count + columns.Length > ValuesPerStatement)
            {
                yield return (sql.Append(tail).ToString(), parameters.ToArray());
                sql.Clear();
                parameters.Clear();
            }
        }
        if (parameters.Count > 0) yield return (sql.Append(tail).ToString(), parameters.ToArray());
    }
}
