using System.Globalization;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core;

/// <summary>
/// The space's one clock: every time a manager or member reads or types is in the space's time zone (chosen at setup)
/// and in one format. Instants are stored in UTC; this is the only place that turns them into wall-clock times and back.
/// </summary>
/// <param name="Culture">Decides the time of day (15:38 or 3:38 PM) and how a typed date is written (01.12.2026 or 12/1/2026).</param>
public sealed record SpaceClock(TimeZoneInfo Zone, CultureInfo Culture)
{
    private static readonly CultureInfo Fallback = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>Before setup, or when the stored zone is unknown to this machine: UTC, 24-hour clock.</summary>
    public static readonly SpaceClock Utc = new(TimeZoneInfo.Utc, Fallback);

    /// <summary>The clock of a space in <paramref name="timeZone"/> (IANA id) and <paramref name="country"/> (ISO code).</summary>
    public static SpaceClock For(string? timeZone, string? country)
    {
        var zone = !string.IsNullOrWhiteSpace(timeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone.Trim(), out var found) ? found : TimeZoneInfo.Utc;
        return new SpaceClock(zone, CultureOf(country));
    }

    /// <summary>English words, the country's conventions: en-CH, en-US, en-DE; en-GB where .NET knows no English for the country.</summary>
    private static CultureInfo CultureOf(string? country)
    {
        if (string.IsNullOrWhiteSpace(country) || country.Trim().Length != 2) return Fallback;
        try { return CultureInfo.GetCultureInfo("en-" + country.Trim().ToUpperInvariant(), predefinedOnly: true); }
        catch (CultureNotFoundException) { return Fallback; }
    }

    public static async Task<SpaceClock> LoadAsync(AppDbContext db, CancellationToken ct = default)
    {
        var profile = await db.SpaceProfiles.AsNoTracking().OrderBy(p => p.Id)
            .Select(p => new { p.TimeZone, p.Country }).FirstOrDefaultAsync(ct);
        return profile is null ? Utc : For(profile.TimeZone, profile.Country);
    }

    /// <summary>The space's wall-clock time at <paramref name="at"/>.</summary>
    public DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).DateTime;

    /// <summary>The space's calendar day at <paramref name="now"/>.</summary>
    public DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(Local(now));

    /// <summary>
    /// A wall-clock time in the space (what someone typed) as an instant. A time the clocks skip (spring forward) moves on
    /// by the gap, as a wall clock would show it (02:30 → 03:30); a time that happens twice (fall back) is its first
    /// occurrence.
    /// </summary>
    public DateTimeOffset ToInstant(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (Zone.IsInvalidTime(local))
        {
            // The offset in force just before the gap: read at this time, it lands the instant as far past the gap as the time was into it.
            var before = local;
            while (Zone.IsInvalidTime(before)) before = before.AddMinutes(-15);
            offset = Zone.GetUtcOffset(before);
        }
        else if (Zone.IsAmbiguousTime(local)) offset = Zone.GetAmbiguousTimeOffsets(local).Max();
        else offset = Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The instant a day begins in the space: its midnight, or the first minute after a gap that skips midnight.</summary>
    public DateTimeOffset StartOf(DateOnly day) => ToInstant(day.ToDateTime(TimeOnly.MinValue));

    /// <summary>"Tue 1 Dec 2026".</summary>
    public string Day(DateOnly day) => day.ToString("ddd d MMM yyyy", Culture);

    /// <summary>"Tue 1 Dec 2026", the space's day of the instant.</summary>
    public string Day(DateTimeOffset at) => Local(at).ToString("ddd d MMM yyyy", Culture);

    /// <summary>"15:38" (or "3:38 PM" where the country reads a 12-hour clock).</summary>
    public string Time(DateTimeOffset at) => Local(at).ToString(Culture.DateTimeFormat.ShortTimePattern, Culture);

    /// <summary>"Tue 1 Dec 2026, 15:38".</summary>
    public string When(DateTimeOffset at) => $"{Day(at)}, {Time(at)}";

    /// <summary>"Tue 1 Dec 2026, 10:00–11:00", or "Tue 1 Dec 2026, 10:00 – Wed 2 Dec 2026, 09:00" across days.</summary>
    public string Span(DateTimeOffset from, DateTimeOffset to) =>
        Local(from).Date == Local(to).Date ? $"{When(from)}–{Time(to)}" : $"{When(from)} – {When(to)}";

    /// <summary>How dates are typed in date fields (MudDatePicker's DateFormat), e.g. "dd.MM.yyyy" in Switzerland.</summary>
    public string DateInputFormat => Culture.DateTimeFormat.ShortDatePattern;

    /// <summary>"Europe/Zurich", for a hint beside times ("times are in Europe/Zurich").</summary>
    public string ZoneName => Zone.Id;
}

/// <summary>Reads the space's clock for pages and jobs, one short query per call (the zone can change in Space settings).</summary>
public sealed class SpaceClockReader(IDbContextFactory<AppDbContext> dbs)
{
    public async Task<SpaceClock> CurrentAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await SpaceClock.LoadAsync(db, ct);
    }
}
