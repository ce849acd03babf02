using EasySpace.Core.Data;

namespace EasySpace.Core.Events;

public sealed partial class EventOutbox
{
    /// <summary>
    /// Raises a catalogue event in the caller's unit of work: its name comes from its type, its filter inputs (booked
    /// resource, changed fields, lead time) travel on the subject. The way production code raises; the name-and-subject
    /// overload stays for tests that raise by name.
    /// </summary>
    public Task<EventRecord> RaiseAsync(AppDbContext db, CatalogueEvent e, CancellationToken ct = default) =>
        RaiseAsync(db, e.Name, e.Filterable, ct);
}
