using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;

namespace EasySpace.Core.Data;

/// <summary>
/// Writes many rows of one fixed shape in the context's current transaction, for the delivery engine's hot rows only.
/// On SQLite one statement, prepared once, runs once per row (<see cref="WriteEach{T}"/>): with the rows as one JSON
/// parameter, SQLite parsed the JSON back into values column by column, which cost more than the inserts themselves
/// (docs/performance.md, session 13); with a parameter per value of every row, it looked each name up among all the
/// others and every batch size was a new statement (session 9). On PostgreSQL, one round trip matters more: the rows go
/// as one JSON parameter, an array of objects keyed by column, typed by the table's own row type (<see cref="PostgresRows"/>).
/// </summary>
internal static class RowWriter
{
    /// <summary>SQLite: "?1, ?2, …", the row's values in the statement's column order.</summary>
    public static string Parameters(int columns) => string.Join(", ", Enumerable.Range(1, columns).Select(i => $"?{i}"));

    /// <summary>PostgreSQL: the rows as a set of <paramref name="table"/>'s rows (columns not written are null), for a FROM clause.</summary>
    public static string PostgresRows(string table) => $"jsonb_populate_recordset(NULL::\"{table}\", @rows)";

    /// <summary>SQLite: runs <paramref name="sql"/> (reading <see cref="Parameters"/>) once per row, prepared once, on the
    /// context's open connection. Straight through SQLite's API: Microsoft.Data.Sqlite's command allocated a binder per
    /// value, a box per number and a reader per row, more than the rest of a delivery together.</summary>
    public static int WriteEach<T>(AppDbContext db, string sql, IReadOnlyList<T> rows, Action<Row, T> write)
    {
        if (rows.Count == 0) return 0;
        var connection = ((SqliteConnection)db.Database.GetDbConnection()).Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v2(connection, sql, out var statement);
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, connection);
        using (statement)
        {
            var row = new Row(statement);
            var written = 0;
            foreach (var r in rows)
            {
                row.Start();
                write(row, r);
                rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, connection);
                raw.sqlite3_reset(statement);
                written += raw.sqlite3_changes(connection);
            }
            return written;
        }
    }

    /// <param name="sql">A statement reading its rows from <see cref="PostgresRows"/>.</param>
    /// <param name="columns">The keys each value is written under, in the order <paramref name="write"/> adds them.</param>
    /// <param name="write">Adds one row's values, in the statement's column order.</param>
    public static Task<int> WriteAsync<T>(AppDbContext db, string sql, IReadOnlyList<T> rows, Action<Row, T> write, IReadOnlyList<string> columns,
        CancellationToken ct = default)
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
        var parameter = new NpgsqlParameter("rows", NpgsqlDbType.Jsonb) { Value = JsonScratch.ToText(json) };
        return db.Database.ExecuteSqlRawAsync(sql, [parameter], ct);
    }

    /// <summary>One row's values, stored as EF stores them: instants as UTC ticks (UtcTicksConverter), booleans as 0/1 on SQLite.</summary>
    public sealed class Row
    {
        private readonly Utf8JsonWriter? json;
        private readonly IReadOnlyList<string>? columns;
        private readonly sqlite3_stmt? statement;
        private int column;

        internal Row(Utf8JsonWriter json, IReadOnlyList<string> columns) => (this.json, this.columns) = (json, columns);

        internal Row(sqlite3_stmt statement) => this.statement = statement;

        internal void Start()
        {
            column = 0;
            json?.WriteStartObject();
        }

        internal void End() => json?.WriteEndObject();

        public Row Add(long value)
        {
            if (statement is not null) return Bound(raw.sqlite3_bind_int64(statement, ++column, value));
            Name();
            json!.WriteNumberValue(value);
            return this;
        }

        public Row Add(long? value) => value is { } v ? Add(v) : Null();

        public Row Add(bool value)
        {
            if (statement is not null) return Add(value ? 1L : 0L);
            Name();
            json!.WriteBooleanValue(value);
            return this;
        }

        public Row Add(DateTimeOffset value) => Add(value.UtcTicks);
        public Row Add(DateTimeOffset? value) => value is { } v ? Add(v.UtcTicks) : Null();

        public Row Add(string? value)
        {
            if (value is null) return Null();
            if (statement is not null) return Bound(BindText(statement, ++column, value));
            Name();
            json!.WriteStringValue(value);
            return this;
        }

        private Row Null()
        {
            if (statement is not null) return Bound(raw.sqlite3_bind_null(statement, ++column));
            Name();
            json!.WriteNullValue();
            return this;
        }

        // SQLite copies the text (SQLITE_TRANSIENT): the UTF-8 bytes live on the stack, or in a pooled array when long.
        private static int BindText(sqlite3_stmt statement, int index, string value)
        {
            var most = Encoding.UTF8.GetMaxByteCount(value.Length);
            if (most <= 1024)
            {
                Span<byte> bytes = stackalloc byte[most];
                return raw.sqlite3_bind_text(statement, index, bytes[..Encoding.UTF8.GetBytes(value, bytes)]);
            }
            var rented = ArrayPool<byte>.Shared.Rent(most);
            try
            {
                return raw.sqlite3_bind_text(statement, index, rented.AsSpan(0, Encoding.UTF8.GetBytes(value, rented)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        private Row Bound(int rc) =>
            rc == raw.SQLITE_OK ? this : throw new InvalidOperationException($"SQLite refused value {column} of the row (error {rc}).");

        private void Name() => json!.WritePropertyName(columns![column++]);
    }
}
