using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Members;

/// <summary>A plan as the plan form edits it.</summary>
public sealed class PlanDraft
{
    public string Name { get; set; } = "";
    public decimal Price { get; set; }
    /// <summary>Empty means the space's currency.</summary>
    public string Currency { get; set; } = "";
    public PlanInterval Interval { get; set; } = PlanInterval.Month;
    public bool IsActive { get; set; } = true;

    public static PlanDraft Of(Plan p) => new() { Name = p.Name, Price = p.Price, Currency = p.Currency, Interval = p.Interval, IsActive = p.IsActive };
}

/// <summary>A plan with how many memberships are on it (or moving to it).</summary>
public sealed record PlanListItem(Plan Plan, int Members);

/// <summary>What managers do to plans. Plans raise no events of their own; memberships carry them in their payloads.</summary>
public sealed class PlanService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const int NameMax = 100;

    public async Task<IReadOnlyList<PlanListItem>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plans = await db.Plans.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        var counts = await db.Memberships.AsNoTracking().GroupBy(m => m.PlanId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return plans.Select(p => new PlanListItem(p, counts.GetValueOrDefault(p.Id))).ToList();
    }

    /// <summary>The plans a manager may choose for a member now.</summary>
    public async Task<IReadOnlyList<Plan>> ActiveAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Plans.AsNoTracking().Where(p => p.IsActive).OrderBy(p => p.Name).ToListAsync(ct);
    }

    /// <summary>The space's currency: a new plan's default.</summary>
    public async Task<string> SpaceCurrencyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SpaceCurrencyAsync(ct);
    }

    public async Task<ValidationErrors> ValidateAsync(AppDbContext db, PlanDraft draft, long? id, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (MemberInputRules.Name(draft.Name, "the plan's name", NameMax) is { } name) errors.Add(nameof(draft.Name), name);
        else
        {
            var trimmed = draft.Name.Trim();
            var lower = trimmed.ToLowerInvariant();
            if (await db.Plans.AnyAsync(p => p.Id != id && p.Name.ToLower() == lower, ct))
                errors.Add(nameof(draft.Name), $"There is already a plan called \"{trimmed}\".");
        }
        if (MemberInputRules.Price(draft.Price) is { } price) errors.Add(nameof(draft.Price), price);
        if (!string.IsNullOrWhiteSpace(draft.Currency) && InputRules.CurrencyProblem(draft.Currency) is { } currency)
            errors.Add(nameof(draft.Currency), currency);
        if (!Enum.IsDefined(draft.Interval)) errors.Add(nameof(draft.Interval), "Choose month, week, year or one-off.");
        return errors;
    }

    public async Task<Result<Plan>> CreateAsync(PlanDraft draft, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var errors = await ValidateAsync(db, draft, null, ct);
        if (!errors.IsEmpty) return errors;
        await DefaultCurrencyAsync(db, draft, ct);
        var now = clock.GetUtcNow();
        var plan = Plan.Create(draft, now);
        db.Plans.Add(plan);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.PlanCreated, plan.Name, now, plan.PriceLabel));
        await db.SaveChangesAsync(ct);
        return plan;
    }

    public async Task<Result<Plan>> UpdateAsync(long id, PlanDraft draft, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Plans.FindAsync([id], ct) is not { } plan) return new ValidationErrors().Add("", "This plan no longer exists.");
        var errors = await ValidateAsync(db, draft, id, ct);
        if (!errors.IsEmpty) return errors;
        await DefaultCurrencyAsync(db, draft, ct);
        var now = clock.GetUtcNow();
        plan.Update(draft, now);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.PlanUpdated, plan.Name, now, $"{plan.PriceLabel}{(plan.IsActive ? "" : ", inactive")}"));
        await db.SaveChangesAsync(ct);
        return plan;
    }

    /// <summary>Deletes a plan nobody is on; a plan in use can only be made inactive.</summary>
    public async Task<Result<Plan>> DeleteAsync(long id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Plans.FindAsync([id], ct) is not { } plan) return new ValidationErrors().Add("", "This plan no longer exists.");
        if (await db.Memberships.AnyAsync(m => m.PlanId == id || m.NextPlanId == id, ct))
            return new ValidationErrors().Add("", $"Members are on \"{plan.Name}\" (or moving to it), so it cannot be deleted. Make it inactive instead.");
        db.Plans.Remove(plan);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.PlanDeleted, plan.Name, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return plan;
    }

    private static async Task DefaultCurrencyAsync(AppDbContext db, PlanDraft draft, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(draft.Currency))
            draft.Currency = await db.SpaceCurrencyAsync(ct);
    }
}
