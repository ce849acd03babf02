using EasySpace.Core.Activity;
using EasySpace.Core.Backup;
using EasySpace.Core.Space;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Backup;

/// <summary>Backups are copies of SQLite's file: on PostgreSQL the verbs' services refuse in words and the daily job makes nothing.</summary>
[Trait("Store", "Named")]
public class BackupOnPostgresTests : IDisposable
{
    private readonly TempDirectory backups = new();

    [Fact]
    public async Task Backup_and_restore_refuse_on_PostgreSQL_and_name_the_server_s_own_tools()
    {
        await using var core = await CoreHost.StartAsync(store: Store.Postgres);

        var backup = await core.Get<BackupService>().BackupAsync(Path.Combine(backups.Path, "copy"), ActivityKinds.CommandLine);
        var restore = await core.Get<RestoreService>().RestoreAsync(backups.Path);

        Assert.Equal("On PostgreSQL, back up the database with pg_dump: docs/operations.md, \"Database\".", backup.Errors.For(""));
        Assert.Equal("On PostgreSQL, restore the database with pg_restore: docs/operations.md, \"Database\".", restore.Errors.For(""));
        Assert.Empty(Directory.EnumerateFileSystemEntries(backups.Path));
    }

    [Fact]
    public async Task The_daily_backup_makes_nothing_on_PostgreSQL()
    {
        await using var core = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["Backup:Directory"] = backups.Path, ["Backup:Keep"] = "3", ["Backup:TimeOfDay"] = "03:00",
        }, store: Store.Postgres);
        Assert.True((await core.Get<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = AppHost.OwnerEmail, Password = AppHost.Password, SpaceName = "Co-Up", TimeZone = "Europe/Berlin", PublicBaseUrl = "http://127.0.0.1",
        }, "test")).Succeeded);

        // 10:00 in Berlin, past the time of day: on SQLite the day's copy is due now (DailyBackupsTests).
        Assert.Null(await core.Get<DailyBackups>().RunAsync());

        Assert.Empty(Directory.EnumerateFileSystemEntries(backups.Path));
    }

    public void Dispose() => backups.Dispose();
}
