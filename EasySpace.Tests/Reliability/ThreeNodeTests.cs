using System.Diagnostics;
using EasySpace.Core;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Space;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EasySpace.Tests.Reliability;

/// <summary>
/// The issue's several-nodes test: three real server processes on loopback ports against one PostgreSQL database,
/// events committed while all three deliver, one node SIGKILLed mid-delivery.
/// </summary>
[Trait("Store", "Named")]
public class ThreeNodeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int AfterKill = 50;
    private const int Memberships = 5;
    private const int CheckinSeconds = 1;
    // The minute triggers: a node holds each for up to 30 s before it fires (Quartz acquires ahead), so one is soon held.
    private static readonly string[] MinuteTriggers = ["events.date-driven-every-minute", "alerts.alerts-every-minute"];

    private readonly TempDirectory data = new();
    private readonly List<TempDirectory> nodeFolders = [];
    private readonly List<ServerProcess> servers = [];
    private Receiver receiver = default!;
    private ServiceProvider services = default!;
    private string database = "";

    public async Task InitializeAsync()
    {
        receiver = await Receiver.StartAsync();
        // A receiver that takes a moment, so the kill lands while deliveries are on their way.
        receiver.Respond = async (_, http) => { await Task.Delay(3, http.RequestAborted); await http.Response.WriteAsync("ok"); };
        database = await PostgresServer.CreateDatabaseAsync();

        // This test's own Core on the same database commits the events, as a management verb would. Its clock is a day
        // behind, so the memberships it makes start "tomorrow" for it and today for the nodes: their minute job confirms them.
        var settings = PostgresServer.Settings(database);
        settings["EasySpace:DataDirectory"] = data.Path;
        settings["Webhooks:AllowPrivateNetworks"] = "true";
        services = new ServiceCollection().AddLogging()
            .AddEasySpaceCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-1)))
            .BuildServiceProvider();
        await services.MigrateDatabaseAsync();
        var setup = await services.GetRequiredService<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = AppHost.OwnerEmail, Password = AppHost.Password, SpaceName = "Three nodes", PublicBaseUrl = "http://127.0.0.1",
        }, "test");
        Assert.True(setup.Succeeded);
    }

    public async Task DisposeAsync()
    {
        foreach (var server in servers) await server.DisposeAsync();
        await receiver.DisposeAsync();
        await services.DisposeAsync();
        data.Dispose();
        nodeFolders.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task Nothing_is_lost_date_driven_events_fire_once_and_a_killed_node_s_triggers_go_to_another()
    {
        var created = await services.GetRequiredService<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "cluster", Url = receiver.Url.ToString(), Events = ["created_booking", "confirmed_membership"],
        }, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);
        Assert.True(created.Succeeded);
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var nodesToday = (await SpaceClock.LoadAsync(db)).Today(DateTimeOffset.UtcNow);
            var plan = await services.AddPlanAsync();
            for (var i = 0; i < Memberships; i++) await services.AddMemberAsync(plan.Id, confirmationDate: MembersKit.Day(nodesToday));
        }

        // One node at a time, so each new check-in row names the node just started.
        var quartz = new QuartzCluster(database);
        var instances = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var before = await quartz.NodesAsync();
            var folder = new TempDirectory();
            nodeFolders.Add(folder);
            servers.Add(await ServerProcess.StartAsync(folder.Path, NodeSettings, database));
            string? instance = null;
            await QuartzCluster.WaitUntilAsync(async () => (instance = (await quartz.NodesAsync()).Except(before).FirstOrDefault()) is not null, 60, $"node {i} to check in");
            instances.Add(instance!);
        }

        var outbox = services.GetRequiredService<EventOutbox>();
        var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        // Commits go on in bursts (each once the receiver is within 20 of them) until the kill and for AfterKill more,
        // so the kill lands while deliveries are on their way.
        var committed = 0;
        var killed = new TaskCompletionSource();
        var committer = Task.Run(async () =>
        {
            var last = int.MaxValue;
            while (committed < last)
            {
                if (last == int.MaxValue && killed.Task.IsCompleted) last = committed + AfterKill;
                for (var burst = 10; burst > 0; burst--)
                {
                    await using var db = await dbFactory.CreateDbContextAsync();
                    var id = $"b{committed}";
                    await outbox.RaiseAsync(db, "created_booking", new EventSubject(id, id, new() { ["id"] = id, ["url"] = $"http://127.0.0.1/api/bookings/{id}" }));
                    await db.SaveChangesAsync();
                    Interlocked.Increment(ref committed);
                }
                await receiver.WaitForDistinctAsync(Math.Max(0, committed - 20), seconds: 120);
            }
        });

        // Mid-delivery, and while the victim holds a minute trigger, so its scheduled work has somewhere to go.
        await receiver.WaitForDistinctAsync(50, seconds: 120);
        var victim = -1;
        List<string> held = [];
        await QuartzCluster.WaitUntilAsync(async () =>
        {
            var holding = await quartz.HeldAsync();
            victim = instances.FindIndex(i => holding.TryGetValue(i, out var t) && t.Intersect(MinuteTriggers).Any());
            if (victim >= 0) held = holding[instances[victim]].Intersect(MinuteTriggers).ToList();
            return victim >= 0;
        }, 90, "a node to hold a minute trigger");
        var atKill = await quartz.TriggersAsync();
        var clock = Stopwatch.StartNew();
        await servers[victim].KillAsync();
        var dead = instances[victim];
        killed.SetResult();

        await QuartzCluster.WaitUntilAsync(async () => !(await quartz.NodesAsync()).Contains(dead), 60, "the killed node's check-in row to be removed");
        var foundDead = clock.Elapsed;
        Assert.Empty(await quartz.HeldByAsync(dead));
        await QuartzCluster.WaitUntilAsync(async () =>
        {
            var now = await quartz.TriggersAsync();
            return held.All(t => now[t].Previous >= atKill[t].Next);
        }, 120, $"{string.Join(", ", held)}, held by the killed node, to fire on another");
        var firedElsewhere = clock.Elapsed;
        Assert.Equal(instances.Where((_, i) => i != victim).ToHashSet(), await quartz.NodesAsync());

        await committer;
        await receiver.WaitForDistinctAsync(committed + Memberships, seconds: 120);

        await using var check = await dbFactory.CreateDbContextAsync();
        var bookings = await check.Events.Where(e => e.Name == "created_booking").Select(e => e.MessageId).ToListAsync();
        var confirmations = await check.Events.Where(e => e.Name == "confirmed_membership").Select(e => e.MessageId).ToListAsync();
        Assert.Equal(committed, bookings.Count);
        // Every node ran the minute job (each start fires it at once): the memberships were still confirmed once each.
        Assert.Equal(Memberships, confirmations.Count);
        Assert.Equal(Memberships, await check.FiredEvents.CountAsync(f => f.Key.StartsWith("confirmed_membership:")));
        var lost = bookings.Concat(confirmations).Count(id => !receiver.ByMessageId.ContainsKey(id));
        var duplicates = receiver.ByMessageId.Values.Sum(n => n - 1);
        output.WriteLine($"{committed} events committed while three nodes delivered, node {victim} killed with {string.Join(", ", held)} held: " +
            $"found dead after {foundDead.TotalSeconds:0.0} s, its trigger fired on another node after {firedElsewhere.TotalSeconds:0.0} s " +
            $"(check-in every {CheckinSeconds} s); {receiver.Received.Count} requests, {duplicates} duplicates, {lost} lost");
        Assert.Equal(0, lost);
        // A dead node is written off after missing its check-in interval and the threshold (one each here); the rest is
        // the survivors' own check-in timers and this machine's load.
        Assert.True(foundDead < TimeSpan.FromSeconds(15), $"the killed node was found dead only after {foundDead.TotalSeconds:0.0} s");
    }

    private static readonly Dictionary<string, string> NodeSettings = new()
    {
        ["Scheduling:ClusterCheckinSeconds"] = CheckinSeconds.ToString(),
        ["Webhooks:AllowPrivateNetworks"] = "true",
        ["Webhooks:TimeoutSeconds"] = "1",
        ["Webhooks:PumpIntervalSeconds"] = "1",
    };
}
