using System.Reflection;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Backup;

/// <summary>
/// Copies the database and the Data Protection keys into a folder while the server runs. The database goes through
/// SQLite's online backup (one read transaction: a consistent copy of everything committed before it began, while the
/// server keeps writing), is checked with <c>PRAGMA integrity_check</c>, and the manifest is written last.
/// </summary>
public sealed class BackupService(
    IOptions<EasySpaceOptions> options,
    DatabaseOptions database,
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock,
    ILogger<BackupService> log)
{
    /// <summary>Why backup refuses on PostgreSQL: the copy is SQLite's file; the server has its own tools.</summary>
    public const string OnPostgres = "On PostgreSQL, back up the database with pg_dump: docs/operations.md, \"Database\".";

    /// <summary>This build's version as the manifest records it, e.g. <c>1.0.0+eab5173…</c>.</summary>
    public static string AppVersion { get; } =
        typeof(BackupService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Backs up into <paramref name="folder"/>, which must be new or empty; each copy made or failed is in the activity log.</summary>
    public async Task<Result<BackupManifest>> BackupAsync(string folder, string by, CancellationToken ct = default)
    {
        if (database.IsPostgres) return Refuse(OnPostgres);
        var target = Path.GetFullPath(folder);
        var data = options.Value;
        if (File.Exists(target)) return Refuse($"{target} is a file, not a folder.");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            return Refuse($"{target} is not empty. Back up into a new or empty folder, so no earlier copy is overwritten.");
        if (!File.Exists(data.DatabasePath)) return Refuse($"There is no database at {data.DatabasePath} to back up.");

        var created = !Directory.Exists(target);
        try
        {
            var manifest = Copy(target, data);
            await RecordAsync(by, ActivityKinds.BackupMade, target, null, ct);
            return manifest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException or BackupCheckFailed)
        {
            RemoveWhatWasWritten(target, created);
            var reason = Reason(e, target);
            await RecordAsync(by, ActivityKinds.BackupFailed, target, reason, ct);
            return Refuse($"The backup to {target} failed: {reason} Nothing was kept there.");
        }
    }

    private BackupManifest Copy(string target, EasySpaceOptions data)
    {
        PrivateFiles.CreateFolder(target);
        var copy = Path.Combine(target, BackupManifest.DatabaseFile);
        PrivateFiles.CreateFile(copy);
        string lastMigration;
        using (var source = SqliteFile.Open(data.DatabasePath, SqliteOpenMode.ReadWrite))
        using (var destination = SqliteFile.Open(copy, SqliteOpenMode.ReadWrite))
        {
            source.BackupDatabase(destination);
            SqliteFile.LeaveWal(destination);
            if (SqliteFile.IntegrityProblem(destination) is { } problem) throw new BackupCheckFailed($"the copy failed SQLite's integrity check ({problem}).");
            lastMigration = SqliteFile.LastMigration(destination) ?? throw new BackupCheckFailed("the database has no migrations applied: it is not an EasySpace database.");
        }

        if (Directory.Exists(data.KeysDirectory))
        {
            var keys = Path.Combine(target, BackupManifest.KeysFolder);
            PrivateFiles.CreateFolder(keys);
            foreach (var key in Directory.EnumerateFiles(data.KeysDirectory))
                File.Copy(key, Path.Combine(keys, Path.GetFileName(key)));
            PrivateFiles.TightenAll(keys);
        }

        var files = Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => BackupFile.Of(target, f)).ToList();
        var manifest = new BackupManifest(1, AppVersion, lastMigration, clock.GetUtcNow(), files);
        // Written aside and moved in: a manifest is there only when the whole copy is.
        var written = Path.Combine(target, BackupManifest.FileName + ".tmp");
        PrivateFiles.CreateFile(written);
        File.WriteAllText(written, manifest.ToJson());
        File.Move(written, Path.Combine(target, BackupManifest.FileName));
        return manifest;
    }

    private static void RemoveWhatWasWritten(string target, bool created)
    {
        try
        {
            if (!Directory.Exists(target)) return;
            if (created) { Directory.Delete(target, recursive: true); return; }
            foreach (var file in Directory.EnumerateFiles(target)) File.Delete(file);
            foreach (var sub in Directory.EnumerateDirectories(target)) Directory.Delete(sub, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the message already says the copy failed */ }
    }

    private static string Reason(Exception e, string target) => e switch
    {
        SqliteException { SqliteErrorCode: 13 } => "the disk is full.",
        IOException when (e.HResult & 0xFFFF) == 28 => "the disk is full.", // ENOSPC
        UnauthorizedAccessException => $"EasySpace may not write to {target} (check the folder's owner and permissions).",
        BackupCheckFailed => e.Message,
        _ => e.Message.TrimEnd('.') + ".",
    };

    private async Task RecordAsync(string by, ActivityKind kind, string folder, string? reason, CancellationToken ct)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.ActivityLog.Add(ActivityEntry.Record(by, kind, folder, clock.GetUtcNow(), reason is null ? null : new ActivityDetails().Note(reason).Text));
            await db.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is DbUpdateException or SqliteException or IOException)
        {
            // The database may be what failed (a full disk): the log line above still says what happened.
            log.LogError(e, "The activity log could not record the backup to {Folder}", folder);
        }
    }

    private static ValidationErrors Refuse(string message) => new ValidationErrors().Add("", message);
}

/// <summary>A copy that SQLite says is damaged, or that is not an EasySpace database.</summary>
internal sealed class BackupCheckFailed(string message) : Exception(message);
