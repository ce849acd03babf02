using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Members;

/// <summary>A plan as it appears inside a membership.</summary>
public sealed record MembershipPlanResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("interval")] string Interval)
{
    public static MembershipPlanResource Of(Plan plan) =>
        new(plan.Id.ToString(CultureInfo.InvariantCulture), plan.Name, plan.Price, plan.Currency, plan.Interval.ApiName());
}

/// <summary>A plan change entered for a future date.</summary>
public sealed record NextPlanResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("interval")] string Interval,
    [property: JsonPropertyName("from")] string From);

/// <summary>
/// A membership as <c>GET /api/memberships/{id}</c> returns it, and as every membership event's full payload (and
/// deleted_membership's snapshot) carries it. Dates are calendar days (yyyy-MM-dd) in the space's time zone.
/// </summary>
public sealed record MembershipResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("company")] string? Company,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("phone")] string? Phone,
    [property: JsonPropertyName("plan")] MembershipPlanResource Plan,
    [property: JsonPropertyName("next_plan")] NextPlanResource? NextPlan,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("confirmation_date")] string ConfirmationDate,
    [property: JsonPropertyName("confirmed_at")] string? ConfirmedAt,
    [property: JsonPropertyName("canceled_to")] string? CanceledTo,
    [property: JsonPropertyName("custom_fields")] IReadOnlyDictionary<string, string?> CustomFields,
    [property: JsonPropertyName("payment_method")] string PaymentMethod,
    [property: JsonPropertyName("time_passes")] int TimePasses,
    [property: JsonPropertyName("picture_url")] string? PictureUrl,
    [property: JsonPropertyName("url")] string Url)
{
    public const string Collection = "memberships";

    /// <summary>The same object as a JSON node, for event payloads.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();

    internal static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string StatusName(MembershipStatus status) => status switch
    {
        MembershipStatus.Pending => "pending",
        MembershipStatus.Canceling => "canceling",
        MembershipStatus.Ended => "ended",
        _ => "active",
    };
}

/// <summary>Builds <see cref="MembershipResource"/>s inside a unit of work (events) or for a read (API).</summary>
internal static class MembershipResources
{
    public static async Task<MembershipResource> BuildAsync(AppDbContext db, Membership m, PublicUrls urls, CancellationToken ct)
    {
        var planIds = new[] { m.PlanId, m.NextPlanId ?? m.PlanId };
        var plans = await PlansAsync(db, planIds, ct);
        var fields = await FieldNamesAsync(db, ct);
        return Build(m, plans, fields, await urls.BaseUrlAsync(ct));
    }

    public static async Task<EasySpace.Core.Events.EventSubject> SubjectAsync(AppDbContext db, Membership m, PublicUrls urls, CancellationToken ct) =>
        new(m.Id.ToString(CultureInfo.InvariantCulture), m.Name, (await BuildAsync(db, m, urls, ct)).ToJson());

    public static async Task<Dictionary<long, Plan>> PlansAsync(AppDbContext db, IEnumerable<long> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        // Tracked plans first: the unit of work may hold one that is not saved yet.
        var plans = db.Set<Plan>().Local.Where(p => wanted.Contains(p.Id)).ToDictionary(p => p.Id);
        var missing = wanted.Where(id => !plans.ContainsKey(id)).ToList();
        if (missing.Count > 0)
            foreach (var p in await db.Set<Plan>().AsNoTracking().Where(p => missing.Contains(p.Id)).ToListAsync(ct))
                plans[p.Id] = p;
        return plans;
    }

    public static Task<List<string>> FieldNamesAsync(AppDbContext db, CancellationToken ct) =>
        db.Set<CustomFieldDefinition>().AsNoTracking().OrderBy(f => f.Position).ThenBy(f => f.Id).Select(f => f.Name).ToListAsync(ct);

    public static MembershipResource Build(Membership m, IReadOnlyDictionary<long, Plan> plans, IReadOnlyList<string> fieldNames, string baseUrl)
    {
        var id = m.Id.ToString(CultureInfo.InvariantCulture);
        var url = $"{baseUrl}/api/{MembershipResource.Collection}/{id}";
        var plan = plans[m.PlanId];
        NextPlanResource? next = null;
        if (m.NextPlanId is { } nextId && m.NextPlanFrom is { } from && plans.TryGetValue(nextId, out var nextPlan))
            next = new(nextPlan.Id.ToString(CultureInfo.InvariantCulture), nextPlan.Name, nextPlan.Price, nextPlan.Currency,
                nextPlan.Interval.ApiName(), MembershipResource.Day(from));
        var custom = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in fieldNames) custom[name] = m.CustomFields.TryGetValue(name, out var v) ? v : null;
        return new MembershipResource(
            id, m.Name, m.Email, m.Company, m.Address, m.Phone,
            MembershipPlanResource.Of(plan), next,
            MembershipResource.StatusName(m.Status),
            MembershipResource.Day(m.ConfirmationDate),
            m.IsConfirmed ? MembershipResource.Day(m.ConfirmationDate) : null,
            m.CanceledTo is { } to ? MembershipResource.Day(to) : null,
            custom,
            m.PaymentMethod.ApiName(),
            m.TimePasses,
            m.HasPicture ? $"{url}/picture?v={m.PictureVersion}" : null,
            url);
    }
}
