using System.Diagnostics;
using EasySpace.Core;
using EasySpace.Core.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EasySpace.Tests.Harness;

/// <summary>Which database a test's host runs on: the embedded default, or PostgreSQL (the several-nodes store).</summary>
public enum Store { Sqlite, Postgres }

public static class Stores
{
    /// <summary>
    /// The store of a host that names none: SQLite, or PostgreSQL when <c>EASYSPACE_TEST_STORE=postgres</c> (test.sh's
    /// second pass). A test about one store names it.
    /// </summary>
    public static Store Default { get; } =
        string.Equals(Environment.GetEnvironmentVariable("EASYSPACE_TEST_STORE"), "postgres", StringComparison.OrdinalIgnoreCase)
            ? Store.Postgres
            : Store.Sqlite;
}

/// <summary>
/// Debian's PostgreSQL for the run: started by tools/test-postgres.sh the first time a test asks for a database (or taken
/// from <c>EASYSPACE_TEST_POSTGRES</c>, a connection string, when something else runs one), stopped when the run ends.
/// Each test gets a database of its own, copied from one the real start migrated once (PostgreSQL's template databases).
/// </summary>
public static class PostgresServer
{
    private const string Template = "easyspace_template";
    private static readonly Lazy<Task<string>> server = new(() => Task.Run(StartAsync));
    private static readonly Lazy<Task> template = new(() => Task.Run(CreateTemplateAsync));
    // CREATE DATABASE … TEMPLATE fails while another copy of the same template is being made.
    private static readonly SemaphoreSlim copying = new(1, 1);
    private static string? dataFolder;

    /// <summary>The server's connection string (to its "postgres" database).</summary>
    public static Task<string> ConnectionStringAsync() => server.Value;

    /// <summary>A new database: migrated (the run's template) unless <paramref name="empty"/>; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(bool empty = false)
    {
        var admin = await server.Value;
        if (!empty) await template.Value;
        var name = "t_" + Guid.NewGuid().ToString("N");
        await copying.WaitAsync();
        try
        {
            await ExecuteAsync(admin, empty ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {Template}");
        }
        finally { copying.Release(); }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
    }

    /// <summary>
    /// Drops a test's database and the connections to it: each database has its own pool, and hundreds of tests' idle
    /// pools would take every connection the server allows (and a database each of disk).
    /// </summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var admin = await server.Value;
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    /// <summary>
    /// The files that hold a database at rest, written out (CHECKPOINT), with the server's write-ahead log: what a test
    /// that looks for text stored in clear reads. Only for the server the run started, whose folder it knows.
    /// </summary>
    public static async Task<List<string>> FilesOfAsync(string connectionString)
    {
        await server.Value;
        var folder = dataFolder ?? throw new InvalidOperationException("EASYSPACE_TEST_POSTGRES names a server whose files this run cannot read.");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", connection)) await checkpoint.ExecuteNonQueryAsync();
        await using var oid = new NpgsqlCommand("SELECT oid FROM pg_database WHERE datname = current_database()", connection);
        var database = Convert.ToString(await oid.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
        return [.. Directory.GetFiles(Path.Combine(folder, "base", database)), .. Directory.GetFiles(Path.Combine(folder, "pg_wal"))];
    }

    /// <summary>The settings that put a host on <paramref name="connectionString"/>.</summary>
    public static Dictionary<string, string?> Settings(string connectionString) => new()
    {
        [$"{DatabaseOptions.Section}:Provider"] = nameof(DatabaseProvider.Postgres),
        [$"ConnectionStrings:{DatabaseOptions.ConnectionStringName}"] = connectionString,
    };

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("EASYSPACE_TEST_POSTGRES") is { Length: > 0 } given) return given;
        var folder = Path.Combine(Path.GetTempPath(), "easyspace-test-pg-" + Guid.NewGuid().ToString("N")[..12]);
        dataFolder = Path.Combine(folder, "data");
        var script = Path.Combine(SourceTree.Root, "tools", "test-postgres.sh");
        var output = await RunAsync(script, "start", folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAsync(script, "stop", folder).GetAwaiter().GetResult();
        return output.Trim().Split('\n')[^1];
    }

    private static async Task CreateTemplateAsync()
    {
        var admin = await server.Value;
        await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {Template}");
        await ExecuteAsync(admin, $"CREATE DATABASE {Template}");
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = Template }.ToString();
        using var data = new TempDirectory();
        var services = new ServiceCollection().AddLogging();
        var settings = Settings(connectionString);
        settings["EasySpace:DataDirectory"] = data.Path;
        services.AddEasySpaceCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using (var provider = services.BuildServiceProvider()) await provider.MigrateDatabaseAsync();
        // A template must have no connection open while it is copied.
        NpgsqlConnection.ClearAllPools();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }
}
