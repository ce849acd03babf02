using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Members;

/// <summary>
/// Membership dates (confirmation, plan change, cancellation) are calendar days in the SPACE's time zone: a date is
/// reached at 00:00 local time there, whatever zone the server or the manager's browser is in.
/// </summary>
public static class SpaceCalendar
{
    public static async Task<TimeZoneInfo> TimeZoneAsync(AppDbContext db, CancellationToken ct)
    {
        var id = await db.SpaceProfiles.AsNoTracking().Select(p => p.TimeZone).FirstOrDefaultAsync(ct);
        return Find(id);
    }

    public static TimeZoneInfo Find(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The space's calendar day at <paramref name="now"/>.</summary>
    public static DateOnly Today(TimeZoneInfo zone, DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

    /// <summary>The instant a date begins in the space (00:00 local; the first valid minute on a day that skips midnight).</summary>
    public static DateTimeOffset StartOf(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
