using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Invoices;

/// <summary>
/// What billing needs to know about the space: its name, country, currency and the time zone its calendar days are in
/// (an invoice made at 00:30 in Berlin on 1 January belongs to the new year, whatever UTC says).
/// </summary>
public sealed record SpaceLocale(string Name, string Country, string Currency, TimeZoneInfo Zone)
{
    /// <summary>Before setup there is no profile; billing then counts in UTC and euros.</summary>
    public static readonly SpaceLocale Unset = new("", "", "EUR", TimeZoneInfo.Utc);

    public static async Task<SpaceLocale> LoadAsync(AppDbContext db, CancellationToken ct)
    {
        var profile = await db.SpaceProfiles.AsNoTracking().FirstOrDefaultAsync(ct);
        if (profile is null) return Unset;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(profile.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        return new SpaceLocale(profile.Name, profile.Country, profile.Currency, zone);
    }

    public DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);

    public DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).DateTime;

    /// <summary>A wall-clock time in the space (what a manager types) as an instant.</summary>
    public DateTimeOffset ToInstant(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A time skipped by a daylight-saving jump does not exist; take the hour after, as a wall clock would show.
        if (Zone.IsInvalidTime(unspecified)) unspecified = unspecified.AddHours(1);
        return new DateTimeOffset(unspecified, Zone.GetUtcOffset(unspecified));
    }
}
