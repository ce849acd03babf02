using EasySpace.Core.Data;

namespace EasySpace.Core.Events;

/// <summary>
/// Raises an event inside the caller's unit of work: one event row, with its bodies and filter inputs, is added to the
/// caller's context, and the caller's one <c>SaveChangesAsync</c> commits it with the change it reports, or not at all.
/// Its cost does not depend on how many endpoints subscribe: the delivery engine fans it out after the commit, which
/// wakes the pump.
/// </summary>
public sealed partial class EventOutbox(TimeProvider clock)
{
    public Task<EventRecord> RaiseAsync(AppDbContext db, string eventName, EventSubject subject, CancellationToken ct = default)
    {
        var type = EventCatalogue.Find(eventName) ?? throw new ArgumentException($"Unknown event '{eventName}'.", nameof(eventName));
        var url = subject.Data["url"]?.GetValue<string>()
            ?? throw new ArgumentException("The subject's data must carry its own url.", nameof(subject));
        var record = EventRecord.Raise(type, subject, url, clock.GetUtcNow());
        db.Events.Add(record);
        db.EventsRaised = true;
        return Task.FromResult(record);
    }
}
