using System.Diagnostics;
using System.Text.Json.Nodes;
using EasySpace.Core;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Space;
using EasySpace.Core.Webhooks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace EasySpace.Bench;

/// <summary>
/// The real engine in this process: a generic host with <c>AddEasySpaceCore</c>, a fresh SQLite file, setup completed,
/// Quartz running. Events are committed the way the product commits them: <see cref="EventOutbox.RaiseAsync"/> in a
/// context from the factory, one event per <c>SaveChangesAsync</c>; the commit wakes the pump by itself.
/// </summary>
public sealed class Engine : IAsyncDisposable
{
    public const string BaseUrl = "http://127.0.0.1";
    private readonly IHost host;
    private readonly IDbContextFactory<AppDbContext> dbs;
    private readonly EventOutbox outbox;
    private readonly Dictionary<string, string> padding = new();
    private IScheduler? scheduler;

    private Engine(IHost host, string dataDirectory)
    {
        this.host = host;
        DataDirectory = dataDirectory;
        dbs = host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        outbox = host.Services.GetRequiredService<EventOutbox>();
    }

    public string DataDirectory { get; }
    public bool IsPostgres => host.Services.GetRequiredService<DatabaseOptions>().IsPostgres;
    public string DatabasePath => host.Services.GetRequiredService<IOptions<EasySpaceOptions>>().Value.DatabasePath;
    public IServiceProvider Services => host.Services;

