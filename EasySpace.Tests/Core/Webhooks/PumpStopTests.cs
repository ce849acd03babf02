using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace EasySpace.Tests.Core.Webhooks;

/// <summary>What stopping the app does to a run of the pump that a commit started (DeliveryRuns), on each store.</summary>
[Trait("Store", "Named")]
public abstract class PumpStopTests(Store store) : AppWithReceiverTest(new AppHost(store)
    .With("Webhooks:TimeoutSeconds", "60")
    .With("Webhooks:MaxConcurrency", "1")
    .With("Webhooks:PumpIntervalSeconds", "3600"))
{
    [Fact]
    public async Task Stopping_cuts_short_the_attempt_under_way_and_leaves_its_delivery_leased_to_be_sent_again()
    {
        // Tried: the stop while the receiver holds its answer, which the attempt would wait a minute for. The run the
        // commit started is cancelled and ends at once; no attempt is recorded, and the lease makes the delivery due again.
        receiver.Respond = receiver.Hang;
        var created = await app.CreateEndpointAsync(receiver.Url, ["created_admin"]);
        var signal = app.Get<DeliverySignal>();
        await signal.WhenIdle; // the interval's first run, at start
        await app.AddAdminAsync();
        await receiver.NextAsync();

        await app.Get<DeliveryRuns>().StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await signal.WhenIdle.WaitAsync(TimeSpan.FromSeconds(30));

        var delivery = Assert.Single(await app.DeliveriesAsync(created.Endpoint.Id));
        Assert.Empty(await app.AttemptsAsync(delivery.Id));
        Assert.Equal(0, delivery.AttemptCount);
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.True(delivery.LeaseUntil > DateTimeOffset.UtcNow.AddMinutes(5), $"lease until {delivery.LeaseUntil}");

        // A commit after the stop starts no run.
        await app.AddAdminAsync("second@example.com");
        Assert.True(signal.WhenIdle.IsCompleted);
    }

    [Fact]
    public async Task Stopping_releases_what_the_pump_claimed_and_never_sent()
    {
        // Tried: the stop while one attempt (of the one slot) waits a minute for the receiver, with more deliveries for
        // two endpoints claimed behind it. Before, each claimed one stayed leased and waited that long after a restart
        // (275 s by default); now only the attempt cut short keeps its lease, and nothing else was sent or recorded.
        receiver.Respond = receiver.Hang;
        var first = await app.CreateEndpointAsync(receiver.Url, ["created_admin"]);
        var second = await app.CreateEndpointAsync(new Uri(receiver.Url, "?second"), ["created_admin"], name: "Door system");
        await app.Get<DeliverySignal>().WhenIdle;
        var scheduler = await app.Get<ISchedulerFactory>().GetScheduler();
        await scheduler.Standby(); // the six deliveries are made before any run, so its first claim takes them all
        for (var i = 0; i < 3; i++) await app.AddAdminAsync();
        Assert.Equal(6, await app.FanOutAsync());
        var run = ActivatorUtilities.CreateInstance<DeliveryPumpJob>(app.Services).Execute(null!, CancellationToken.None).AsTask();
        await receiver.NextAsync();

        await app.Get<DeliveryRuns>().StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        var deliveries = (await app.DeliveriesAsync(first.Endpoint.Id)).Concat(await app.DeliveriesAsync(second.Endpoint.Id)).ToList();
        Assert.Equal(6, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal((DeliveryStatus.Pending, 0), (d.Status, d.AttemptCount)));
        var leased = Assert.Single(deliveries, d => d.LeaseUntil is not null);
        Assert.True(leased.LeaseUntil > DateTimeOffset.UtcNow.AddMinutes(5), $"lease until {leased.LeaseUntil}");
        Assert.All(deliveries.Where(d => d != leased), d => Assert.Null(d.LeaseOwner));
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Stopping_cuts_short_the_run_of_the_interval_job_too()
    {
        // Tried: the stop while a run of the pump's Quartz job (the interval's, which finds what another process
        // committed) waits a minute for the receiver. It ends at once as a woken run does; before, it went on until
        // Quartz gave up waiting for it (30 s), claiming more meanwhile.
        receiver.Respond = receiver.Hang;
        var created = await app.CreateEndpointAsync(receiver.Url, ["created_admin"]);
        var signal = app.Get<DeliverySignal>();
        await signal.WhenIdle;
        var scheduler = await app.Get<ISchedulerFactory>().GetScheduler();
        await scheduler.Standby(); // a commit starts no woken run: the job's run is the only one
        await app.AddAdminAsync();
        var job = ActivatorUtilities.CreateInstance<DeliveryPumpJob>(app.Services);
        var run = job.Execute(null!, CancellationToken.None).AsTask();
        await receiver.NextAsync();

        await app.Get<DeliveryRuns>().StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        var delivery = Assert.Single(await app.DeliveriesAsync(created.Endpoint.Id));
        Assert.Empty(await app.AttemptsAsync(delivery.Id));
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.True(delivery.LeaseUntil > DateTimeOffset.UtcNow.AddMinutes(5), $"lease until {delivery.LeaseUntil}");
    }
}

[Trait("Store", "Named")]
public sealed class PumpStopOnSqliteTests() : PumpStopTests(Store.Sqlite);

[Trait("Store", "Named")]
public sealed class PumpStopOnPostgresTests() : PumpStopTests(Store.Postgres);
