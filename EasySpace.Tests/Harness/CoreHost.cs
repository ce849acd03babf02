using System.Security.Claims;
using EasySpace.Core;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Harness;

/// <summary>
/// The real Core services over a real, migrated SQLite file in a temporary directory, without a web host.
/// The clock is a <see cref="FakeTimeProvider"/> so tests move time instead of waiting.
/// </summary>
public sealed class CoreHost : IAsyncLifetime, IAsyncDisposable
{
    private readonly TempDirectory data = new();
    private readonly ServiceProvider services;
    private readonly bool migrateFromNothing;

    /// <param name="migrateFromNothing">For a test about a new installation: no template, every migration on a new file.</param>
    /// <param name="store">PostgreSQL: a database of its own on the run's server (<see cref="PostgresServer"/>).</param>
    public CoreHost(IDictionary<string, string?>? settings = null, bool migrateFromNothing = false, Store? store = null)
    {
        this.migrateFromNothing = migrateFromNothing;
        Store = store ?? Stores.Default;
        var values = new Dictionary<string, string?> { ["EasySpace:DataDirectory"] = data.Path };
        if (Store == Store.Postgres)
        {
            PostgresConnectionString = PostgresServer.CreateDatabaseAsync(empty: migrateFromNothing).GetAwaiter().GetResult();
            foreach (var (key, value) in PostgresServer.Settings(PostgresConnectionString)) values[key] = value;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var collection = new ServiceCollection();
        // Warnings and worse, kept for tests about what the app logs (EF's query warnings among them).
        collection.AddLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Warning));
        collection.AddEasySpaceCore(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        collection.AddSingleton<TimeProvider>(Clock);
        collection.UseFastPasswordHashing();
        services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public Store Store { get; }
    public LogCapture Logs { get; } = new();
    /// <summary>The host's own database on the test server, when <see cref="Store"/> is PostgreSQL.</summary>
    public string? PostgresConnectionString { get; }
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    public IServiceProvider Services => services;
    public string DatabasePath => Path.Combine(data.Path, "easyspace.db");

    public T Get<T>() where T : notnull => services.GetRequiredService<T>();

    /// <summary>Starts from the run's migrated template (<see cref="MigratedTemplate"/>), then runs the real start on it.</summary>
    public async Task InitializeAsync()
    {
        if (!migrateFromNothing && Store == Store.Sqlite) await MigratedTemplate.CopyToAsync(data.Path);
        await services.MigrateDatabaseAsync();
    }

    /// <summary>Adds a user in a role straight through Identity; returns the user id.</summary>
    public async Task<string> AddUserAsync(string email, string role, string? displayName = null)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName ?? email };
        Check(await users.CreateAsync(user, AppHost.Password));
        Check(await users.AddToRoleAsync(user, role));
        return user.Id;
    }

    /// <summary>One value straight from the database, bypassing EF Core (<see cref="RawSql"/>: SQLite's dialect on both stores).</summary>
    public object? Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = OpenDatabase();
        return connection.Scalar(sql, parameters);
    }

    /// <summary>The files the database lives in at rest, for a test that looks for something stored in clear.</summary>
    public async Task<List<string>> DatabaseFilesAsync() => Store == Store.Postgres
        ? await PostgresServer.FilesOfAsync(PostgresConnectionString!)
        : new[] { DatabasePath, DatabasePath + "-wal" }.Where(File.Exists).ToList();

    public System.Data.Common.DbConnection OpenDatabase() => RawSql.Open(Store, data.Path, PostgresConnectionString);

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        data.Dispose();
        if (PostgresConnectionString is not null) await PostgresServer.DropDatabaseAsync(PostgresConnectionString);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    /// <summary>A migrated host for a test that makes its own (e.g. with settings): <c>await using var core = await CoreHost.StartAsync();</c></summary>
    public static async Task<CoreHost> StartAsync(IDictionary<string, string?>? settings = null, bool migrateFromNothing = false, Store? store = null)
    {
        var host = new CoreHost(settings, migrateFromNothing, store);
        await host.InitializeAsync();
        return host;
    }

    private static void Check(IdentityResult result) => Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
}
