using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Reliability;

/// <summary>Unhealthy receivers mixed with a healthy one: the healthy one keeps its pace, the others follow the rules.</summary>
[Trait("Store", "Named")]
public abstract class FaultIsolationTests(Store store) : IAsyncLifetime
{
    private const int Events = 40;
    private readonly AppHost app = new AppHost(store)
        .With("Webhooks:MaxConcurrency", "16")
        .With("Webhooks:MaxConcurrencyPerEndpoint", "4")
        .With("Webhooks:TimeoutSeconds", "30");
    private readonly List<Receiver> receivers = [];

    public Task InitializeAsync() => app.SetUpSpaceAsync();

    public async Task DisposeAsync()
    {
        foreach (var r in receivers) await r.DisposeAsync();
        app.Dispose();
    }

    private async Task<Receiver> ReceiverAsync(Func<ReceivedRequest, HttpContext, Task>? respond = null)
    {
        var receiver = await Receiver.StartAsync();
        if (respond is not null) receiver.Respond = respond;
        receivers.Add(receiver);
        return receiver;
    }

    [Fact]
    public async Task A_healthy_endpoint_gets_everything_while_others_hang_fail_redirect_drop_or_are_down()
    {
        var gate = new TaskCompletionSource();
        var healthy = await ReceiverAsync();
        var hanging = await ReceiverAsync(async (_, http) => { await gate.Task.WaitAsync(http.RequestAborted); await http.Response.WriteAsync("late"); });
        var failing = await ReceiverAsync(Receiver.Status(500));
        var throttled = await ReceiverAsync(Receiver.Status(503, ("Retry-After", "120")));
        var gone = await ReceiverAsync(Receiver.Status(410));
        var redirecting = await ReceiverAsync(Receiver.Status(301, ("Location", "https://elsewhere.example.com/")));
        var dropping = await ReceiverAsync(Receiver.Abort);
        var down = await ReceiverAsync();
        var downUrl = down.Url;
        await down.DisposeAsync();
        receivers.Remove(down);

        var ids = new Dictionary<string, long>();
        foreach (var (name, url) in new[]
        {
            ("healthy", healthy.Url), ("hanging", hanging.Url), ("failing", failing.Url), ("throttled", throttled.Url),
            ("gone", gone.Url), ("redirecting", redirecting.Url), ("dropping", dropping.Url), ("down", downUrl),
        })
            ids[name] = (await app.CreateEndpointAsync(url, ["created_booking"], name: name)).Endpoint.Id;

        var outbox = app.Get<EventOutbox>();
        var dbFactory = app.Get<IDbContextFactory<AppDbContext>>();
        for (var i = 0; i < Events; i++)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await outbox.RaiseAsync(db, "created_booking", new EventSubject($"b{i}", $"b{i}", new() { ["id"] = $"b{i}", ["url"] = $"http://x/api/bookings/b{i}" }));
            await db.SaveChangesAsync();
        }

        // Every event reaches the healthy receiver while the hanging one still holds its connections.
        await healthy.WaitForDistinctAsync(Events, seconds: 30);
        Assert.False(gate.Task.IsCompleted);
        Assert.Equal(4, hanging.Received.Count);                     // at most MaxConcurrencyPerEndpoint in flight to it
        gate.SetResult();
        await app.PumpAsync();

        Assert.All(await app.DeliveriesAsync(ids["healthy"]), d => Assert.Equal(DeliveryStatus.Delivered, d.Status));
        Assert.Equal(EndpointStatus.Deactivated, (await app.EndpointAsync(ids["gone"])).Status);
        Assert.All(await app.DeliveriesAsync(ids["gone"]), d => Assert.True(d.Status is DeliveryStatus.Failed or DeliveryStatus.Held));
        foreach (var name in new[] { "failing", "throttled", "redirecting", "dropping", "down" })
        {
            Assert.Equal(EndpointStatus.Active, (await app.EndpointAsync(ids[name])).Status);
            var deliveries = await app.DeliveriesAsync(ids[name]);
            Assert.Equal(Events, deliveries.Count);
            Assert.All(deliveries, d => Assert.Equal(DeliveryStatus.Pending, d.Status));   // waiting for their retry
            Assert.All(deliveries, d => Assert.True(d.NextAttemptAt >= d.LastAttemptAt!.Value.AddSeconds(54), $"{name}: retry sooner than 1 min − 10 %"));
        }
        Assert.All(await app.DeliveriesAsync(ids["throttled"]), d => Assert.True(d.NextAttemptAt >= d.LastAttemptAt!.Value.AddSeconds(120)));
    }

    [Fact]
    public async Task A_long_backlog_for_a_hanging_endpoint_does_not_hide_new_work_for_another()
    {
        // The claim ranks only a few rows per free slot; 400 older deliveries to a stuck endpoint must not fill that window.
        var gate = new TaskCompletionSource();
        var stuck = await ReceiverAsync(async (_, http) => { await gate.Task.WaitAsync(http.RequestAborted); await http.Response.WriteAsync("late"); });
        var stuckId = (await app.CreateEndpointAsync(stuck.Url, ["created_booking"], name: "stuck")).Endpoint.Id;
        var outbox = app.Get<EventOutbox>();
        var dbFactory = app.Get<IDbContextFactory<AppDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            for (var i = 0; i < 400; i++)
                await outbox.RaiseAsync(db, "created_booking", new EventSubject($"old{i}", $"old{i}", new() { ["id"] = $"old{i}", ["url"] = $"http://x/api/bookings/old{i}" }));
            await db.SaveChangesAsync();
        }
        await stuck.WaitForDistinctAsync(4, seconds: 30);

        var healthy = await ReceiverAsync();
        await app.CreateEndpointAsync(healthy.Url, ["created_booking"], name: "healthy");
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            await outbox.RaiseAsync(db, "created_booking", new EventSubject("new", "new", new() { ["id"] = "new", ["url"] = "http://x/api/bookings/new" }));
            await db.SaveChangesAsync();
        }

        await healthy.WaitForDistinctAsync(1, seconds: 30);
        Assert.False(gate.Task.IsCompleted);
        Assert.Equal(4, stuck.Received.Count);
        gate.SetResult();
        await stuck.WaitForDistinctAsync(401, seconds: 60);
        await app.PumpAsync();
        Assert.All(await app.DeliveriesAsync(stuckId), d => Assert.Equal(DeliveryStatus.Delivered, d.Status));
    }
}

[Trait("Store", "Named")]
public sealed class FaultIsolationOnSqliteTests() : FaultIsolationTests(Store.Sqlite);

[Trait("Store", "Named")]
public sealed class FaultIsolationOnPostgresTests() : FaultIsolationTests(Store.Postgres);
