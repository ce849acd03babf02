using System.Globalization;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Bookings;

/// <summary>Adds, edits, archives and restores rooms and desks. Resources raise no webhook events; the activity log records every change.</summary>
public sealed class ResourceService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<Result<Resource>> AddAsync(ResourceDraft draft, string actor, CancellationToken ct = default)
    {
        var errors = draft.Validate();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await CheckNameFreeAsync(db, draft, exceptId: 0, errors, ct);
        if (!errors.IsEmpty) return errors;
        var now = clock.GetUtcNow();
        var resource = Resource.Create(draft, now);
        db.Resources.Add(resource);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.ResourceAdded, resource.Name, now, Terms(resource)));
        await db.SaveChangesAsync(ct);
        return resource;
    }

    /// <summary>New prices apply to bookings made or moved from now on; existing bookings keep theirs.</summary>
    public async Task<Result<Resource>> UpdateAsync(long id, ResourceDraft draft, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Resources.FirstOrDefaultAsync(r => r.Id == id, ct) is not { } resource)
            return new ValidationErrors().Add("", "That room or desk does not exist.");
        var errors = draft.Validate();
        await CheckNameFreeAsync(db, draft, resource.Id, errors, ct);
        if (!errors.IsEmpty) return errors;
        var now = clock.GetUtcNow();
        var (oldName, before) = (resource.Name, Terms(resource));
        resource.Update(draft, now);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.ResourceChanged, resource.Name, now,
            new ActivityDetails().Change("Name", oldName, resource.Name).Change("Terms", before, Terms(resource)).Text));
        await db.SaveChangesAsync(ct);
        return resource;
    }

    /// <summary>Takes a resource out of the booking form; its bookings stay as they are.</summary>
    public async Task<Result<Resource>> ArchiveAsync(long id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Resources.FirstOrDefaultAsync(r => r.Id == id, ct) is not { } resource)
            return new ValidationErrors().Add("", "That room or desk does not exist.");
        if (resource.IsArchived) return resource;
        var now = clock.GetUtcNow();
        resource.Archive(now);
        var upcoming = await db.Bookings.CountAsync(b => b.ResourceId == id && b.CanceledAt == null && b.To > now, ct);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.ResourceArchived, resource.Name, now,
            upcoming > 0 ? $"{upcoming} current or upcoming booking(s) kept" : null));
        await db.SaveChangesAsync(ct);
        return resource;
    }

    public async Task<Result<Resource>> RestoreAsync(long id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Resources.FirstOrDefaultAsync(r => r.Id == id, ct) is not { } resource)
            return new ValidationErrors().Add("", "That room or desk does not exist.");
        if (!resource.IsArchived) return resource;
        var errors = new ValidationErrors();
        await CheckNameFreeAsync(db, ResourceDraft.From(resource), resource.Id, errors, ct);
        if (!errors.IsEmpty) return new ValidationErrors().Add("", $"Another room or desk is now called {resource.Name}; rename one of them first.");
        var now = clock.GetUtcNow();
        resource.Restore(now);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.ResourceRestored, resource.Name, now));
        await db.SaveChangesAsync(ct);
        return resource;
    }

    /// <summary>Two bookable resources with one name would be indistinguishable in the booking form.</summary>
    private static async Task CheckNameFreeAsync(AppDbContext db, ResourceDraft draft, long exceptId, ValidationErrors errors, CancellationToken ct)
    {
        if (errors.For(nameof(ResourceDraft.Name)) is not null) return;
        var name = draft.Name.Trim();
        var names = await db.Resources.AsNoTracking().Where(r => r.ArchivedAt == null && r.Id != exceptId).Select(r => r.Name).ToListAsync(ct);
        if (names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
            errors.Add(nameof(ResourceDraft.Name), $"There is already a room or desk named {name}.");
    }

    private static string Terms(Resource r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Kind.ToString().ToLowerInvariant()}, {r.Capacity} people, {r.HourlyPrice:0.00} {r.Currency}/h, tax {BookingResource.Rate(r.TaxRate)} %");
}
