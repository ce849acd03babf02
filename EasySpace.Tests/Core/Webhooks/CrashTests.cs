using EasySpace.Core;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Space;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EasySpace.Tests.Core.Webhooks;

[Trait("Store", "Named")]
public class CrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Events = 300;
    private readonly TempDirectory data = new();
    private Receiver receiver = default!;
    private ServiceProvider? services;
    private string? postgres;

    private static readonly Dictionary<string, string> ServerSettings = new()
    {
        ["Webhooks:AllowPrivateNetworks"] = "true",
        ["Webhooks:TimeoutSeconds"] = "1",
        ["Webhooks:PumpIntervalSeconds"] = "1",
    };

    public async Task InitializeAsync()
    {
        receiver = await Receiver.StartAsync();
        // A receiver that takes a moment, so the kills land while deliveries are on their way.
        receiver.Respond = async (_, http) => { await Task.Delay(3, http.RequestAborted); await http.Response.WriteAsync("ok"); };
    }

    /// <summary>The events are committed by another process than the server (as a management verb would): this test's own Core.</summary>
    private async Task StartCoreAsync(Store store)
    {
        var settings = new Dictionary<string, string?>
        {
            ["EasySpace:DataDirectory"] = data.Path,
            ["Webhooks:AllowPrivateNetworks"] = "true",
        };
        if (store == Store.Postgres)
        {
            postgres = await PostgresServer.CreateDatabaseAsync();
            foreach (var (key, value) in PostgresServer.Settings(postgres)) settings[key] = value;
        }
        services = new ServiceCollection().AddLogging().AddEasySpaceCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
        await services.MigrateDatabaseAsync();
        var setup = await services.GetRequiredService<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = AppHost.OwnerEmail, Password = AppHost.Password, SpaceName = "Crash", PublicBaseUrl = "http://127.0.0.1",
        }, "test");
        Assert.True(setup.Succeeded);
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        if (services is not null) await services.DisposeAsync();
        data.Dispose();
    }

    /// <summary>Set to replay a run's kill points and commit bursts (the timing of the two processes still varies).</summary>
    public const string SeedVariable = "EASYSPACE_CRASH_SEED";

    private const int Kills = 4;

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.Postgres)]
    public async Task Every_committed_event_arrives_at_least_once_though_the_server_is_killed_mid_delivery(Store store)
    {
        await StartCoreAsync(store);
        var services = this.services!;
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), out var given) ? given : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with {SeedVariable}={seed})");
        var plan = new Random(seed);
        // The kills land when this many distinct events have arrived: seeded, anywhere in the run.
        var killAt = Enumerable.Range(0, Kills).Select(_ => plan.Next(5, Events - 5)).Order().ToArray();
        var pace = new Random(plan.Next());
        async Task Arrived(int distinct)
        {
            try { await receiver.WaitForDistinctAsync(distinct, seconds: 120); }
            catch (TimeoutException e) { throw new TimeoutException($"seed {seed} (replay with {SeedVariable}={seed}): {e.Message}", e); }
        }

        var created = await services.GetRequiredService<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "crash", Url = receiver.Url.ToString(), Events = ["created_booking"],
        }, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);
        Assert.True(created.Succeeded);
        var outbox = services.GetRequiredService<EventOutbox>();
        var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();

        var server = await ServerProcess.StartAsync(data.Path, ServerSettings, postgres);
        // Events are committed while the server delivers: in seeded bursts, each burst once the receiver has caught up
        // to within a seeded backlog of the commits, so commits go on through the whole run, kills and restarts included.
        var committed = 0;
        var committer = Task.Run(async () =>
        {
            while (committed < Events)
            {
                var burst = Math.Min(Events - committed, pace.Next(1, 16));
                for (var i = 0; i < burst; i++)
                {
                    await using var db = await dbFactory.CreateDbContextAsync();
                    var id = $"b{committed}";
                    await outbox.RaiseAsync(db, "created_booking", new EventSubject(id, id, new() { ["id"] = id, ["url"] = $"http://127.0.0.1/api/bookings/{id}" }));
                    await db.SaveChangesAsync();
                    Interlocked.Increment(ref committed);
                }
                await Arrived(Math.Max(0, committed - pace.Next(5, 40)));
            }
        });

        var killed = new List<string>();
        foreach (var at in killAt)
        {
            await Arrived(at);
            var inFlight = Volatile.Read(ref committed);
            await server.KillAsync();
            killed.Add($"{at} arrived/{inFlight} committed");
            server = await ServerProcess.StartAsync(data.Path, ServerSettings, postgres);
        }
        await committer;
        await Arrived(Events);
        await server.DisposeAsync();

        await using var check = await dbFactory.CreateDbContextAsync();
        var deliveries = await check.Deliveries.Select(d => d.Event!.MessageId).ToListAsync();
        Assert.Equal(Events, deliveries.Count);
        var lost = deliveries.Count(id => !receiver.ByMessageId.ContainsKey(id));
        var duplicates = receiver.ByMessageId.Values.Sum(n => n - 1);
        output.WriteLine($"{store}, seed {seed}: {Events} events committed while delivering, {Kills} SIGKILLs (at {string.Join(", ", killed)}), " +
            $"{receiver.Received.Count} requests, {duplicates} duplicates, {lost} lost");
        Assert.True(lost == 0, $"seed {seed}: {lost} committed events never arrived (replay with {SeedVariable}={seed})");
    }
}
