using EasySpace.Core.Identity;
using EasySpace.Core.Webhooks;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Data;

public static class DatabaseSetup
{
    /// <summary>Where the PostgreSQL migrations live (EasySpace.Migrations.Postgres); the SQLite ones are in this assembly.</summary>
    public const string PostgresMigrationsAssembly = "EasySpace.Migrations.Postgres";

    public static string ConnectionString(EasySpaceOptions options) => new SqliteConnectionStringBuilder
    {
        DataSource = options.DatabasePath,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        // Microsoft.Data.Sqlite retries a busy database for this long before giving up.
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>
    /// Creates the data folder (owner only, see <see cref="PrivateFiles"/>), switches the file to WAL, applies migrations,
    /// makes sure the roles exist and encrypts custom header values older versions stored in clear.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var options = services.GetRequiredService<IOptions<EasySpaceOptions>>().Value;
        var sqlite = !services.GetRequiredService<DatabaseOptions>().IsPostgres;
        PrivateFiles.CreateFolder(options.DataDirectoryFullPath);
        PrivateFiles.CreateFolder(options.KeysDirectory);
        // Made before SQLite opens it: SQLite gives the -wal and -shm files it creates the database's mode.
        if (sqlite) PrivateFiles.CreateFile(options.DatabasePath);

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // On a new PostgreSQL database EF reads the history table before making it and logs that as an error
        // (npgsql/efcore.pg#3407), the first thing a manager would see; made first, there is nothing to misreport.
        if (!sqlite) await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
        await db.Database.MigrateAsync(ct);
        // WAL lets the pages read while the delivery engine writes; the mode is stored in the file.
        if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);

        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));

        await ProtectClearHeaderValuesAsync(db, services.GetRequiredService<SecretBox>(), ct);

        // Files an older version (or SQLite, before the database was tightened) made with the process's umask.
        PrivateFiles.TightenAll(options.KeysDirectory);
        if (!sqlite) return;
        PrivateFiles.Tighten(options.DatabasePath + "-wal");
        PrivateFiles.Tighten(options.DatabasePath + "-shm");
    }

    /// <summary>Custom header values were stored in clear before they were encrypted like the secret; does nothing once all are.</summary>
    private static async Task ProtectClearHeaderValuesAsync(AppDbContext db, SecretBox secrets, CancellationToken ct)
    {
        foreach (var endpoint in await db.Endpoints.ToListAsync(ct))
            if (secrets.ProtectClearHeaders(endpoint.Headers) is { } encrypted)
                endpoint.ReplaceClearHeaders(encrypted);
        await db.SaveChangesAsync(ct);
    }
}
