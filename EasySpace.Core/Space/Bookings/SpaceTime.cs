using System.Globalization;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Bookings;

/// <summary>
/// The space's wall clock. Instants are stored in UTC; managers pick and read times in the space's time zone
/// (chosen at setup), and the API writes them the way Cobot does.
/// </summary>
public static class SpaceTime
{
    /// <summary>The space's time zone, or UTC before setup or when the stored id is unknown to this machine.</summary>
    public static async Task<TimeZoneInfo> ZoneAsync(this AppDbContext db, CancellationToken ct = default) =>
        Zone(await db.SpaceProfiles.AsNoTracking().Select(p => p.TimeZone).FirstOrDefaultAsync(ct));

    public static TimeZoneInfo Zone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>A wall-clock time in <paramref name="zone"/> as an instant. A time the clocks skip (spring forward) moves on by the gap.</summary>
    public static DateTimeOffset FromLocal(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        var offset = zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    public static DateTime ToLocal(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone).DateTime;

    /// <summary>"Mon 2 Mar 2026 10:00–11:00", or "Mon 2 Mar 2026 10:00 – Wed 4 Mar 2026 09:00" across days.</summary>
    public static string Describe(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        var start = ToLocal(from, zone);
        var end = ToLocal(to, zone);
        var day = start.ToString("ddd d MMM yyyy HH:mm", CultureInfo.InvariantCulture);
        return start.Date == end.Date
            ? $"{day}–{end.ToString("HH:mm", CultureInfo.InvariantCulture)}"
            : $"{day} – {end.ToString("ddd d MMM yyyy HH:mm", CultureInfo.InvariantCulture)}";
    }

    /// <summary>The time format of Cobot's API: <c>2017/01/01 12:00:00 +0000</c> (always UTC).</summary>
    public static string ApiFormat(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy'/'MM'/'dd HH':'mm':'ss '+0000'", CultureInfo.InvariantCulture);
}
