using EasySpace.Core.Data;
using EasySpace.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Events;

/// <summary>
/// Raises an event inside the caller's unit of work: the event row and one delivery per matching active endpoint
/// are added to the caller's context, so they commit with the change they report, or not at all.
/// The pump is woken once the transaction commits.
/// </summary>
public sealed class EventOutbox(TimeProvider clock)
{
    public async Task<EventRecord> RaiseAsync(AppDbContext db, string eventName, EventSubject subject, CancellationToken ct = default,
        Func<Endpoint, bool>? only = null)
    {
        var type = EventCatalogue.Find(eventName) ?? throw new ArgumentException($"Unknown event '{eventName}'.", nameof(eventName));
        var url = subject.Data["url"]?.GetValue<string>()
            ?? throw new ArgumentException("The subject's data must carry its own url.", nameof(subject));
        var now = clock.GetUtcNow();
        var record = EventRecord.Raise(type, subject, url, now);
        db.Events.Add(record);

        var endpoints = await db.Endpoints.AsNoTracking() // read only: nothing here changes an endpoint
            .Where(e => e.Status == EndpointStatus.Active && e.Events.Contains(eventName))
            .ToListAsync(ct);
        foreach (var endpoint in endpoints)
        {
            if (!endpoint.Wants(eventName, subject) || (only is not null && !only(endpoint))) continue;
            var messageId = Signer.NewMessageId();
            var body = PayloadBuilder.Build(endpoint.Format, type, messageId, url, subject.Data, now);
            db.Deliveries.Add(Delivery.Create(endpoint.Id, record, eventName, messageId, body, now));
            db.DeliveriesAdded = true;
        }
        return record;
    }
}
