using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Members;

/// <summary>The space's list of custom member fields (a setting of the members area).</summary>
public sealed class CustomFieldService(IDbContextFactory<AppDbContext> dbFactory, EventOutbox outbox, PublicUrls urls, TimeProvider clock)
{
    public async Task<IReadOnlyList<CustomFieldDefinition>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CustomFieldDefinitions.AsNoTracking().OrderBy(f => f.Position).ThenBy(f => f.Id).ToListAsync(ct);
    }

    public async Task<Result<CustomFieldDefinition>> AddAsync(string? name, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var errors = new ValidationErrors();
        if (MemberInputRules.Name(name, "the field's name", MemberInputRules.CustomFieldNameMax) is { } problem) errors.Add("Name", problem);
        else
        {
            var lower = name!.Trim().ToLowerInvariant();
            if (await db.CustomFieldDefinitions.AnyAsync(f => f.Name.ToLower() == lower, ct))
                errors.Add("Name", $"There is already a field called \"{name.Trim()}\".");
            else if (await db.CustomFieldDefinitions.CountAsync(ct) >= CustomFieldDefinition.MaxFields)
                errors.Add("Name", $"A space has at most {CustomFieldDefinition.MaxFields} custom fields.");
        }
        if (!errors.IsEmpty) return errors;

        var now = clock.GetUtcNow();
        var position = (await db.CustomFieldDefinitions.MaxAsync(f => (int?)f.Position, ct) ?? 0) + 1;
        var field = CustomFieldDefinition.Create(name!, position, now);
        db.CustomFieldDefinitions.Add(field);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.CustomFieldAdded, field.Name, now));
        await db.SaveChangesAsync(ct);
        return field;
    }

    /// <summary>
    /// Removes a field and every member's value of it. Each membership that had a value really changes (its API object
    /// loses the value), so each raises updated_custom_field for that field, in the same transaction.
    /// </summary>
    public async Task<Result<CustomFieldDefinition>> RemoveAsync(long id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.CustomFieldDefinitions.FindAsync([id], ct) is not { } field)
            return new ValidationErrors().Add("", "This field no longer exists.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        db.CustomFieldDefinitions.Remove(field);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.CustomFieldRemoved, field.Name, now));

        // The values are a JSON column, so the filter runs here; a space has hundreds of members, not millions.
        var members = await db.Memberships.ToListAsync(ct);
        var cleared = new List<Membership>();
        foreach (var m in members.Where(m => m.CustomFields.ContainsKey(field.Name)))
        {
            m.SetCustomFields(new Dictionary<string, string?> { [field.Name] = null }, now);
            cleared.Add(m);
        }
        await db.SaveChangesAsync(ct); // the definition is gone before the payloads are built, so they no longer list it
        foreach (var m in cleared)
            await outbox.RaiseAsync(db, new UpdatedCustomField(await MembershipResources.SubjectAsync(db, m, urls, ct), [field.Name]), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return field;
    }
}
