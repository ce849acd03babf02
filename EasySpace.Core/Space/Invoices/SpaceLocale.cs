using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Invoices;

/// <summary>
/// What billing needs to know about the space: its name, country, currency and its clock (an invoice made at 00:30 in
/// Berlin on 1 January belongs to the new year, whatever UTC says).
/// </summary>
public sealed record SpaceLocale(string Name, string Country, string Currency, SpaceClock Clock)
{
    /// <summary>Before setup there is no profile; billing then counts in UTC and euros.</summary>
    public static readonly SpaceLocale Unset = new("", "", "EUR", SpaceClock.Utc);

    public static async Task<SpaceLocale> LoadAsync(AppDbContext db, CancellationToken ct)
    {
        var profile = await db.SpaceProfiles.AsNoTracking().OrderBy(p => p.Id).FirstOrDefaultAsync(ct);
        return profile is null ? Unset : new SpaceLocale(profile.Name, profile.Country, profile.Currency, SpaceClock.For(profile.TimeZone, profile.Country));
    }
}
