using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Backup;

/// <summary>What a restore did: the copy it put in place, where the files it replaced went, the migrations it applied.</summary>
public sealed record Restored(BackupManifest Manifest, string? ReplacedFolder, int MigrationsApplied);

/// <summary>
/// Puts a backup in place of the data folder's database and keys, then applies this version's migrations. Refuses while
/// a server holds the data folder (<see cref="DataFolderLock"/>), a copy from a newer version, and a damaged copy. What
/// it replaces is moved aside into <c>replaced-…</c> in the data folder, never deleted.
/// </summary>
public sealed class RestoreService(
    IServiceProvider services,
    IOptions<EasySpaceOptions> options,
    DatabaseOptions database,
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock)
{
    public const string OnPostgres = "On PostgreSQL, restore the database with pg_restore: docs/operations.md, \"Database\".";

    public async Task<Result<Restored>> RestoreAsync(string folder, CancellationToken ct = default)
    {
        if (database.IsPostgres) return Refuse(OnPostgres);
        var source = Path.GetFullPath(folder);
        var data = options.Value;
        using var held = DataFolderLock.TryTake(data);
        if (held is null)
            return Refuse($"EasySpace is running on the data folder {data.DataDirectoryFullPath}. Stop the server, then restore.");

        if (!Directory.Exists(source)) return Refuse($"There is no backup folder at {source}.");
        var manifestPath = Path.Combine(source, BackupManifest.FileName);
        if (!File.Exists(manifestPath))
            return Refuse($"{source} has no {BackupManifest.FileName}: it is not a backup made by the backup command, or that backup did not finish.");
        if (BackupManifest.Parse(await File.ReadAllTextAsync(manifestPath, ct)) is not { } manifest)
            return Refuse($"{manifestPath} cannot be read as a backup manifest: the backup is damaged. Use another copy.");

        List<string> known;
        await using (var db = await dbFactory.CreateDbContextAsync(ct)) known = db.Database.GetMigrations().ToList();
        if (!known.Contains(manifest.LastMigration))
            return Refuse($"This backup was made by a newer EasySpace ({manifest.AppVersion}): its database has the migration {manifest.LastMigration}, " +
                $"which this version ({BackupService.AppVersion}) does not know. Restore it with that version or a newer one.");
        if (Damage(source, manifest) is { } damage)
            return Refuse($"The backup in {source} is damaged: {damage} Use another copy.");

        var replaced = MoveAside(data);
        try
        {
            PrivateFiles.CreateFile(data.DatabasePath);
            File.Copy(Path.Combine(source, BackupManifest.DatabaseFile), data.DatabasePath, overwrite: true);
            PrivateFiles.Tighten(data.DatabasePath);
            var keys = Path.Combine(source, BackupManifest.KeysFolder);
            PrivateFiles.CreateFolder(data.KeysDirectory);
            if (Directory.Exists(keys))
                foreach (var key in Directory.EnumerateFiles(keys))
                    File.Copy(key, Path.Combine(data.KeysDirectory, Path.GetFileName(key)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Copying the backup into {data.DataDirectoryFullPath} failed ({e.Message})." + (replaced is null ? "" :
                $" The database and keys it was replacing are in {replaced}: move them back into {data.DataDirectoryFullPath} to return to where you were."), e);
        }

        var pending = known.Count - known.IndexOf(manifest.LastMigration) - 1;
        await services.MigrateDatabaseAsync(ct);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var spaceClock = await SpaceClock.LoadAsync(db, ct);
            db.ActivityLog.Add(ActivityEntry.Record(ActivityKinds.CommandLine, ActivityKinds.BackupRestored, spaceClock.When(manifest.MadeAt), clock.GetUtcNow(),
                new ActivityDetails().Value("From", source).Value("Replaced files kept in", replaced ?? "nothing was replaced").Text));
            await db.SaveChangesAsync(ct);
        }
        return new Restored(manifest, replaced, pending);
    }

    /// <summary>The first thing wrong with the copy's files (missing, another size or checksum, a damaged database), or null.</summary>
    private static string? Damage(string source, BackupManifest manifest)
    {
        if (!manifest.Files.Any(f => f.Path == BackupManifest.DatabaseFile)) return $"its manifest lists no {BackupManifest.DatabaseFile}.";
        foreach (var file in manifest.Files)
        {
            var path = Path.GetFullPath(Path.Combine(source, file.Path));
            if (!path.StartsWith(source + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return $"its manifest names a file outside the folder ({file.Path}).";
            if (!File.Exists(path)) return $"{file.Path} is missing.";
            if (BackupFile.Of(source, path) != file) return $"{file.Path} is not the file that was backed up (its size or checksum differs).";
        }
        try
        {
            using var copy = SqliteFile.Open(Path.Combine(source, BackupManifest.DatabaseFile), SqliteOpenMode.ReadOnly);
            if (SqliteFile.IntegrityProblem(copy) is { } problem) return $"the database failed SQLite's integrity check ({problem}).";
            var last = SqliteFile.LastMigration(copy);
            return last == manifest.LastMigration ? null : $"the database's last migration ({last}) is not the one its manifest names ({manifest.LastMigration}).";
        }
        catch (SqliteException e) { return $"SQLite cannot read the database ({e.Message})."; }
    }

    /// <summary>Moves the current database (with its -wal and -shm) and keys into <c>replaced-yyyyMMdd-HHmmss</c>; null when there was none.</summary>
    private string? MoveAside(EasySpaceOptions data)
    {
        string[] files = [data.DatabasePath, data.DatabasePath + "-wal", data.DatabasePath + "-shm"];
        var hasKeys = Directory.Exists(data.KeysDirectory) && Directory.EnumerateFileSystemEntries(data.KeysDirectory).Any();
        if (!files.Any(File.Exists) && !hasKeys) return null;
        var aside = Path.Combine(data.DataDirectoryFullPath, $"replaced-{clock.GetUtcNow():yyyyMMdd-HHmmss}");
        for (var n = 2; Directory.Exists(aside); n++) aside = Path.Combine(data.DataDirectoryFullPath, $"replaced-{clock.GetUtcNow():yyyyMMdd-HHmmss}-{n}");
        PrivateFiles.CreateFolder(aside);
        foreach (var file in files.Where(File.Exists)) File.Move(file, Path.Combine(aside, Path.GetFileName(file)));
        if (Directory.Exists(data.KeysDirectory)) Directory.Move(data.KeysDirectory, Path.Combine(aside, BackupManifest.KeysFolder));
        return aside;
    }

    private static ValidationErrors Refuse(string message) => new ValidationErrors().Add("", message);
}
