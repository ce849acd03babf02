using EasySpace.Core;
using EasySpace.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasySpace.Tests.Harness;

/// <summary>
/// One database migrated once per test run by the real start (<see cref="DatabaseSetup.MigrateDatabaseAsync"/>), then
/// copied into each host's data directory before it starts: the host's own start still runs, finds every migration
/// applied and the roles there, and costs a copy instead of the whole migration history.
/// </summary>
public static class MigratedTemplate
{
    // Task.Run: the first caller may block on it from a constructor, so it must not need the caller's thread to finish.
    private static readonly Lazy<Task<string>> template = new(() => Task.Run(CreateAsync));

    /// <summary>Puts a migrated, empty easyspace.db into <paramref name="dataDirectory"/> unless one is there already.</summary>
    public static async Task CopyToAsync(string dataDirectory)
    {
        var target = Path.Combine(dataDirectory, "easyspace.db");
        if (File.Exists(target)) return;
        File.Copy(await template.Value, target);
    }

    /// <summary>The same, for a constructor (<see cref="AppHost"/> starts the app from a synchronous call).</summary>
    public static void CopyTo(string dataDirectory) => CopyToAsync(dataDirectory).GetAwaiter().GetResult();

    private static async Task<string> CreateAsync()
    {
        var temp = new TempDirectory();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => temp.Dispose();
        var services = new ServiceCollection().AddLogging();
        services.AddEasySpaceCore(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["EasySpace:DataDirectory"] = temp.Path }).Build());
        EasySpaceOptions options;
        await using (var provider = services.BuildServiceProvider())
        {
            await provider.MigrateDatabaseAsync();
            options = provider.GetRequiredService<IOptions<EasySpaceOptions>>().Value;
        }
        using (var pooled = new SqliteConnection(DatabaseSetup.ConnectionString(options))) SqliteConnection.ClearPool(pooled);

        // Everything into the main file (the copy takes that file alone); the file stays in WAL mode.
        await using (var connection = new SqliteConnection($"Data Source={options.DatabasePath};Pooling=False"))
        {
            connection.Open();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync();
        }
        return options.DatabasePath;
    }
}
