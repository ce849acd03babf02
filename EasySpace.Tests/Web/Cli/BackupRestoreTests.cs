using System.Text.Json.Nodes;
using EasySpace.Core;
using EasySpace.Core.Backup;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Space;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EasySpace.Tests.Web.Cli;

/// <summary>The backup and restore verbs, run as the real executable beside a real server.</summary>
[Trait("Store", "Named")]
public class BackupRestoreTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory data = new();
    private readonly TempDirectory elsewhere = new();   // backups and fresh data folders

    private static readonly Dictionary<string, string> ServerSettings = new()
    {
        ["Webhooks:AllowPrivateNetworks"] = "true",
        ["Webhooks:PumpIntervalSeconds"] = "1",
    };

    private string Backup(string name = "backup") => Path.Combine(elsewhere.Path, name);

    [Fact]
    public async Task A_backup_taken_under_load_restores_every_event_delivery_and_secret_committed_before_it_began()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var core = await CoreOn(data.Path, setUp: true);
        var created = await core.GetRequiredService<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "crm", Url = receiver.Url.ToString(), Events = ["created_booking"],
        }, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);
        Assert.True(created.Succeeded);
        await using var server = await ServerProcess.StartAsync(data.Path, ServerSettings);

        // Events committed by this test's own Core (as a verb would) while the server fans them out and delivers them.
        var outbox = core.GetRequiredService<EventOutbox>();
        var dbFactory = core.GetRequiredService<IDbContextFactory<AppDbContext>>();
        using var stop = new CancellationTokenSource();
        var committed = 0;
        var committer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                var id = $"b{committed}";
                await outbox.RaiseAsync(db, "created_booking", new EventSubject(id, id, new() { ["id"] = id, ["url"] = $"http://127.0.0.1/api/bookings/{id}" }));
                await db.SaveChangesAsync();
                Interlocked.Increment(ref committed);
            }
        });
        await receiver.WaitForDistinctAsync(50, seconds: 60);   // deliveries are flowing

        var events = Ids("SELECT MessageId FROM Events");
        var deliveries = Ids("SELECT Id FROM Deliveries");
        var committedBefore = Volatile.Read(ref committed);
        var backup = await new VerbRunner(data.Path).RunAsync("backup", "--to", Backup());
        var committedDuring = Volatile.Read(ref committed) - committedBefore;
        await stop.CancelAsync();
        await committer;
        output.WriteLine($"{events.Count} events and {deliveries.Count} deliveries before the backup; {committedDuring} events committed while it ran. {backup.Stdout}");
        Assert.True(backup.ExitCode == 0, backup.Stderr);
        Assert.Contains($"Backed up to {Backup()}", backup.Stdout);
        Assert.True(committedDuring > 0, "the server's database was written while the backup ran");

        var fresh = Directory.CreateDirectory(Path.Combine(elsewhere.Path, "fresh-data")).FullName;
        var restore = await new VerbRunner(fresh).RunAsync("restore", "--from", Backup());
        Assert.True(restore.ExitCode == 0, restore.Stderr);
        Assert.Contains("There was no database here before.", restore.Stdout);

        Assert.Empty(events.Except(Ids("SELECT MessageId FROM Events", fresh)));
        Assert.Empty(deliveries.Except(Ids("SELECT Id FROM Deliveries", fresh)));
        await using var restored = await CoreOn(fresh);
        var secret = await restored.GetRequiredService<EndpointService>().RevealSecretAsync(created.Value!.Endpoint.Id, WebhookHostExtensions.Owner);
        Assert.Equal(created.Value.Secret, secret);   // decrypted with the restored keys
    }

    [Fact]
    public async Task Restore_refuses_while_a_server_runs_on_the_data_folder_and_a_second_server_does_not_start()
    {
        await SetUpSpaceAsync(data.Path);
        Assert.Equal(0, (await new VerbRunner(data.Path).RunAsync("backup", "--to", Backup())).ExitCode);
        await using var server = await ServerProcess.StartAsync(data.Path, ServerSettings);

        var restore = await RestoreHereAsync();
        Assert.Equal(2, restore.ExitCode);
        Assert.Equal($"EasySpace is running on the data folder {data.Path}. Stop the server, then restore.", restore.Stderr);
        Assert.Empty(Directory.GetDirectories(data.Path, "replaced-*"));

        var second = await new VerbRunner(data.Path).RunAsync();   // no verb: serve
        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"The data folder {data.Path} is in use by another EasySpace server or a restore", second.Stderr);

        await server.KillAsync();   // the lock goes with the process, however it ends
        Assert.Equal(0, (await RestoreHereAsync()).ExitCode);
    }

    [Fact]
    public async Task Restore_keeps_the_database_and_keys_it_replaces()
    {
        var verbs = new VerbRunner(data.Path);
        await SetUpSpaceAsync(data.Path);
        Assert.Equal(0, (await verbs.RunAsync("backup", "--to", Backup())).ExitCode);
        Assert.Equal(0, (await verbs.RunAsync("add-admin", "--email", "later@example.com", "--password", AppHost.Password)).ExitCode);

        var restore = await verbs.RunAsync("restore", "--from", Backup());

        Assert.Equal(0, restore.ExitCode);
        var replaced = Assert.Single(Directory.GetDirectories(data.Path, "replaced-*"));
        Assert.Contains($"The database and keys it replaced are kept in {replaced}.", restore.Stdout);
        Assert.Equal(0L, Scalar(data.Path, "SELECT COUNT(*) FROM AspNetUsers WHERE Email = 'later@example.com'"));
        Assert.Equal(1L, Scalar(replaced, "SELECT COUNT(*) FROM AspNetUsers WHERE Email = 'later@example.com'"));
        Assert.True(Directory.Exists(Path.Combine(replaced, "keys")));
        Assert.Equal(1L, Scalar(data.Path, "SELECT COUNT(*) FROM ActivityLog WHERE Action = 'backup.restored' AND Actor = 'cli'"));
        // A backup's own line is written once the copy is made, so it is in the database that was replaced, not in the copy.
        Assert.Equal(1L, Scalar(replaced, "SELECT COUNT(*) FROM ActivityLog WHERE Action = 'backup.made' AND Actor = 'cli'"));
        Assert.Equal(0L, Scalar(data.Path, "SELECT COUNT(*) FROM ActivityLog WHERE Action = 'backup.made'"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(PrivateFiles.OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(Backup(), "easyspace.db")));
            Assert.Equal(PrivateFiles.OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(Backup(), "manifest.json")));
            Assert.Equal(PrivateFiles.OwnerOnlyFolder, File.GetUnixFileMode(Backup()));
            Assert.Equal(PrivateFiles.OwnerOnlyFolder, File.GetUnixFileMode(replaced));
        }
    }

    [Fact]
    public async Task Restore_applies_the_migrations_a_backup_from_an_older_version_lacks()
    {
        List<string> later;
        await using (var old = await CoreOn(data.Path, migrate: false))
        {
            await using var db = await old.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            await db.GetService<IMigrator>().MigrateAsync("Mail");   // the version before the engine's second design
            later = db.Database.GetMigrations().SkipWhile(m => m != "20261202005003_Mail").Skip(1).ToList();
        }
        var backup = await new VerbRunner(data.Path).RunAsync("backup", "--to", Backup());
        Assert.Contains("at migration 20261202005003_Mail", backup.Stdout);

        var fresh = Directory.CreateDirectory(Path.Combine(elsewhere.Path, "fresh-data")).FullName;
        var restore = await new VerbRunner(fresh).RunAsync("restore", "--from", Backup());

        Assert.True(restore.ExitCode == 0, restore.Stderr);
        Assert.Contains($"{later.Count} migration(s) applied", restore.Stdout);
        Assert.Equal(later[^1], Scalar(fresh, "SELECT MAX(MigrationId) FROM __EFMigrationsHistory"));
        Assert.Equal("wal", Scalar(fresh, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Restore_refuses_a_backup_from_a_newer_version()
    {
        await MakeBackupAsync();
        Execute(Backup(), "INSERT INTO __EFMigrationsHistory VALUES ('29991231000000_FromTheFuture', '99.0.0')");
        RewriteManifest(m => { m["lastMigration"] = "29991231000000_FromTheFuture"; m["appVersion"] = "99.0.0"; });

        var restore = await RestoreHereAsync();

        Assert.Equal(2, restore.ExitCode);
        Assert.StartsWith("This backup was made by a newer EasySpace (99.0.0): its database has the migration 29991231000000_FromTheFuture, which this version (1.0.0", restore.Stderr);
        Assert.EndsWith("does not know. Restore it with that version or a newer one.", restore.Stderr);
        Assert.Empty(Directory.GetDirectories(data.Path, "replaced-*"));
    }

    [Fact]
    public async Task Restore_refuses_a_backup_whose_database_changed_since_it_was_made()
    {
        await MakeBackupAsync();
        Execute(Backup(), "DELETE FROM AspNetUsers");

        var restore = await RestoreHereAsync();

        Assert.Equal(2, restore.ExitCode);
        Assert.Equal($"The backup in {Backup()} is damaged: easyspace.db is not the file that was backed up (its size or checksum differs). Use another copy.", restore.Stderr);
        Assert.Equal(1L, Scalar(data.Path, "SELECT COUNT(*) FROM AspNetUsers"));   // nothing was replaced
    }

    [Fact]
    public async Task Restore_refuses_a_backup_that_fails_the_integrity_check_though_its_checksums_match()
    {
        await MakeBackupAsync();
        // Scribbles over the middle of the database's pages, then writes a manifest that matches: only SQLite can tell.
        var file = Path.Combine(Backup(), "easyspace.db");
        var bytes = await File.ReadAllBytesAsync(file);
        for (var page = 2; page * 4096 < bytes.Length; page += 3) Array.Fill(bytes, (byte)0x5A, page * 4096 + 8, 64);
        await File.WriteAllBytesAsync(file, bytes);
        RewriteManifest(m => m["files"]!.AsArray().First(f => (string?)f!["path"] == "easyspace.db")!["sha256"] = BackupFile.Of(Backup(), file).Sha256);

        var restore = await RestoreHereAsync();

        Assert.Equal(2, restore.ExitCode);
        Assert.StartsWith($"The backup in {Backup()} is damaged: ", restore.Stderr);
        Assert.Matches("the database failed SQLite's integrity check|SQLite cannot read the database", restore.Stderr);
        Assert.Equal(1L, Scalar(data.Path, "SELECT COUNT(*) FROM AspNetUsers"));
    }

    [Theory]
    [InlineData(new[] { "backup" }, "Missing --to. Usage: backup --to DIR")]
    [InlineData(new[] { "backup", "--to" }, "--to needs a value.")]
    [InlineData(new[] { "restore" }, "Missing --from. Usage: restore --from DIR")]
    [InlineData(new[] { "restore", "--from", "{elsewhere}/nothing-here" }, "There is no backup folder at {elsewhere}/nothing-here.")]
    [InlineData(new[] { "restore", "--from", "{elsewhere}" }, "{elsewhere} has no manifest.json: it is not a backup made by the backup command, or that backup did not finish.")]
    [InlineData(new[] { "backup", "--to", "{data}" }, "{data} is not empty. Back up into a new or empty folder, so no earlier copy is overwritten.")]
    [InlineData(new[] { "backup", "--to", "{data}/easyspace.db" }, "{data}/easyspace.db is a file, not a folder.")]
    [InlineData(new[] { "backup", "--to", "{data}/easyspace.db/inside" }, "The backup to {data}/easyspace.db/inside failed: ")]
    public async Task Bad_arguments_are_refused_with_a_reason_and_change_nothing(string[] args, string reason)
    {
        await SetUpSpaceAsync(data.Path);
        string Fill(string s) => s.Replace("{elsewhere}", elsewhere.Path).Replace("{data}", data.Path);

        var result = await new VerbRunner(data.Path).RunAsync(args.Select(Fill).ToArray());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(Fill(reason), result.Stderr);
        Assert.DoesNotContain('\n', result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.Empty(Directory.GetDirectories(data.Path, "replaced-*"));
    }

    [Fact]
    public async Task Restore_refuses_a_manifest_that_names_a_file_outside_the_backup()
    {
        await MakeBackupAsync();
        RewriteManifest(m => m["files"]!.AsArray().Add(new JsonObject { ["path"] = "../../etc/passwd", ["bytes"] = 1, ["sha256"] = "00" }));

        var restore = await RestoreHereAsync();

        Assert.Equal(2, restore.ExitCode);
        Assert.Contains("its manifest names a file outside the folder (../../etc/passwd)", restore.Stderr);
    }

    private Task<VerbResult> RestoreHereAsync() => new VerbRunner(data.Path).RunAsync("restore", "--from", Backup());

    private async Task MakeBackupAsync()
    {
        await SetUpSpaceAsync(data.Path);
        var backup = await new VerbRunner(data.Path).RunAsync("backup", "--to", Backup());
        Assert.True(backup.ExitCode == 0, backup.Stderr);
    }

    private static async Task SetUpSpaceAsync(string folder)
    {
        await using (await CoreOn(folder, setUp: true)) { }
        SqliteConnection.ClearAllPools();   // this process lets go of the files, as a finished verb would
    }

    private void RewriteManifest(Action<JsonNode> change)
    {
        var path = Path.Combine(Backup(), BackupManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        change(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
    }

    /// <summary>Core over a data folder, as another process than the server: migrated, and set up when asked.</summary>
    private static async Task<ServiceProvider> CoreOn(string folder, bool setUp = false, bool migrate = true)
    {
        var services = new ServiceCollection().AddLogging().AddEasySpaceCore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EasySpace:DataDirectory"] = folder,
            ["Webhooks:AllowPrivateNetworks"] = "true",
        }).Build()).BuildServiceProvider();
        if (migrate) await services.MigrateDatabaseAsync();
        if (setUp)
            Assert.True((await services.GetRequiredService<SetupService>().CompleteAsync(new SetupRequest
            {
                Email = AppHost.OwnerEmail, Password = AppHost.Password, SpaceName = "Co-Up", PublicBaseUrl = "http://127.0.0.1",
            }, "test")).Succeeded);
        return services;
    }

    private HashSet<string> Ids(string sql, string? folder = null)
    {
        using var connection = Open(folder ?? data.Path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>();
        while (reader.Read()) ids.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        return ids;
    }

    private static object? Scalar(string folder, string sql)
    {
        using var connection = Open(folder);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(string folder, string sql)
    {
        using var connection = Open(folder);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string folder)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "easyspace.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        data.Dispose();
        elsewhere.Dispose();
    }
}
