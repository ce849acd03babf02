using EasySpace.Core.Data;

namespace EasySpace.Core.Scheduling;

/// <summary>
/// A feature's events that come from the calendar, not from a click: booking_will_begin, booking_has_ended,
/// membership_*_date_reached, a future-dated confirmed_membership. The minute job asks every source in turn.
/// </summary>
public interface IDateDrivenEvents
{
    /// <summary>
    /// Raises (through the outbox, into <paramref name="db"/>) every event of this source that is due at <paramref name="now"/>,
    /// claiming each with <see cref="FiredEvents.TryClaimAsync"/> so it never fires twice. The job saves and commits.
    /// </summary>
    Task RaiseDueAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct);
}

/// <summary>One date-driven event that has fired: its key is unique, so a second firing is refused by the database.</summary>
public sealed class FiredEvent
{
    private FiredEvent() { }

    public long Id { get; private set; }
    /// <summary>e.g. "booking_will_begin:b42:lead15" or "membership_cancellation_date_reached:m7:2026-12-31".</summary>
    public string Key { get; private set; } = "";
    public DateTimeOffset FiredAt { get; private set; }

    internal static FiredEvent Of(string key, DateTimeOffset at) => new() { Key = key, FiredAt = at };
}

public static class FiredEvents
{
    /// <summary>True when <paramref name="key"/> has not fired yet; it is then marked in the caller's unit of work.</summary>
    public static async Task<bool> TryClaimAsync(this AppDbContext db, string key, DateTimeOffset at, CancellationToken ct)
    {
        if (db.FiredEvents.Local.Any(f => f.Key == key)) return false;
        if (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.FiredEvents, f => f.Key == key, ct)) return false;
        db.FiredEvents.Add(FiredEvent.Of(key, at));
        return true;
    }
}
