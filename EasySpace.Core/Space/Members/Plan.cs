namespace EasySpace.Core.Space.Members;

/// <summary>How often a plan is charged.</summary>
public enum PlanInterval
{
    Month = 0,
    Week = 1,
    Year = 2,
    /// <summary>Charged once (e.g. a 10-day pass).</summary>
    OneOff = 3,
}

public static class PlanIntervals
{
    /// <summary>The API's name: month, week, year, one_off.</summary>
    public static string ApiName(this PlanInterval interval) => interval switch
    {
        PlanInterval.Month => "month",
        PlanInterval.Week => "week",
        PlanInterval.Year => "year",
        _ => "one_off",
    };

    /// <summary>What a manager reads: "per month", "one-off".</summary>
    public static string Label(this PlanInterval interval) => interval switch
    {
        PlanInterval.Month => "per month",
        PlanInterval.Week => "per week",
        PlanInterval.Year => "per year",
        _ => "one-off",
    };
}

/// <summary>What a member pays for: a name, a price per interval. Members are on exactly one plan at a time.</summary>
public sealed class Plan
{
    private Plan() { }

    public long Id { get; private set; }
    public string Name { get; private set; } = "";
    public decimal Price { get; private set; }
    /// <summary>ISO 4217, e.g. "EUR"; the space's currency unless the manager chose another.</summary>
    public string Currency { get; private set; } = "";
    public PlanInterval Interval { get; private set; }
    /// <summary>Inactive plans stay on the members who have them but cannot be chosen for anyone new.</summary>
    public bool IsActive { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    internal static Plan Create(PlanDraft draft, DateTimeOffset at) => new Plan { CreatedAt = at }.Apply(draft, at);

    internal void Update(PlanDraft draft, DateTimeOffset at) => Apply(draft, at);

    private Plan Apply(PlanDraft draft, DateTimeOffset at)
    {
        Name = draft.Name.Trim();
        Price = draft.Price;
        Currency = draft.Currency.Trim().ToUpperInvariant();
        Interval = draft.Interval;
        IsActive = draft.IsActive;
        UpdatedAt = at;
        return this;
    }

    /// <summary>"120.00 EUR per month".</summary>
    public string PriceLabel => $"{Price:0.00} {Currency} {Interval.Label()}";
}
