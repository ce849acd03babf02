using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Core.Webhooks;

public class RetryTests() : AppWithReceiverTest(new AppHost().With("Webhooks:PumpIntervalSeconds", "3600"))
{
    private static readonly TimeSpan[] Schedule =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(3), TimeSpan.FromHours(5), TimeSpan.FromHours(8),
    ];

    private FakeTimeProvider clock = default!;

    public override async Task InitializeAsync()
    {
        clock = app.UseFakeClock();
        await base.InitializeAsync();
        receiver.Respond = Receiver.Status(500);
    }

    [Fact]
    public async Task An_endpoint_that_keeps_failing_is_retried_on_schedule_then_deactivated_after_the_tenth_retry()
    {
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await app.AddAdminAsync();
        var first = await receiver.NextAsync();
        await app.PumpAsync();
        var messageId = first.Header("webhook-id");
        var delivery = Assert.Single(await app.DeliveriesAsync(endpoint.Id));

        for (var retry = 1; retry <= 10; retry++)
        {
            var scheduled = Schedule[retry - 1];
            var now = clock.GetUtcNow();
            var wait = delivery.NextAttemptAt - now;
            Assert.InRange(wait, scheduled * 0.9 - TimeSpan.FromSeconds(1), scheduled * 1.1 + TimeSpan.FromSeconds(1)); // ±10 % jitter

            clock.SetUtcNow(delivery.NextAttemptAt - TimeSpan.FromSeconds(1));
            await app.PumpAsync();
            Assert.True(receiver.NothingMore, $"retry {retry} went out before it was due");

            clock.SetUtcNow(delivery.NextAttemptAt);
            await app.PumpAsync();
            var request = await receiver.NextAsync();
            Assert.Equal(messageId, request.Header("webhook-id"));                  // the same id on every retry
            Assert.Equal(first.BodyText, request.BodyText);                         // the same bytes
            Assert.Equal((retry + 1).ToString(), request.Header("X-EasySpace-Attempt"));
            Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds().ToString(), request.Header("webhook-timestamp"));
            delivery = Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        }

        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Equal(11, delivery.AttemptCount);
        Assert.Equal(11, (await app.AttemptsAsync(delivery.Id)).Count);
        var after = await app.EndpointAsync(endpoint.Id);
        Assert.Equal(EndpointStatus.Deactivated, after.Status);
        Assert.Contains("Every retry failed (11 attempts", after.DeactivationReason);
        Assert.Contains("HTTP 500", after.DeactivationReason);

        // Deactivated: the next event is not delivered.
        await app.AddAdminAsync();
        await app.PumpAsync();
        Assert.True(receiver.NothingMore);
    }

    [Fact]
    public async Task Deliveries_waiting_when_the_endpoint_is_deactivated_are_held_and_re_enabling_sends_them()
    {
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();
        var doomed = Assert.Single(await app.DeliveriesAsync(endpoint.Id));

        // Walk the first delivery through its retries; a second event arrives half-way and starts failing too.
        for (var retry = 1; retry <= 10; retry++)
        {
            if (retry == 5)
            {
                await app.AddAdminAsync();
                await receiver.NextAsync();
                await app.PumpAsync();
            }
            clock.SetUtcNow(doomed.NextAttemptAt);
            await app.PumpAsync();
            doomed = (await app.DeliveriesAsync(endpoint.Id))[0];
        }
        var deliveries = await app.DeliveriesAsync(endpoint.Id);
        Assert.Equal(DeliveryStatus.Failed, deliveries[0].Status);
        Assert.Equal(DeliveryStatus.Held, deliveries[1].Status);
        Assert.Equal(1, await app.Get<EndpointService>().CountHeldAsync(endpoint.Id));

        receiver.Respond = Receiver.Status(200);
        var countBefore = receiver.Received.Count;
        Assert.True((await app.Get<EndpointService>().EnableAsync(endpoint.Id, releaseHeld: true, WebhookHostExtensions.Owner)).Succeeded);
        await app.PumpAsync();

        var held = await receiver.NextAsync();
        while (held.Header("webhook-id") != deliveries[1].MessageId) held = await receiver.NextAsync();
        Assert.Equal(DeliveryStatus.Delivered, (await app.DeliveriesAsync(endpoint.Id))[1].Status);
        Assert.Equal(EndpointStatus.Active, (await app.EndpointAsync(endpoint.Id)).Status);
        Assert.True(receiver.Received.Count > countBefore);
    }

    [Fact]
    public async Task Retry_After_on_a_503_is_honoured_within_the_schedule()
    {
        receiver.Respond = Receiver.Status(503, ("Retry-After", "900"));
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();

        var delivery = Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(900), delivery.NextAttemptAt); // asked 15 min: later than 1 min ±10 %

        receiver.Respond = Receiver.Status(429, ("Retry-After", "86400"));
        clock.SetUtcNow(delivery.NextAttemptAt);
        await app.PumpAsync();
        await receiver.NextAsync();
        delivery = Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(8), delivery.NextAttemptAt);  // a day asked: capped at the longest delay
    }

    [Fact]
    public void The_schedule_adds_up_to_19_hours_48_minutes()
    {
        var schedule = app.Get<RetrySchedule>();
        Assert.Equal(TimeSpan.FromHours(19) + TimeSpan.FromMinutes(48), schedule.Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b));
        Assert.Null(schedule.NextAttemptAt(11, DateTimeOffset.UnixEpoch));
    }
}
