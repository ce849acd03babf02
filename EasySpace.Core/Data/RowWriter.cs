using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace EasySpace.Core.Data;

/// <summary>
/// Writes many rows of one fixed shape with one statement, through EF's command pipeline (so the interceptors see it)
/// in the context's current transaction. The rows travel as one JSON parameter: on SQLite an array of arrays that the
/// statement reads with json_each (<see cref="Rows"/>): with a parameter per value, SQLite looked each name up among all
/// the others (quadratic in the batch) and every batch size was a new statement to parse (docs/performance.md, session 9).
/// On PostgreSQL an array of objects keyed by column, typed by the table's own row type (<see cref="PostgresRows"/>).
/// For the delivery engine's hot rows only.
/// </summary>
internal static class RowWriter
{
    /// <summary>SQLite: the rows as a table of <paramref name="columns"/> columns, for INSERT … SELECT or a WITH clause.</summary>
    // "WHERE true" lets an INSERT … SELECT carry an ON CONFLICT clause (SQLite's parsing rule for upserts). The rows come
    // as UTF-8 bytes (a blob, which SQLite's JSON functions would take for JSONB): the cast reads them as the text they are.
    public static string Rows(int columns) =>
        $"SELECT {string.Join(", ", Enumerable.Range(0, columns).Select(i => $"value->>{i}"))} FROM json_each(CAST($rows AS TEXT)) WHERE true";

    /// <summary>PostgreSQL: the rows as a set of <paramref name="table"/>'s rows (columns not written are null), for a FROM clause.</summary>
    public static string PostgresRows(string table) => $"jsonb_populate_recordset(NULL::\"{table}\", @rows)";

    /// <param name="sql">A statement reading its rows from <see cref="Rows"/>, or from <see cref="PostgresRows"/> when
    /// <paramref name="columns"/> names the keys each value is written under.</param>
    /// <param name="write">Adds one row's values, in the statement's column order.</param>
    public static Task<int> WriteAsync<T>(AppDbContext db, string sql, IReadOnlyList<T> rows, Action<Row, T> write, CancellationToken ct = default,
        IReadOnlyList<string>? columns = null)
    {
        if (rows.Count == 0) return Task.FromResult(0);
        var json = JsonScratch.Start(relaxedEscaping: true);
        var row = new Row(json, columns);
        json.WriteStartArray();
        foreach (var r in rows)
        {
            row.Start();
            write(row, r);
            row.End();
        }
        json.WriteEndArray();
        // SQLite: the UTF-8 bytes as they are, where a string cost twice their size and was encoded back to UTF-8 to bind.
        DbParameter parameter = columns is null
            ? new SqliteParameter("$rows", SqliteType.Blob) { Value = JsonScratch.ToUtf8(json) }
            : new NpgsqlParameter("rows", NpgsqlDbType.Jsonb) { Value = JsonScratch.ToText(json) };
        return db.Database.ExecuteSqlRawAsync(sql, [parameter], ct);
    }

    /// <summary>One row's values, stored as EF stores them: instants as UTC ticks (UtcTicksConverter), booleans as 0/1 on SQLite.</summary>
    public sealed class Row(Utf8JsonWriter json, IReadOnlyList<string>? columns)
    {
        private int column;

        internal void Start()
        {
            column = 0;
            if (columns is null) json.WriteStartArray(); else json.WriteStartObject();
        }

        internal void End()
        {
            if (columns is null) json.WriteEndArray(); else json.WriteEndObject();
        }

        public Row Add(long value)
        {
            Name();
            json.WriteNumberValue(value);
            return this;
        }

        public Row Add(long? value) => value is { } v ? Add(v) : Null();

        public Row Add(bool value)
        {
            if (columns is null) return Add(value ? 1 : 0);
            Name();
            json.WriteBooleanValue(value);
            return this;
        }

        public Row Add(DateTimeOffset value) => Add(value.UtcTicks);
        public Row Add(DateTimeOffset? value) => value is { } v ? Add(v.UtcTicks) : Null();

        public Row Add(string? value)
        {
            if (value is null) return Null();
            Name();
            json.WriteStringValue(value);
            return this;
        }

        private Row Null()
        {
            Name();
            json.WriteNullValue();
            return this;
        }

        private void Name()
        {
            if (columns is not null) json.WritePropertyName(columns[column++]);
        }
    }
}
