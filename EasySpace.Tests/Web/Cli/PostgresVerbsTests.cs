using EasySpace.Tests.Harness;
using Npgsql;

namespace EasySpace.Tests.Web.Cli;

/// <summary>The management verbs, run as the real executable with Database:Provider=Postgres.</summary>
[Trait("Store", "Named")]
public class PostgresVerbsTests : IDisposable
{
    private const string Password = "Corr3ct-horse!";
    private readonly TempDirectory data = new();

    [Fact]
    public async Task Migrate_setup_add_admin_and_demo_data_work_on_PostgreSQL_and_backup_and_restore_refuse_in_words()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync(empty: true);
        var verbs = new VerbRunner(data.Path, PostgresServer.Settings(connectionString)) { Timeout = TimeSpan.FromMinutes(5) };
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;

        var migrated = await verbs.RunAsync("migrate");
        Assert.True(migrated.ExitCode == 0, migrated.Stderr);
        Assert.Equal($"Database is up to date: the PostgreSQL database {database} on 127.0.0.1", migrated.Stdout);

        var setup = await verbs.RunAsync("setup", "--email", "owner@example.com", "--password", Password, "--space-name", "Co-Up");
        Assert.True(setup.ExitCode == 0, setup.Stderr);
        var admin = await verbs.RunAsync("add-admin", "--email", "ada@example.com", "--password", Password);
        Assert.True(admin.ExitCode == 0, admin.Stderr);
        Assert.Equal(2L, await ScalarAsync(connectionString, "SELECT count(*) FROM \"AspNetUsers\""));
        var demo = await verbs.RunAsync("demo-data");
        Assert.True(demo.ExitCode == 0, demo.Stderr);

        Assert.True(await ScalarAsync(connectionString, "SELECT count(*) FROM \"Memberships\"") > 0, "demo-data made members");
        Assert.False(File.Exists(Path.Combine(data.Path, "easyspace.db")), "On PostgreSQL no SQLite file is made");

        var backup = await verbs.RunAsync("backup", "--to", Path.Combine(data.Path, "copy"));
        Assert.Equal(2, backup.ExitCode);
        Assert.Contains("On PostgreSQL, back up the database with pg_dump: docs/operations.md, \"Database\".", backup.Stderr);
        var restore = await verbs.RunAsync("restore", "--from", Path.Combine(data.Path, "copy"));
        Assert.Equal(2, restore.ExitCode);
        Assert.Contains("On PostgreSQL, restore the database with pg_restore: docs/operations.md, \"Database\".", restore.Stderr);
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public void Dispose() => data.Dispose();
}
