using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

/// <summary>
/// Writes many rows of one fixed shape with one statement, through EF's command pipeline (so the interceptors see it)
/// in the context's current transaction. The rows travel as one JSON parameter that the statement reads with
/// json_each (<see cref="Rows"/>): with a parameter per value, SQLite looked each name up among all the others
/// (quadratic in the batch) and every batch size was a new statement to parse (docs/performance.md, session 9).
/// For the delivery engine's hot rows only.
/// </summary>
internal static class RowWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>The rows as a table of <paramref name="columns"/> columns, for INSERT … SELECT or a WITH clause.</summary>
    // "WHERE true" lets an INSERT … SELECT carry an ON CONFLICT clause (SQLite's parsing rule for upserts).
    public static string Rows(int columns) =>
        $"SELECT {string.Join(", ", Enumerable.Range(0, columns).Select(i => $"value->>{i}"))} FROM json_each($rows) WHERE true";

    /// <param name="sql">A statement reading its rows from <see cref="Rows"/>.</param>
    /// <param name="write">Adds one row's values, in the statement's column order.</param>
    public static Task<int> WriteAsync<T>(AppDbContext db, string sql, IReadOnlyList<T> rows, Action<Row, T> write, CancellationToken ct = default)
    {
        if (rows.Count == 0) return Task.FromResult(0);
        var buffer = new ArrayBufferWriter<byte>(rows.Count * 96);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            var row = new Row(json);
            json.WriteStartArray();
            foreach (var r in rows)
            {
                json.WriteStartArray();
                write(row, r);
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        return db.Database.ExecuteSqlRawAsync(sql, [new SqliteParameter("$rows", Encoding.UTF8.GetString(buffer.WrittenSpan))], ct);
    }

    /// <summary>One row's values, stored as EF stores them: instants as UTC ticks (UtcTicksConverter), booleans as 0/1.</summary>
    public readonly struct Row(Utf8JsonWriter json)
    {
        public Row Add(long value)
        {
            json.WriteNumberValue(value);
            return this;
        }

        public Row Add(long? value) => value is { } v ? Add(v) : Null();
        public Row Add(bool value) => Add(value ? 1 : 0);
        public Row Add(DateTimeOffset value) => Add(value.UtcTicks);
        public Row Add(DateTimeOffset? value) => value is { } v ? Add(v.UtcTicks) : Null();

        public Row Add(string? value)
        {
            if (value is null) return Null();
            json.WriteStringValue(value);
            return this;
        }

        private Row Null()
        {
            json.WriteNullValue();
            return this;
        }
    }
}
