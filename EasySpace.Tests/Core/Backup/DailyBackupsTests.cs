using EasySpace.Core.Backup;
using EasySpace.Core.Space;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.Options;

namespace EasySpace.Tests.Core.Backup;

/// <summary>The daily backup job on a fake clock: when it runs, what it keeps, what a failed day does.</summary>
[Trait("Store", "Named")]
public class DailyBackupsTests : IDisposable
{
    private readonly TempDirectory backups = new();

    private async Task<CoreHost> StartAsync(string directory, string keep = "3")
    {
        var core = await CoreHost.StartAsync(store: Store.Sqlite, settings: new Dictionary<string, string?>
        {
            ["Backup:Directory"] = directory, ["Backup:Keep"] = keep, ["Backup:TimeOfDay"] = "03:00",
        });
        var setup = await core.Get<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = AppHost.OwnerEmail, Password = AppHost.Password, SpaceName = "Co-Up", TimeZone = "Europe/Berlin",
            PublicBaseUrl = "http://127.0.0.1",
        }, "test");
        Assert.True(setup.Succeeded);
        return core;
    }

    [Fact]
    public async Task It_makes_one_copy_a_day_after_the_time_of_day_on_the_space_s_clock_and_keeps_the_last_N()
    {
        await using var core = await StartAsync(backups.Path);
        var daily = core.Get<DailyBackups>();
        Assert.True((await daily.RunAsync())!.Succeeded);   // 09:00 UTC, 10:00 in Berlin: today's copy is due
        Assert.Null(await daily.RunAsync());                 // and made

        var start = core.Clock.GetUtcNow();
        for (var day = 1; day <= 5; day++)
        {
            core.Clock.SetUtcNow(new DateTimeOffset(start.UtcDateTime.Date.AddDays(day).AddHours(1.5), TimeSpan.Zero));
            Assert.Null(await daily.RunAsync());             // 02:30 in Berlin: not yet
            core.Clock.Advance(TimeSpan.FromHours(1));
            Assert.True((await daily.RunAsync())!.Succeeded, $"day {day}");   // 03:30 in Berlin
        }

        Assert.Equal(["easyspace-20260305-023000", "easyspace-20260306-023000", "easyspace-20260307-023000"],
            Directory.GetDirectories(backups.Path).Select(d => new DirectoryInfo(d).Name).Order().ToArray());
        Assert.All(Directory.GetDirectories(backups.Path), copy => Assert.True(File.Exists(Path.Combine(copy, BackupManifest.FileName))));
        Assert.Equal(6L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'backup.made' AND Actor = 'system'"));
    }

    [Fact]
    public async Task A_failed_day_is_in_the_activity_log_once_and_tried_again_the_next_day()
    {
        var blocker = Path.Combine(backups.Path, "blocker");
        await File.WriteAllTextAsync(blocker, "a file where the backup folder should be");
        await using var core = await StartAsync(Path.Combine(blocker, "daily"));
        var daily = core.Get<DailyBackups>();

        var failed = await daily.RunAsync();
        core.Clock.Advance(TimeSpan.FromMinutes(5));
        var fiveMinutesLater = await daily.RunAsync();

        Assert.False(failed!.Succeeded);
        Assert.StartsWith($"The backup to {blocker}/daily/easyspace-20260302-090000 failed: ", failed.Errors.For(""));
        Assert.Null(fiveMinutesLater);
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'backup.failed' AND Actor = 'system' AND Details IS NOT NULL"));

        File.Delete(blocker);
        core.Clock.Advance(TimeSpan.FromDays(1));
        Assert.True((await daily.RunAsync())!.Succeeded);
    }

    [Fact]
    public async Task It_is_off_without_a_directory()
    {
        await using var core = await StartAsync("");

        Assert.Null(await core.Get<DailyBackups>().RunAsync());
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action LIKE 'backup.%'"));
    }

    [Theory]
    [InlineData("Keep", "0", "Backup:Keep: keep from 1 to 1000 copies.")]
    [InlineData("TimeOfDay", "3am", "Backup:TimeOfDay: write the time as HH:mm on a 24-hour clock, e.g. 03:00 (not “3am”).")]
    [InlineData("TimeOfDay", "24:00", "Backup:TimeOfDay: write the time as HH:mm")]
    public async Task Settings_that_cannot_work_are_refused_with_the_setting_s_name(string key, string value, string message)
    {
        await using var core = new CoreHost(new Dictionary<string, string?> { ["Backup:Directory"] = backups.Path, [$"Backup:{key}"] = value }, store: Store.Sqlite);

        var refused = Assert.Throws<OptionsValidationException>(() => core.Get<IOptions<BackupOptions>>().Value);

        Assert.Contains(message, refused.Message);
    }

    public void Dispose() => backups.Dispose();
}
