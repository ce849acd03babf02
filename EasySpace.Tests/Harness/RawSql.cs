using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EasySpace.Tests.Harness;

/// <summary>
/// Straight to a host's database, bypassing EF Core: what a test reads at rest, or plants as an older version or another
/// program would have. Tests write SQLite's dialect; on PostgreSQL the names are quoted (the model's are mixed case) and
/// the few SQLite functions the tests use get their PostgreSQL names.
/// </summary>
public static partial class RawSql
{
    public static DbConnection Open(Store store, string dataDirectory, string? postgresConnectionString)
    {
        DbConnection connection = store == Store.Postgres
            ? new NpgsqlConnection(postgresConnectionString)
            : new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "easyspace.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    public static DbCommand Command(this DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        var postgres = connection is NpgsqlConnection;
        command.CommandText = postgres ? ForPostgres(sql) : sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = postgres ? name.TrimStart('$', '@', ':') : name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    public static object? Scalar(this DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.Command(sql, parameters);
        return command.ExecuteScalar() is var value && value is DBNull ? null : value;
    }

    public static List<object> Column(this DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var values = new List<object>();
        while (reader.Read()) values.Add(reader.GetValue(0));
        return values;
    }

    public static int Execute(this DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>SQLite's dialect as the tests write it, in PostgreSQL's; text in quotes is left as it is.</summary>
    public static string ForPostgres(string sql) =>
        string.Concat(Literal().Split(sql).Select((part, i) => i % 2 == 1 ? part : Translate(part)));

    private static string Translate(string code)
    {
        code = Parameter().Replace(code, "@$1");
        code = code.Replace("group_concat(", "string_agg(").Replace("instr(", "strpos(");
        return Name().Replace(code, "\"$1\"");
    }

    [GeneratedRegex("('(?:[^']|'')*')")]
    private static partial Regex Literal();

    [GeneratedRegex(@"\$(\w+)")]
    private static partial Regex Parameter();

    // The model's names are mixed case (AspNetUsers, ProtectedSecretKey); SQL keywords are written in capitals.
    [GeneratedRegex(@"(?<![""@\w])([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)\b")]
    private static partial Regex Name();
}
