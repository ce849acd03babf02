using EasySpace.Core.Data;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace EasySpace.Tests.Core.Webhooks;

/// <summary>
/// On SQLite the writer records attempts in shared rounds: a round's commit writes about the same pages whatever its
/// size, so an attempt that ends while others are under way waits a few ms for them. These tests hold the writer to
/// that: attempts queued together share a round; one that waits is still recorded when nothing else comes; a lone
/// attempt (nothing else under way) does not wait at all. SQLite only: on PostgreSQL recording clears the leases a
/// node's next claim counts, and the writer records at once.
/// </summary>
[Trait("Store", "Named")]
public sealed class RecordRoundTests() : AppWithReceiverTest(new AppHost(Store.Sqlite).With("Webhooks:PumpIntervalSeconds", "3600"))
{
    [Fact]
    public async Task Attempts_that_end_together_share_a_round_and_a_lone_one_is_recorded_without_waiting()
    {
        // Tried: eight attempts queued back to back, the pump saying more are under way for all but the last; then one
        // saying more are coming when none does; then one alone.
        var ids = await ClaimAsync(10);
        var writer = app.Get<DeliveryWriter>();
        var times = app.Get<EngineTimes>();

        var before = times.Snapshot();
        await Task.WhenAll(ids.Take(8).Select((id, i) => writer.RecordAsync(id, Ok(), moreComing: i < 7, CancellationToken.None)).ToList());
        var rounds = times.RecordRounds - before.RecordRounds;
        Assert.InRange(rounds, 1, 3); // one, unless the test's thread stalls past the writer's wait between two calls

        before = times.Snapshot();
        await writer.RecordAsync(ids[8], Ok(), moreComing: true, CancellationToken.None); // nothing else comes: it waits a few ms, then is recorded
        Assert.Equal(1, times.RecordRounds - before.RecordRounds);
        Assert.True(times.Gathering > before.Gathering, "the attempt did not wait for others");

        before = times.Snapshot();
        await writer.RecordAsync(ids[9], Ok(), moreComing: false, CancellationToken.None);
        Assert.Equal(1, times.RecordRounds - before.RecordRounds);
        Assert.Equal(before.Gathering, times.Gathering);

        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var delivered = await db.Deliveries.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync();
        Assert.Equal(10, delivered.Count(d => d.Status == DeliveryStatus.Delivered));
        Assert.Equal(10, await db.Attempts.CountAsync(a => ids.Contains(a.DeliveryId)));
    }

    [Fact]
    public async Task The_pump_records_an_attempt_while_another_receiver_still_hangs()
    {
        // Tried: two deliveries sent at once; one receiver answers, the other holds its answer. The first attempt ended
        // with another under way, so it may wait to share a round (or go in the round after the pump's next claim), but
        // only a few ms: it is on record before the second is answered.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = 0;
        receiver.Respond = async (_, http) =>
        {
            if (Interlocked.Increment(ref answered) == 2) await release.Task;
            http.Response.StatusCode = 200;
        };
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_booking"])).Endpoint;
        var scheduler = await app.Get<ISchedulerFactory>().GetScheduler();
        var signal = app.Get<DeliverySignal>();
        await scheduler.Standby();
        await signal.WhenIdle;
        for (var i = 0; i < 2; i++) await app.CommitBookingAsync(i);

        await scheduler.Start();
        signal.Wake();
        await receiver.WaitForDistinctAsync(2, 30);
        await QuartzCluster.WaitUntilAsync(async () => (await app.DeliveriesAsync(endpoint.Id)).Any(d => d.Status == DeliveryStatus.Delivered), 30,
            "the answered attempt to be recorded while the other hangs");
        Assert.Equal(1, (await app.DeliveriesAsync(endpoint.Id)).Count(d => d.Status == DeliveryStatus.Delivered));

        release.SetResult();
        await signal.WhenIdle;
        Assert.All(await app.DeliveriesAsync(endpoint.Id), d => Assert.Equal(DeliveryStatus.Delivered, d.Status));
    }

    private static AttemptResult Ok() => new(DateTimeOffset.UtcNow, 1, 200, AttemptError.None, null, "{}", "{}", null, null);

    // Deliveries leased by a claim of the writer's own, with the pump held back: the test records their attempts itself.
    private async Task<List<long>> ClaimAsync(int count)
    {
        var scheduler = await app.Get<ISchedulerFactory>().GetScheduler();
        await scheduler.Standby();
        await app.Get<DeliverySignal>().WhenIdle;
        await app.CreateEndpointAsync(receiver.Url, ["created_booking"]);
        for (var i = 0; i < count; i++) await app.CommitBookingAsync(i);
        var claimed = await app.Get<DeliveryWriter>().ClaimAsync(
            new ClaimRequest(count, count, new Dictionary<long, int>(), DateTimeOffset.UtcNow.AddMinutes(5)), CancellationToken.None);
        Assert.Equal(count, claimed.Count);
        return claimed.Select(c => c.Id).ToList();
    }
}
