using System.Globalization;
using System.Text.RegularExpressions;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace EasySpace.Core.Backup;

/// <summary>
/// The daily backup: once the day's <c>Backup:TimeOfDay</c> has passed on the space's clock and no copy of that day is in
/// <c>Backup:Directory</c>, makes one (<c>easyspace-yyyyMMdd-HHmmss</c>, UTC) and deletes all but the newest
/// <c>Backup:Keep</c>. Asked every few minutes by <see cref="DailyBackupJob"/>, so a server that was down at that time
/// catches up when it starts. A failed day is tried again the next day, not every few minutes.
/// </summary>
public sealed partial class DailyBackups(
    BackupService backups,
    IOptionsMonitor<BackupOptions> options,
    DatabaseOptions database,
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock,
    ILogger<DailyBackups> log)
{
    private DateTimeOffset failedDay = DateTimeOffset.MinValue;
    private bool saidOffOnPostgres;

    /// <summary>The copy made, or null when none was due.</summary>
    public async Task<Result<BackupManifest>?> RunAsync(CancellationToken ct = default)
    {
        var settings = options.CurrentValue;
        if (!settings.IsOn) return null;
        if (database.IsPostgres)
        {
            // The copy is SQLite's file; a PostgreSQL server is backed up with its own tools. Said once, not every five minutes.
            if (!saidOffOnPostgres) log.LogWarning("Backup:Directory is set, but on PostgreSQL EasySpace makes no daily copy. {Instead}", BackupService.OnPostgres);
            saidOffOnPostgres = true;
            return null;
        }
        var now = clock.GetUtcNow();
        SpaceClock spaceClock;
        await using (var db = await dbFactory.CreateDbContextAsync(ct)) spaceClock = await SpaceClock.LoadAsync(db, ct);
        var today = spaceClock.Today(now);
        var due = spaceClock.ToInstant(today.ToDateTime(settings.Time));
        var folder = Path.GetFullPath(settings.Directory);
        if (now < due || due == failedDay || Copies(folder).Any(c => c.Finished && c.MadeAt >= due)) return null;

        var made = await backups.BackupAsync(Path.Combine(folder, $"easyspace-{now.UtcDateTime:yyyyMMdd-HHmmss}"), ActivityKinds.System, ct);
        if (!made.Succeeded)
        {
            failedDay = due;
            log.LogError("The daily backup failed; it is tried again tomorrow. {Reason}", made.Errors.For(""));
            return made;
        }
        // The newest Keep finished copies stay; older ones, and copies a stopped run left unfinished, go.
        foreach (var old in Copies(folder).OrderByDescending(c => c.MadeAt).Where(c => c.Finished).Skip(settings.Keep)
                     .Concat(Copies(folder).Where(c => !c.Finished)))
        {
            try { Directory.Delete(old.Path, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { log.LogWarning(e, "The old backup {Folder} could not be deleted", old.Path); }
        }
        return made;
    }

    private sealed record Copy(string Path, DateTimeOffset MadeAt, bool Finished);

    /// <summary>The folders this job made; anything else in the directory is left alone.</summary>
    private static List<Copy> Copies(string folder) => !Directory.Exists(folder) ? [] : Directory.EnumerateDirectories(folder)
        .Select(path => (path, match: CopyName().Match(System.IO.Path.GetFileName(path))))
        .Where(p => p.match.Success)
        .Select(p => new Copy(p.path,
            DateTimeOffset.ParseExact(p.match.Groups[1].Value, "yyyyMMdd-HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            File.Exists(System.IO.Path.Combine(p.path, BackupManifest.FileName))))
        .ToList();

    [GeneratedRegex(@"^easyspace-(\d{8}-\d{6})$")]
    private static partial Regex CopyName();
}

/// <summary>Every five minutes: asks <see cref="DailyBackups"/> whether the day's copy is due.</summary>
[DisallowConcurrentExecution]
public sealed class DailyBackupJob(DailyBackups daily) : IJob
{
    public static readonly JobKey Key = new("daily-backup", "backup");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await daily.RunAsync(ct);
}
