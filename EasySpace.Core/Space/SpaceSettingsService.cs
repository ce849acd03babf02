using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space;

/// <summary>The Space settings page: the space's name, country, currency, time zone and public address after setup.</summary>
public sealed class SpaceSettingsService(IDbContextFactory<AppDbContext> dbFactory, PublicUrls urls, TimeProvider clock)
{
    /// <summary>Raised after a change is saved, so what shows the profile (the app bar's name) shows the new one at once.</summary>
    public event Action? Changed;

    public async Task<SpaceSettings?> GetAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.SpaceProfiles.AsNoTracking().OrderBy(p => p.Id).FirstOrDefaultAsync(ct))?.Settings;
    }

    /// <summary>Saves the settings and logs each change as before → after; refused with field errors, nothing saved.</summary>
    public async Task<Result<SpaceSettings>> SaveAsync(SpaceSettings settings, string actor, CancellationToken ct = default)
    {
        if (SpaceSettings.Problems(settings) is { IsEmpty: false } errors) return errors;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.SpaceProfiles.OrderBy(p => p.Id).FirstOrDefaultAsync(ct) is not { } profile)
            return new ValidationErrors().Add("", "This EasySpace is not set up yet.");

        var changes = profile.ChangeSettings(settings);
        if (changes.Count == 0) return profile.Settings;
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.SpaceSettingsChanged, profile.Name, clock.GetUtcNow(), string.Join("; ", changes)));
        await db.SaveChangesAsync(ct);

        // PublicUrls keeps the address it read (payload URLs, the origin check, HSTS): read it again from now on.
        // Everything else (time zone, currency, country) is read from the profile each time it is used.
        urls.Forget();
        Changed?.Invoke();
        return profile.Settings;
    }
}
