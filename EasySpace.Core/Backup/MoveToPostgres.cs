using System.Linq.Expressions;
using System.Reflection;
using System.Xml.Linq;
using EasySpace.Core.Data;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EasySpace.Core.Backup;

/// <summary>What a move copied: each table of the model with its rows (equal on both sides), and the keys (copied, or already there).</summary>
public sealed record Moved(string Database, string Host, IReadOnlyList<(string Table, long Rows)> Tables, int KeysCopied, int KeysAlreadyThere);

/// <summary>
/// Copies a SQLite install into an empty PostgreSQL database (the verb <c>move-to-postgres</c>): migrates the target,
/// copies every table of the model in foreign-key order with its ids, moves each identity sequence past the highest id,
/// counts the rows of every table on both sides, then stores the Data Protection keys through the repository the
/// target uses, so every secret still decrypts. The SQLite file is only read. The rows go in one transaction: a copy
/// that fails leaves the target migrated and empty, and a second run starts again.
/// </summary>
public sealed class MoveToPostgres(
    IConfiguration configuration,
    IOptions<EasySpaceOptions> options,
    DatabaseOptions database,
    IDbContextFactory<AppDbContext> sqlite,
    IOptions<KeyManagementOptions> keys)
{
    private const int Chunk = 1000;

    public const string StartOver =
        "Move into an empty database; to start over, drop it and create it again (dropdb, then createdb, as its owner).";

    public async Task<Result<Moved>> MoveAsync(string connectionString, CancellationToken ct = default)
    {
        if (database.IsPostgres)
            return Refuse("Database:Provider is already Postgres here. Run move-to-postgres with the SQLite install's settings (the default).");
        NpgsqlConnectionStringBuilder target;
        try { target = new NpgsqlConnectionStringBuilder(connectionString); }
        catch (ArgumentException e) { return Refuse($"--to is not a PostgreSQL connection string ({e.Message}). Write it as \"Host=...;Database=...;Username=...;Password=...\"."); }
        if (string.IsNullOrWhiteSpace(target.Host) || string.IsNullOrWhiteSpace(target.Database))
            return Refuse("--to names no Host or no Database. Write it as \"Host=...;Database=...;Username=...;Password=...\".");

        var data = options.Value;
        // Held for the whole move: a server started meanwhile would write what the copy no longer sees.
        using var held = DataFolderLock.TryTake(data);
        if (held is null)
            return Refuse($"EasySpace is running on the data folder {data.DataDirectoryFullPath}. Stop the server, then move.");
        if (!File.Exists(data.DatabasePath)) return Refuse($"There is no SQLite database at {data.DatabasePath} to move.");
        await using (var source = await sqlite.CreateDbContextAsync(ct))
            if ((await source.Database.GetPendingMigrationsAsync(ct)).Count() is var pending and > 0)
                return Refuse($"The SQLite database is {pending} migration(s) behind this version: run migrate first, then move.");

        await using var services = TargetServices(connectionString);
        var targetDb = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var to = await targetDb.CreateDbContextAsync(ct);
        var tables = to.Model.GetRelationalModel().Tables.Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        try
        {
            var filled = await TableCopy.TablesWithRowsAsync(to, tables, ct);
            if (filled.Count > 0)
                return Refuse($"The PostgreSQL database {target.Database} on {target.Host} is not empty: {string.Join(", ", filled)} " +
                    $"{(filled.Count == 1 ? "has" : "have")} rows. {StartOver}");
            await to.Database.MigrateAsync(ct);
        }
        catch (NpgsqlException e)
        {
            return Refuse($"EasySpace cannot use the PostgreSQL database {target.Database} on {target.Host}: {e.Message.TrimEnd('.')}. " +
                "Create the database and a user that owns it first (docs/operations.md, \"Moving from one box to three\").");
        }

        var counts = new List<(string Table, long Rows)>();
        to.ChangeTracker.AutoDetectChangesEnabled = false;
        await using (var tx = await to.Database.BeginTransactionAsync(ct))
        {
            foreach (var type in InForeignKeyOrder(to.Model))
                await (Task)CopyTable.MakeGenericMethod(type.ClrType).Invoke(null, [sqlite, to, type, ct])!;
            await TableCopy.MoveSequencesAsync(to, tables, ct);
            await using var source = await sqlite.CreateDbContextAsync(ct);
            foreach (var table in tables)
            {
                var (from, into) = (await TableCopy.CountAsync(source, table, ct), await TableCopy.CountAsync(to, table, ct));
                if (from != into)
                    throw new InvalidOperationException($"The table {table} has {from} rows in SQLite but {into} were written to PostgreSQL; nothing was kept.");
                counts.Add((table, from));
            }
            await tx.CommitAsync(ct);
        }

        var (copied, present) = CopyKeys(services.GetRequiredService<IOptions<KeyManagementOptions>>().Value);
        return new Moved(target.Database!, target.Host!, counts, copied, present);
    }

    /// <summary>This install's settings with the store switched: the keys' repository and the model are the target's own.</summary>
    private ServiceProvider TargetServices(string connectionString)
    {
        var settings = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{DatabaseOptions.Section}:Provider"] = nameof(DatabaseProvider.Postgres),
            [$"ConnectionStrings:{DatabaseOptions.ConnectionStringName}"] = connectionString,
        }).Build();
        return new ServiceCollection().AddLogging().AddEasySpaceCore(settings).BuildServiceProvider();
    }

    private static readonly MethodInfo CopyTable = typeof(MoveToPostgres).GetMethod(nameof(CopyAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>One entity type's rows (its owned rows with them), by key, a chunk at a time, with their ids.</summary>
    private static async Task CopyAsync<T>(IDbContextFactory<AppDbContext> sqlite, AppDbContext to, IEntityType type, CancellationToken ct) where T : class
    {
        for (var skip = 0; ; skip += Chunk)
        {
            List<T> rows;
            await using (var from = await sqlite.CreateDbContextAsync(ct))
                rows = await ByKey(from.Set<T>().AsNoTracking().IgnoreAutoIncludes(), type.FindPrimaryKey()!).Skip(skip).Take(Chunk).ToListAsync(ct);
            if (rows.Count == 0) return;
            to.AddRange(rows);
            await to.SaveChangesAsync(ct);
            to.ChangeTracker.Clear();
        }
    }

    private static IQueryable<T> ByKey<T>(IQueryable<T> query, Microsoft.EntityFrameworkCore.Metadata.IKey key)
    {
        var ordered = query;
        var first = true;
        foreach (var property in key.Properties)
        {
            var row = Expression.Parameter(typeof(T), "row");
            var value = Expression.Lambda(Expression.Call(typeof(EF), nameof(EF.Property), [property.ClrType], row, Expression.Constant(property.Name)), row);
            ordered = ordered.Provider.CreateQuery<T>(Expression.Call(typeof(Queryable), first ? nameof(Queryable.OrderBy) : nameof(Queryable.ThenBy),
                [typeof(T), property.ClrType], ordered.Expression, Expression.Quote(value)));
            first = false;
        }
        return ordered;
    }

    /// <summary>The entity types that own their rows, each after every type its foreign keys point to.</summary>
    private static List<IEntityType> InForeignKeyOrder(IModel model)
    {
        var roots = model.GetEntityTypes().Where(t => t.BaseType is null && !t.IsOwned() && t.GetTableName() is not null && t.FindPrimaryKey() is not null).ToList();
        static IEntityType Root(IEntityType t)
        {
            while (true)
            {
                if (t.BaseType is { } baseType) t = baseType;
                else if (t.FindOwnership() is { } owner) t = owner.PrincipalEntityType;
                else return t;
            }
        }
        var needs = roots.ToDictionary(t => t, t => model.GetEntityTypes().Where(e => Root(e) == t)
            .SelectMany(e => e.GetForeignKeys()).Where(fk => !fk.IsOwnership).Select(fk => Root(fk.PrincipalEntityType)).Where(p => p != t).ToHashSet());
        var ordered = new List<IEntityType>();
        while (needs.Count > 0)
        {
            var ready = needs.Where(n => n.Value.All(ordered.Contains)).Select(n => n.Key).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
            if (ready.Count == 0) throw new InvalidOperationException($"The tables' foreign keys form a cycle: {string.Join(", ", needs.Keys.Select(k => k.GetTableName()))}.");
            ordered.AddRange(ready);
            foreach (var t in ready) needs.Remove(t);
        }
        return ordered;
    }

    /// <summary>
    /// Every key of the key folder into the target's repository (a table on PostgreSQL, or files), once each: a key
    /// already there (the same folder, or a second run) is left as it is.
    /// </summary>
    private (int Copied, int AlreadyThere) CopyKeys(KeyManagementOptions target)
    {
        var into = target.XmlRepository ?? throw new InvalidOperationException("The PostgreSQL settings give Data Protection no key repository.");
        var present = into.GetAllElements().Select(Id).ToHashSet();
        var (copied, there) = (0, 0);
        foreach (var key in keys.Value.XmlRepository!.GetAllElements())
        {
            if (present.Contains(Id(key))) { there++; continue; }
            into.StoreElement(key, $"key-{Id(key)}");
            copied++;
        }
        return (copied, there);
    }

    private static string? Id(XElement key) => key.Attribute("id")?.Value;

    private static ValidationErrors Refuse(string message) => new ValidationErrors().Add("", message);
}