    /// <param name="postgres">The PostgreSQL database to use (a connection string); null: a new SQLite file.</param>
    /// <param name="node">A further node on the same PostgreSQL database: no migration, no setup, its own pump.</param>
    public static async Task<Engine> StartAsync(BenchOptions o, SqlProfiler? profiler, string? postgres = null, bool node = false)
    {
        var root = o.DataRoot ?? Path.GetTempPath();
        var dataDirectory = Path.Combine(Path.GetFullPath(root), "easyspace-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDirectory);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // Not the repository root: its appsettings.json is the product's, not the bench's.
            ContentRootPath = dataDirectory,
            EnvironmentName = Environments.Production,
            Args = ["--hostBuilder:reloadConfigOnChange=false"], // as the product runs (ManagementCommands.NoConfigWatch)
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EasySpace:DataDirectory"] = dataDirectory,
            ["Webhooks:AllowPrivateNetworks"] = "true", // the receivers listen on 127.0.0.1
            ["Webhooks:MaxConcurrency"] = o.Concurrency.ToString(),
            ["Webhooks:MaxConcurrencyPerEndpoint"] = o.PerEndpoint.ToString(),
        });
        if (postgres is not null)
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{DatabaseOptions.Section}:Provider"] = nameof(DatabaseProvider.Postgres),
                [$"ConnectionStrings:{DatabaseOptions.ConnectionStringName}"] = postgres,
            });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
        // Logs go to stderr: stdout carries only the table and the JSON line.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(c => c.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddEasySpaceCore(builder.Configuration);
        profiler?.Register(builder.Services);

        var host = builder.Build();
        host.Services.GetRequiredService<EngineTimes>().MeasureCpu = true; // before the writer's first round
        if (!node)
        {
            await host.Services.MigrateDatabaseAsync();
            var setup = await host.Services.GetRequiredService<SetupService>().CompleteAsync(new SetupRequest
            {
                Email = "owner@example.com",
                Password = "Corr3ct-horse!",
                SpaceName = "Bench Space",
                PublicBaseUrl = BaseUrl,
            }, "bench");
            if (!setup.Succeeded) throw new InvalidOperationException("Setup failed: " + setup.Errors);
        }

        var engine = new Engine(host, dataDirectory);
        // The node's own scheduler, where the pump runs (on PostgreSQL the once-jobs have a clustered one beside it).
        var factory = host.Services.GetRequiredService<ISchedulerFactory>();
        await factory.GetScheduler();
        engine.scheduler = (await factory.GetAllSchedulers()).FirstOrDefault(s => s.SchedulerName == "EasySpace")
            ?? throw new InvalidOperationException("No scheduler named EasySpace");
        await host.StartAsync();
        return engine;
    }

    public async Task CreateEndpointAsync(string name, Uri url, string eventName)
    {
        var result = await host.Services.GetRequiredService<EndpointService>().CreateAsync(
            new EndpointDraft { Name = name, Url = url.ToString(), Events = [eventName] },
            EndpointOrigin.SettingsUi, new Actor("bench", "bench@example.com"));
        if (!result.Succeeded) throw new InvalidOperationException($"Endpoint {name}: {result.Errors}");
    }

    /// <summary>The "title" that makes a full-format body of <paramref name="eventName"/> exactly <paramref name="bodyBytes"/> long (keys have a fixed length).</summary>
    public void PrepareBodies(string eventName, string sampleKey, int bodyBytes)
    {
        var type = EventCatalogue.Find(eventName)!;
        var sample = PayloadBuilder.Build(PayloadFormat.Full, type, MessageIds.New(), Url(sampleKey), Data(sampleKey, ""), DateTimeOffset.UtcNow);
        padding[eventName] = new string('x', Math.Max(0, bodyBytes - sample.Length));
    }

    public static string Url(string key) => $"{BaseUrl}/api/bookings/{key}";

    public JsonObject Data(string key, string? title = null) => new()
    {
        ["id"] = key,
        ["url"] = Url(key),
        ["title"] = title ?? padding.GetValueOrDefault("created_booking", ""),
    };

    /// <summary>One event, one transaction, as the product raises it. Returns when the commit has returned (Stopwatch ticks).</summary>
    public async Task<long> CommitAsync(string eventName, string key)
    {
        await using var db = await dbs.CreateDbContextAsync();
        await outbox.RaiseAsync(db, eventName, new EventSubject(key, key, Data(key, padding[eventName])));
        await db.SaveChangesAsync();
        return Stopwatch.GetTimestamp();
    }

    /// <summary>Puts Quartz on standby and waits until the pump's current run (if any) has returned: nothing delivers until <see cref="ResumeAsync"/>.</summary>
    public async Task StandbyAsync()
    {
        await scheduler!.Standby();
        await PumpIdleAsync();
    }

    /// <summary>Starts Quartz again and wakes the pump, as a commit would.</summary>
    public async Task ResumeAsync()
    {
        await scheduler!.Start();
        host.Services.GetRequiredService<DeliverySignal>().Wake();
    }

    /// <summary>Completes once no run of the pump is under way (every attempt it made is recorded).</summary>
    public Task PumpIdleAsync() => host.Services.GetRequiredService<DeliverySignal>().WhenIdle;

    public int PumpRuns => host.Services.GetRequiredService<DeliverySignal>().RunsStarted;

    /// <summary>SQLite: easyspace.db + easyspace.db-wal, in bytes. PostgreSQL: the database's size (its WAL is the server's).</summary>
    public async Task<long> DatabaseBytesAsync()
    {
        if (IsPostgres) return await ScalarAsync("SELECT pg_database_size(current_database())");
        long Size(string p) => File.Exists(p) ? new FileInfo(p).Length : 0;
        return Size(DatabasePath) + Size(DatabasePath + "-wal");
    }

    public async Task<T> WithConnectionAsync<T>(Func<System.Data.Common.DbConnection, Task<T>> work)
    {
        await using var db = await dbs.CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        return await work(connection);
    }

    public Task<long> ScalarAsync(string sql) => WithConnectionAsync(async c =>
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L);
    });

    public Task<string> TextAsync(string sql) => WithConnectionAsync(async c =>
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync()) ?? "";
    });

    /// <summary>
    /// Times the pump's claim ranking (the SELECT inside its UPDATE, copied from DeliveryStore.Claim, read-only) for
    /// <see cref="ProbeSlots"/> free slots, against the same due rows taken in order from the (Status, NextAttemptAt) index with no ranking.
    /// Returns medians in ms over <paramref name="runs"/> runs, and how many deliveries are due.
    /// </summary>
    public const int ProbeSlots = 16;

    public Task<(double Ranked, double Plain, long Due)> ClaimProbeAsync(int runs = 25) => WithConnectionAsync(async c =>
    {
        const string ranked = """
            SELECT r.Id FROM (
                SELECT d.Id, d.EndpointId, ROW_NUMBER() OVER (PARTITION BY d.EndpointId ORDER BY d.NextAttemptAt, d.Id) AS rn
                FROM (SELECT Id, EndpointId, NextAttemptAt FROM Deliveries
                      WHERE Status = 0 AND NextAttemptAt <= $now AND (LeaseUntil IS NULL OR LeaseUntil <= $now)
                        AND EndpointId NOT IN (SELECT CAST(key AS INTEGER) FROM json_each($busy) WHERE value >= $perEndpoint)
                      ORDER BY NextAttemptAt, Id LIMIT $scan) d
            ) r
            LEFT JOIN json_each($busy) b ON b.key = CAST(r.EndpointId AS TEXT)
            WHERE r.rn <= $perEndpoint - COALESCE(b.value, 0)
            ORDER BY r.rn, r.Id
            LIMIT $capacity
            """;
        const string plain = """
            SELECT Id FROM Deliveries
            WHERE Status = 0 AND NextAttemptAt <= $now AND (LeaseUntil IS NULL OR LeaseUntil <= $now)
            ORDER BY NextAttemptAt, Id LIMIT $capacity
            """;
        var now = DateTimeOffset.UtcNow.UtcTicks;
        async Task<double> Time(string sql)
        {
            var times = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                await using var command = c.CreateCommand();
                command.CommandText = sql;
                var parameters = ((SqliteCommand)command).Parameters;
                parameters.AddWithValue("$now", now);
                parameters.AddWithValue("$capacity", ProbeSlots);
                if (sql.Contains("$busy"))
                {
                    // The usual state under load: every endpoint has some deliveries in flight.
                    parameters.AddWithValue("$busy", "{}");
                    parameters.AddWithValue("$perEndpoint", 8);
                    parameters.AddWithValue("$scan", ProbeSlots * 8);
                }
                var t = Stopwatch.GetTimestamp();
                await using (var reader = await command.ExecuteReaderAsync())
                    while (await reader.ReadAsync()) { }
                times.Add((Stopwatch.GetTimestamp() - t) * 1000.0 / Stopwatch.Frequency);
            }
            times.Sort();
            return times[times.Count / 2];
        }
        await using var count = c.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM Deliveries WHERE Status = 0 AND NextAttemptAt <= $now";
        ((SqliteCommand)count).Parameters.AddWithValue("$now", now);
        var due = Convert.ToInt64(await count.ExecuteScalarAsync());
        return (await Time(ranked), await Time(plain), due);
    });

    /// <summary>
    /// Bytes allocated by the engine's unit of database work, on this thread, averaged over <paramref name="runs"/> runs after a fifth as many to warm:
    /// a context from the product's factory, the same with the first database touch, one small query, and the same
    /// from a pooled factory (AddPooledDbContextFactory, same connection string) and from a plain pooled SqliteConnection.
    /// </summary>
    public List<(string What, long Bytes, double Micros)> EfCostProbe(int runs = 500)
    {
        var options = host.Services.GetRequiredService<IOptions<EasySpaceOptions>>().Value;
        var connectionString = DatabaseSetup.ConnectionString(options);
        using var pooledServices = new ServiceCollection()
            .AddPooledDbContextFactory<AppDbContext>(o => o.UseSqlite(connectionString))
            .BuildServiceProvider();
        var pooled = pooledServices.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var endpointId = 1L;
        // Allocated bytes and the thread's CPU time (the work is synchronous: it runs on this thread), per operation.
        var times = host.Services.GetRequiredService<EngineTimes>();
        (string, long, double) Measure(string what, Action work)
        {
            for (var i = 0; i < runs / 5; i++) work();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var cpu = times.ThreadCpuNs();
            for (var i = 0; i < runs; i++) work();
            return (what, (GC.GetAllocatedBytesForCurrentThread() - before) / runs, (times.ThreadCpuNs() - cpu) / 1000.0 / runs);
        }
        return
        [
            Measure("product factory: new context, first use (Model), dispose", () => { using var db = dbs.CreateDbContext(); _ = db.Model; }),
            Measure("product factory: new context + open/close its connection", () => { using var db = dbs.CreateDbContext(); db.Database.OpenConnection(); db.Database.CloseConnection(); }),
            Measure("product factory: new context + one endpoint by id (no tracking)", () => { using var db = dbs.CreateDbContext(); db.Endpoints.AsNoTracking().FirstOrDefault(e => e.Id == endpointId); }),
            Measure("pooled factory: context lease, first use, return", () => { using var db = pooled.CreateDbContext(); _ = db.Model; }),
            Measure("pooled factory: lease + one endpoint by id (no tracking)", () => { using var db = pooled.CreateDbContext(); db.Endpoints.AsNoTracking().FirstOrDefault(e => e.Id == endpointId); }),
            Measure("plain SqliteConnection (pooled): open/close", () => { using var c = new SqliteConnection(connectionString); c.Open(); }),
        ];
    }

    /// <summary>SQLite: everything into the main file. PostgreSQL: a checkpoint (the sizes read are the tables' own either way).</summary>
    public Task CheckpointAsync() => ScalarAsync(IsPostgres ? "CHECKPOINT" : "PRAGMA wal_checkpoint(TRUNCATE);");

    /// <summary>Bytes per table and index (SQLite's dbstat, when the library has it; PostgreSQL's relation sizes).</summary>
    public async Task<List<(string Name, long Bytes)>> TableSizesAsync()
    {
        try
        {
            return await WithConnectionAsync(async c =>
            {
                await using var command = c.CreateCommand();
                command.CommandText = IsPostgres
                    ? "SELECT relname::text, pg_relation_size(oid) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'i') ORDER BY 2 DESC"
                    : "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC";
                var list = new List<(string, long)>();
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) list.Add((reader.GetString(0), reader.GetInt64(1)));
                return list;
            });
        }
        catch (SqliteException)
        {
            return [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StopAsync(stop.Token);
        host.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
