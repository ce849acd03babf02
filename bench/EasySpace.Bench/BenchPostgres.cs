using System.Diagnostics;
using Npgsql;

namespace EasySpace.Bench;

/// <summary>
/// <c>--store postgres</c>: a fresh database on the server <c>--postgres</c> names, or on a throw-away PostgreSQL
/// started with the repository's tools/test-postgres.sh (Debian's binaries, a temporary folder, loopback, durability
/// off — the figures say so) and stopped at the end.
/// </summary>
public sealed class BenchPostgres : IAsyncDisposable
{
    private readonly string? folder;
    private readonly string? script;

    private BenchPostgres(string connectionString, string? folder, string? script, bool throwAway)
    {
        ConnectionString = connectionString;
        this.folder = folder;
        this.script = script;
        ThrowAway = throwAway;
    }

    /// <summary>The bench's own database.</summary>
    public string ConnectionString { get; }
    public bool ThrowAway { get; }

    public static async Task<BenchPostgres> StartAsync(string? server)
    {
        string? folder = null, script = null;
        if (server is null)
        {
            script = FindScript();
            folder = Path.Combine(Path.GetTempPath(), "easyspace-bench-pg-" + Guid.NewGuid().ToString("N")[..12]);
            server = (await RunAsync(script, "start", folder)).Trim().Split('\n')[^1];
        }
        var name = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new BenchPostgres(new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString(), folder, script, folder is not null);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (folder is not null) await RunAsync(script!, "stop", folder);
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tools", "test-postgres.sh");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("tools/test-postgres.sh not found above the bench: pass --postgres \"Host=...\" instead.");
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
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} {string.Join(' ', args)}: {await stderr}");
        return await stdout;
    }
}
