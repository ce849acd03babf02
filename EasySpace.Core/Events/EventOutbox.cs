using EasySpace.Core.Data;
using EasySpace.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Events;

/// <summary>
/// Raises an event inside the caller's unit of work: the event row is added to the caller's context and one delivery
/// per matching active endpoint is queued on it; the caller's one <c>SaveChangesAsync</c> commits them with the change
/// they report, or not at all. The pump is woken once the transaction commits.
/// </summary>
public sealed partial class EventOutbox(TimeProvider clock)
{
    private sealed record Subscriber(long Id, PayloadFormat Format, EndpointFilters Filters);

    // Runs for every event a page raises: compiled once, and it reads only what the fan-out needs.
    private static readonly Func<AppDbContext, string, IAsyncEnumerable<Subscriber>> SubscribersOf = EF.CompileAsyncQuery(
        (AppDbContext db, string eventName) => db.Endpoints.AsNoTracking()
            .Where(e => e.Status == EndpointStatus.Active && e.Events.Contains(eventName))
            .Select(e => new Subscriber(e.Id, e.Format, e.Filters)));

    public async Task<EventRecord> RaiseAsync(AppDbContext db, string eventName, EventSubject subject, CancellationToken ct = default)
    {
        var type = EventCatalogue.Find(eventName) ?? throw new ArgumentException($"Unknown event '{eventName}'.", nameof(eventName));
        var url = subject.Data["url"]?.GetValue<string>()
            ?? throw new ArgumentException("The subject's data must carry its own url.", nameof(subject));
        var now = clock.GetUtcNow();
        var record = EventRecord.Raise(type, subject, url, now);
        db.Events.Add(record);

        await foreach (var endpoint in SubscribersOf(db, eventName).WithCancellation(ct))
        {
            if (!endpoint.Filters.Admit(subject)) continue;
            var messageId = Signer.NewMessageId();
            var body = PayloadBuilder.Build(endpoint.Format, type, messageId, url, subject.Data, now);
            db.QueueFanOut(Delivery.Create(endpoint.Id, record, eventName, messageId, body, now));
        }
        return record;
    }

    private const string InsertDeliveries =
        "INSERT INTO Deliveries (EndpointId, EventId, EventName, MessageId, Body, Status, AttemptCount, FailuresInRow, NextAttemptAt, CreatedAt, IsTest) VALUES ";

    /// <summary>
    /// Writes queued deliveries in the caller's transaction once their events are saved (saved, not yet accepted:
    /// an event's id is its entry's current value). Through the change tracker each row was its own INSERT.
    /// </summary>
    internal static Task<int> WriteFanOutAsync(AppDbContext db, IReadOnlyList<Delivery> fanOut, CancellationToken ct) =>
        RowWriter.WriteAsync(db, InsertDeliveries, "", fanOut, d => Row(db, d), ct);

    internal static int WriteFanOut(AppDbContext db, IReadOnlyList<Delivery> fanOut) =>
        RowWriter.Write(db, InsertDeliveries, "", fanOut, d => Row(db, d));

    private static object?[] Row(AppDbContext db, Delivery d) =>
    [
        d.EndpointId, d.Event is { } ev ? db.Entry(ev).Property(e => e.Id).CurrentValue : null, d.EventName, d.MessageId, d.Body,
        d.Status, d.AttemptCount, d.FailuresInRow, d.NextAttemptAt, d.CreatedAt, d.IsTest,
    ];
}
