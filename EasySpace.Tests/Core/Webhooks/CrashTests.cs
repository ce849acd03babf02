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

public class CrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Events = 300;
    private readonly TempDirectory data = new();
    private Receiver receiver = default!;
    private ServiceProvider services = default!;

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

        // The events are committed by another process than the server (as a management verb would): this test's own Core.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EasySpace:DataDirectory"] = data.Path,
            ["Webhooks:AllowPrivateNetworks"] = "true",
        }).Build();
        services = new ServiceCollection().AddLogging().AddEasySpaceCore(configuration).BuildServiceProvider();
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
        await services.DisposeAsync();
        data.Dispose();
    }

    [Fact]
    public async Task Every_committed_event_arrives_at_least_once_though_the_server_is_killed_mid_delivery()
    {
        var created = await services.GetRequiredService<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "crash", Url = receiver.Url.ToString(), Events = ["created_booking"],
        }, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);
        Assert.True(created.Succeeded);
        var outbox = services.GetRequiredService<EventOutbox>();
        var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        for (var i = 0; i < Events; i++)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await outbox.RaiseAsync(db, "created_booking", new EventSubject($"b{i}", new() { ["id"] = $"b{i}", ["url"] = $"http://127.0.0.1/api/bookings/b{i}" }));
            await db.SaveChangesAsync();
        }

        var server = await ServerProcess.StartAsync(data.Path, ServerSettings);
        var kills = 0;
        foreach (var killAt in new[] { Events / 5, Events / 2, Events * 4 / 5 })
        {
            await receiver.WaitForDistinctAsync(killAt, seconds: 60);
            await server.KillAsync();
            kills++;
            server = await ServerProcess.StartAsync(data.Path, ServerSettings);
        }
        await receiver.WaitForDistinctAsync(Events, seconds: 90);
        await server.DisposeAsync();

        await using var check = await dbFactory.CreateDbContextAsync();
        var committed = await check.Deliveries.Select(d => d.MessageId).ToListAsync();
        Assert.Equal(Events, committed.Count);
        Assert.All(committed, id => Assert.True(receiver.ByMessageId.ContainsKey(id), $"{id} never arrived"));
        var duplicates = receiver.ByMessageId.Values.Sum(n => n - 1);
        output.WriteLine($"{Events} events, {kills} SIGKILLs, {receiver.Received.Count} requests, {duplicates} duplicates, 0 lost");
    }
}
