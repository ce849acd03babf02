using System.Security.Cryptography;
using EasySpace.Core;
using EasySpace.Core.Backup;
using EasySpace.Core.Data;
using EasySpace.Core.Demo;
using EasySpace.Core.Events;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.PayPal;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EasySpace.Tests.Web.Cli;

/// <summary>move-to-postgres, run as the real executable on a SQLite install, into the tests' PostgreSQL.</summary>
[Trait("Store", "Named")]
public class MoveToPostgresTests
{
    private const string PayPalSecret = "EPaYpAlSeCrEt-1234";

    [Fact]
    public async Task A_SQLite_install_moves_with_every_row_its_ids_and_secrets_that_still_decrypt()
    {
        await using var sqlite = await InstallAsync();
        var folder = Path.GetDirectoryName(sqlite.DatabasePath)!;
        var created = await sqlite.Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "crm", Url = "http://127.0.0.1:9/hooks", Events = [.. EventCatalogue.Subscribable.Select(e => e.Name)],
            Headers = [new CustomHeader("X-Tenant", "co-up-berlin")],
        }, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);
        Assert.True(created.Succeeded, created.Errors.ToString());
        var demo = await sqlite.Get<DemoData>().CreateAsync();
        Assert.True(demo.Succeeded, demo.Errors.ToString());
        Assert.True(await WebhookHostExtensions.FanOutAsync(sqlite.Get<IDbContextFactory<AppDbContext>>(), sqlite.Get<DeliveryStore>(), sqlite.Clock) > 0);
        await ConnectPayPalAsync(sqlite);
        SqliteConnection.ClearAllPools();
        var before = Fingerprint(sqlite.DatabasePath);
        var target = await PostgresServer.CreateDatabaseAsync(empty: true);

        var moved = await new VerbRunner(folder) { Timeout = TimeSpan.FromMinutes(5) }.RunAsync("move-to-postgres", "--to", target);

        Assert.True(moved.ExitCode == 0, moved.Stderr);
        Assert.Contains("Database:Provider = Postgres", moved.Stdout);
        Assert.Contains("ConnectionStrings:EasySpace = the connection string given to --to", moved.Stdout);
        Assert.Equal(before, Fingerprint(sqlite.DatabasePath));   // only read

        // A node on the PostgreSQL database (keys where the PostgreSQL settings keep them) sees the same space.
        await using var postgres = await CoreHost.StartAsync(new Dictionary<string, string?>(PostgresServer.Settings(target))
        {
            ["EasySpace:DataDirectory"] = folder,
        });
        await using (var db = await postgres.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            foreach (var table in db.Model.GetRelationalModel().Tables.Select(t => t.Name).Where(t => t != "DataProtectionKeys"))
                Assert.True(Convert.ToInt64(sqlite.Scalar($"SELECT count(*) FROM \"{table}\"")) == await CountAsync(target, table),
                    $"{table}: the rows on PostgreSQL are not the rows of SQLite");
        // SQLite keeps its keys in files; on PostgreSQL they live in the database, one row per key file.
        Assert.Equal(Directory.GetFiles(Path.Combine(folder, "keys"), "key-*.xml").Length, await CountAsync(target, "DataProtectionKeys"));
        Assert.True(await CountAsync(target, "DataProtectionKeys") > 0);
        Assert.True(await CountAsync(target, "Deliveries") > 0 && await CountAsync(target, "Events") > 0);

        var endpoint = (await postgres.Get<EndpointService>().GetAsync(created.Value!.Endpoint.Id))!;
        var secrets = postgres.Get<SecretBox>();
        Assert.Equal(created.Value.Secret, secrets.Unprotect(endpoint.ProtectedSecret));
        Assert.Equal([new CustomHeader("X-Tenant", "co-up-berlin")], secrets.UnprotectHeaders(endpoint.Headers));
        Assert.Equal(PayPalSecret, (await postgres.Get<ConnectedPayPal>().ActiveAsync(CancellationToken.None))!.Account.Secret);

        // The sequences moved past the copied ids: a new member gets the next one.
        var highest = Convert.ToInt64(sqlite.Scalar("SELECT max(Id) FROM Memberships"));
        var plan = await postgres.Services.AddPlanAsync("After the move");
        Assert.Equal(highest + 1, (await postgres.Services.AddMemberAsync(plan.Id)).Membership.Id);

        var again = await new VerbRunner(folder) { Timeout = TimeSpan.FromMinutes(5) }.RunAsync("move-to-postgres", "--to", target);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains($"The PostgreSQL database {new NpgsqlConnectionStringBuilder(target).Database} on 127.0.0.1 is not empty: ", again.Stderr);
        Assert.Contains("have rows. " + MoveToPostgres.StartOver, again.Stderr);
    }

    [Fact]
    public async Task The_move_is_refused_while_a_server_holds_the_data_folder_and_writes_nothing()
    {
        await using var sqlite = await InstallAsync();
        var options = sqlite.Get<IOptions<EasySpaceOptions>>().Value;
        var target = await PostgresServer.CreateDatabaseAsync(empty: true);

        // The lock a serving EasySpace holds (Program.cs, HoldDataFolder), taken here in the test's process.
        using (DataFolderLock.TryTake(options))
        {
            var refused = await new VerbRunner(options.DataDirectoryFullPath).RunAsync("move-to-postgres", "--to", target);

            Assert.Equal(2, refused.ExitCode);
            Assert.Contains($"EasySpace is running on the data folder {options.DataDirectoryFullPath}. Stop the server, then move.", refused.Stderr);
        }
        Assert.Equal(0L, await ScalarAsync(target, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));
    }

    [Theory]
    [InlineData("not a connection string", "--to is not a PostgreSQL connection string (")]
    [InlineData("Host=db.example.com", "--to names no Host or no Database.")]
    public async Task A_target_that_is_not_a_PostgreSQL_connection_string_is_refused_in_words(string to, string reason)
    {
        using var data = new TempDirectory();

        var refused = await new VerbRunner(data.Path).RunAsync("move-to-postgres", "--to", to);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains(reason, refused.Stderr);
    }

    private static async Task<CoreHost> InstallAsync()
    {
        var core = await CoreHost.StartAsync(new Dictionary<string, string?> { ["Webhooks:AllowPrivateNetworks"] = "true" }, store: Store.Sqlite);
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
        return core;
    }

    /// <summary>PayPal connected as its wizard stores it: the secret encrypted with the install's keys.</summary>
    private static async Task ConnectPayPalAsync(CoreHost core)
    {
        var protector = core.Get<IDataProtectionProvider>().CreateProtector(ProviderConnection.CredentialsProtection);
        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        db.ProviderConnections.Add(ProviderConnection.ConnectPayPal(ProviderMode.Test, new ProviderAccount("paypal-app", "Co-Up", "DE", "EUR", true),
            new StoredCredentials(protector.Protect(PayPalSecret), "…1234", "paypal-client-id"),
            new WebhookRegistration(EventDelivery.Local, null, null, null), "owner@example.com", core.Clock.GetUtcNow()));
        await db.SaveChangesAsync();
    }

    private static string Fingerprint(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static Task<long> CountAsync(string connectionString, string table) => ScalarAsync(connectionString, $"SELECT count(*) FROM \"{table}\"");

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
