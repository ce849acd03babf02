using EasySpace.Core;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EasySpace.Tests.Core.Data;

/// <summary>One model, two stores: the setting that chooses, and each store's migrations kept in step with the model.</summary>
[Trait("Store", "Named")]
public class DatabaseProviderTests
{
    [Fact]
    public void Each_store_has_a_migration_for_the_model_as_it_is()
    {
        // No server is needed: EF compares the model with each set's last snapshot.
        using var sqlite = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(sqlite.Database.HasPendingModelChanges(),
            "The model changed without a SQLite migration: dotnet ef migrations add Name --project EasySpace.Core -o Data/Migrations");
        using var postgres = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>()
            .UseNpgsql("Host=localhost", n => n.MigrationsAssembly(DatabaseSetup.PostgresMigrationsAssembly)).Options);
        Assert.False(postgres.Database.HasPendingModelChanges(),
            "The model changed without a PostgreSQL migration: dotnet ef migrations add Name --project EasySpace.Migrations.Postgres");
        Assert.NotEmpty(postgres.Database.GetMigrations());
        Assert.Empty(postgres.Database.GetMigrations().Intersect(sqlite.Database.GetMigrations()));
    }

    [Theory]
    [InlineData("Mysql", "Database:Provider is \"Mysql\": write Sqlite (the default) or Postgres.")]
    [InlineData("7", "Database:Provider is \"7\": write Sqlite (the default) or Postgres.")]
    [InlineData("Postgres", "Database:Provider is Postgres but ConnectionStrings:EasySpace is empty")]
    public void A_setting_that_names_no_store_is_refused_in_words(string provider, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Database:Provider"] = provider }).Build();
        var refused = Assert.Throws<InvalidOperationException>(() => DatabaseOptions.From(configuration));
        Assert.StartsWith(expected, refused.Message);
    }

    [Theory]
    [InlineData(null, DatabaseProvider.Sqlite)]
    [InlineData("sqlite", DatabaseProvider.Sqlite)]
    [InlineData(" postgres ", DatabaseProvider.Postgres)]
    public void The_store_is_SQLite_unless_PostgreSQL_is_asked_for(string? provider, DatabaseProvider expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["ConnectionStrings:EasySpace"] = "Host=db.example.com",
        }).Build();
        Assert.Equal(expected, DatabaseOptions.From(configuration).Provider);
    }

    [Fact]
    public async Task A_new_PostgreSQL_database_gets_every_migration_at_start_and_a_second_start_changes_nothing()
    {
        await using var core = await CoreHost.StartAsync(migrateFromNothing: true, store: Store.Postgres);
        await using (var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        }

        await core.Services.MigrateDatabaseAsync();
        await core.AddUserAsync("ada@example.com", Roles.Owner);
        await using var scope = core.Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        Assert.Equal(Roles.All.Order(), (await roles.Roles.Select(r => r.Name!).ToListAsync()).Order());
        Assert.False(File.Exists(Path.Combine(core.Get<Microsoft.Extensions.Options.IOptions<EasySpace.Core.EasySpaceOptions>>().Value.DataDirectoryFullPath, "easyspace.db")),
            "On PostgreSQL no SQLite file is made");
    }

    [Fact]
    public async Task The_first_start_on_a_new_PostgreSQL_database_logs_no_error()
    {
        // EF read the migrations' history table before making it and logged that as a failed command (npgsql/efcore.pg#3407).
        var connectionString = await PostgresServer.CreateDatabaseAsync(empty: true);
        using var data = new TempDirectory();
        var logs = new LogCapture();
        var settings = PostgresServer.Settings(connectionString);
        settings["EasySpace:DataDirectory"] = data.Path;
        var services = new ServiceCollection().AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Warning));
        services.AddEasySpaceCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using (var provider = services.BuildServiceProvider()) await provider.MigrateDatabaseAsync();

        Assert.Empty(logs.Lines.Where(l => l.Level >= LogLevel.Warning).Select(l => $"{l.Category}: {l.Message}"));
    }
}
