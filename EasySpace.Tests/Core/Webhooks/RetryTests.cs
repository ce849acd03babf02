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
    public async Task Retry_After_on_a_503_is_honoured_within_the_schedule_and_never_past_20_hours()
    {
        receiver.Respond = Receiver.Status(503, ("Retry-After", "900"));
        var (endpoint, delivery, first) = await FirstAttemptFailedAsync();

        // Asked 15 min (later than 1 min ±10 %) for the first retry: the nine after it need 19 h 47 min of the 20 hours
        // (less the minute kept for the pump), so it comes at 12 min.
        Assert.Equal(first + TimeSpan.FromMinutes(12), delivery.NextAttemptAt);

        // A day asked for the second: 19 h 59 min less the 19 h 45 min the last eight need, from the first attempt.
        receiver.Respond = Receiver.Status(429, ("Retry-After", "86400"));
        clock.SetUtcNow(delivery.NextAttemptAt);
        await app.PumpAsync();
        await receiver.NextAsync();
        delivery = Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        Assert.Equal(first + TimeSpan.FromMinutes(14), delivery.NextAttemptAt);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Ten_retries_with_jitter_and_any_Retry_After_end_within_20_hours_of_the_first_attempt(int seed)
    {
        // Tried: each attempt answered 503 with a Retry-After drawn from none, 0 s, minutes, hours or days (seeded).
        var random = new Random(seed);
        string?[] asks = [null, "0", "90", "900", "3600", "28800", "86400", "259200"];
        receiver.Respond = (_, http) =>
        {
            http.Response.StatusCode = 503;
            if (asks[random.Next(asks.Length)] is { } seconds) http.Response.Headers.RetryAfter = seconds;
            return Task.CompletedTask;
        };
        var (endpoint, delivery, first) = await FirstAttemptFailedAsync();

        for (var retry = 1; retry <= 10; retry++)
        {
            Assert.True(delivery.NextAttemptAt <= first + RetrySchedule.Budget, $"seed {seed}: retry {retry} due {delivery.NextAttemptAt - first} after the first attempt");
            // The pump comes round a few seconds late, as it does.
            clock.SetUtcNow(delivery.NextAttemptAt + TimeSpan.FromSeconds(random.Next(0, 5)));
            await app.PumpAsync();
            Assert.Equal((retry + 1).ToString(), (await receiver.NextAsync()).Header("X-EasySpace-Attempt"));
            delivery = Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        }
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.InRange(delivery.LastAttemptAt!.Value - first, TimeSpan.Zero, TimeSpan.FromHours(20));
    }

    [Fact]
    public void Over_thousands_of_seeds_the_schedule_keeps_its_jitter_honours_Retry_After_where_it_fits_and_ends_within_20_hours()
    {
        var schedule = app.Get<RetrySchedule>();
        var start = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        TimeSpan?[] asks = [null, TimeSpan.Zero, TimeSpan.FromSeconds(90), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(8), TimeSpan.FromDays(1), TimeSpan.FromDays(3)];
        for (var seed = 0; seed < 5000; seed++)
        {
            var random = new Random(seed);
            var clock = new FakeTimeProvider(start.GetUtcNow());
            var first = clock.GetUtcNow();
            for (var failures = 1; failures <= 10; failures++)
            {
                var now = clock.GetUtcNow();
                var asked = random.Next(3) == 0 ? asks[random.Next(asks.Length)] : null;
                var next = schedule.NextAttemptAt(failures, first, now, asked, random)!.Value;
                var scheduled = Schedule[failures - 1];
                var latest = first + RetrySchedule.Budget - Schedule.Skip(failures).Aggregate(TimeSpan.Zero, (a, b) => a + b);
                var why = $"seed {seed}, retry {failures}, Retry-After {asked}: due {next - now} after the attempt, {next - first} after the first";
                Assert.True(next <= first + TimeSpan.FromHours(20) - TimeSpan.FromMinutes(1), why);
                Assert.True(next - now >= scheduled * (1 - RetrySchedule.Jitter), why);                           // never sooner than the jittered delay
                if (next < latest) Assert.True(next - now <= TimeSpan.FromTicks(Math.Max((scheduled * (1 + RetrySchedule.Jitter)).Ticks, (asked ?? TimeSpan.Zero).Ticks)), why);
                if (asked is { } a && now + a <= latest) Assert.True(next >= now + a, why);                     // Retry-After honoured where it fits
                // The pump claims it a few seconds late.
                clock.SetUtcNow(next + TimeSpan.FromSeconds(random.Next(0, 5)));
            }
            Assert.Null(schedule.NextAttemptAt(11, first, clock.GetUtcNow(), null, random));
        }
    }

    /// <summary>A webhook whose first delivery has just been tried once (and failed, as the receiver answers).</summary>
    private async Task<(EasySpace.Core.Webhooks.Endpoint Endpoint, Delivery Delivery, DateTimeOffset FirstAttempt)> FirstAttemptFailedAsync()
    {
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();
        return (endpoint, Assert.Single(await app.DeliveriesAsync(endpoint.Id)), clock.GetUtcNow());
    }

    [Fact]
    public void The_schedule_adds_up_to_19_hours_48_minutes()
    {
        var schedule = app.Get<RetrySchedule>();
        Assert.Equal(TimeSpan.FromHours(19) + TimeSpan.FromMinutes(48), schedule.Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b));
        Assert.Null(schedule.NextAttemptAt(11, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
    }
}
