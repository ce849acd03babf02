using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace EasySpace.Tests.Core.Webhooks;

/// <summary>
/// The pump claims ahead of its slots and holds what it claimed; a held delivery must never go out once its lease
/// could run out during its attempt, or a later claim could take it too and send it twice. One slot, one receiver
/// that holds its first answer, and the clock moved on past what the lease covers. SQLite only: on PostgreSQL a node
/// holds no more than it may send at once (several nodes share an endpoint's limit), so nothing waits held.
/// </summary>
[Trait("Store", "Named")]
public sealed class HeldDeliveryTests() : AppWithReceiverTest(new AppHost(Store.Sqlite)
    .With("Webhooks:MaxConcurrency", "1")
    .With("Webhooks:MaxConcurrencyPerEndpoint", "1")
    .With("Webhooks:TimeoutSeconds", "60")
    .With("Webhooks:PumpIntervalSeconds", "3600"))
{
    private FakeTimeProvider clock = default!;

    public override async Task InitializeAsync()
    {
        clock = app.UseFakeClock();
        await base.InitializeAsync();
    }

    [Fact]
    public async Task A_delivery_held_past_what_its_lease_covers_is_let_go_unsent_and_sent_once_when_claimed_again()
    {
        // Tried: five deliveries claimed at once for one slot; the first attempt takes (on the clock) longer than the
        // lease covers for the four behind it. They are not sent on that lease; once it has run out, they are claimed
        // again and each arrives exactly once.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = 0;
        receiver.Respond = async (_, http) =>
        {
            if (Interlocked.Increment(ref answered) == 1) await release.Task;
            await http.Response.WriteAsync("ok");
        };
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_booking"])).Endpoint;
        var scheduler = await app.Get<ISchedulerFactory>().GetScheduler();
        var signal = app.Get<DeliverySignal>();
        await scheduler.Standby();
        await signal.WhenIdle;
        for (var i = 0; i < 5; i++) await app.CommitBookingAsync(i);

        await scheduler.Start();
        signal.Wake();
        await receiver.NextAsync();                                  // the first attempt, held by the receiver
        var held = await app.DeliveriesAsync(endpoint.Id);
        Assert.All(held, d => Assert.NotNull(d.LeaseUntil));          // one claim took all five
        var lease = held[0].LeaseUntil!.Value;

        // The attempt "lasts" until less than a timeout and the 5 s to record it are left of the lease.
        clock.SetUtcNow(lease - TimeSpan.FromSeconds(60 + 5) + TimeSpan.FromSeconds(1));
        release.SetResult();
        await signal.WhenIdle;                                        // the run ended
        Assert.Single(receiver.Received);
        var waiting = (await app.DeliveriesAsync(endpoint.Id)).Where(d => d.Status == DeliveryStatus.Pending).ToList();
        Assert.Equal(4, waiting.Count);
        Assert.All(waiting, d => Assert.Equal(0, d.AttemptCount));
        Assert.All(waiting, d => Assert.Equal(lease, d.LeaseUntil));  // still leased: no claim took them meanwhile

        clock.SetUtcNow(lease + TimeSpan.FromSeconds(1));
        signal.Wake();
        await receiver.WaitForDistinctAsync(5, 30);
        await signal.WhenIdle;
        Assert.Equal(5, receiver.Received.Count);
        Assert.All(receiver.ByMessageId.Values, n => Assert.Equal(1, n));
        Assert.All(await app.DeliveriesAsync(endpoint.Id), d => Assert.Equal(DeliveryStatus.Delivered, d.Status));
    }
}
