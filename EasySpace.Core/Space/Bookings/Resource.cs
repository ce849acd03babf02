using System.Globalization;

namespace EasySpace.Core.Space.Bookings;

public enum ResourceKind
{
    Room = 0,
    Desk = 1,
}

/// <summary>A room or desk that members book by the hour.</summary>
public sealed class Resource
{
    public const int MaxNameLength = 100;
    public const int MaxCapacity = 1000;
    public const decimal MaxHourlyPrice = 100_000m;

    private Resource() { }

    public long Id { get; private set; }
    public string Name { get; private set; } = "";
    public ResourceKind Kind { get; private set; }
    /// <summary>How many people fit.</summary>
    public int Capacity { get; private set; }
    public decimal HourlyPrice { get; private set; }
    /// <summary>ISO 4217, e.g. "EUR".</summary>
    public string Currency { get; private set; } = "";
    /// <summary>Percent, e.g. 19.0.</summary>
    public decimal TaxRate { get; private set; }
    /// <summary>An archived resource keeps its bookings on record but takes no new ones.</summary>
    public DateTimeOffset? ArchivedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsArchived => ArchivedAt is not null;

    internal static Resource Create(ResourceDraft draft, DateTimeOffset at)
    {
        var resource = new Resource { CreatedAt = at };
        resource.Apply(draft, at);
        return resource;
    }

    internal void Update(ResourceDraft draft, DateTimeOffset at) => Apply(draft, at);

    internal void Archive(DateTimeOffset at)
    {
        ArchivedAt = at;
        UpdatedAt = at;
    }

    internal void Restore(DateTimeOffset at)
    {
        ArchivedAt = null;
        UpdatedAt = at;
    }

    /// <summary>What booking this resource for <paramref name="duration"/> costs, to the cent.</summary>
    public decimal PriceFor(TimeSpan duration) =>
        Math.Round(HourlyPrice * duration.Ticks / TimeSpan.TicksPerHour, 2, MidpointRounding.AwayFromZero);

    private void Apply(ResourceDraft draft, DateTimeOffset at)
    {
        Name = draft.Name.Trim();
        Kind = draft.Kind;
        Capacity = draft.Capacity!.Value;
        HourlyPrice = draft.HourlyPrice!.Value;
        Currency = draft.Currency.Trim().ToUpperInvariant();
        TaxRate = draft.TaxRate!.Value;
        UpdatedAt = at;
    }
}

/// <summary>What the Resources form hands in to add or edit a room or desk.</summary>
public sealed class ResourceDraft
{
    public string Name { get; set; } = "";
    public ResourceKind Kind { get; set; } = ResourceKind.Room;
    public int? Capacity { get; set; } = 1;
    public decimal? HourlyPrice { get; set; } = 0m;
    public string Currency { get; set; } = "";
    public decimal? TaxRate { get; set; } = 0m;

    public static ResourceDraft From(Resource r) => new()
    {
        Name = r.Name, Kind = r.Kind, Capacity = r.Capacity, HourlyPrice = r.HourlyPrice, Currency = r.Currency, TaxRate = r.TaxRate,
    };

    /// <summary>The checks that need no database; field names are the form's.</summary>
    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors();
        if (InputRules.RequiredText(Name, "a name", Resource.MaxNameLength) is { } name) errors.Add(nameof(Name), name);
        if (!Enum.IsDefined(Kind)) errors.Add(nameof(Kind), "Choose room or desk.");
        if (Capacity is null) errors.Add(nameof(Capacity), "Enter how many people fit.");
        else if (Capacity is < 1 or > Resource.MaxCapacity) errors.Add(nameof(Capacity), $"Capacity is 1 to {Resource.MaxCapacity.ToString("N0", CultureInfo.InvariantCulture)} people.");
        if (HourlyPrice is not { } price) errors.Add(nameof(HourlyPrice), "Enter an hourly price (0 for free).");
        else if (price < 0) errors.Add(nameof(HourlyPrice), "The hourly price cannot be negative.");
        else if (price > Resource.MaxHourlyPrice) errors.Add(nameof(HourlyPrice), $"The hourly price is at most {Resource.MaxHourlyPrice.ToString("N0", CultureInfo.InvariantCulture)}.");
        else if (decimal.Round(price, 2) != price) errors.Add(nameof(HourlyPrice), "Use at most two decimal places for the hourly price.");
        if (InputRules.CurrencyProblem(Currency) is { } currency) errors.Add(nameof(Currency), currency);
        if (TaxRate is not { } rate) errors.Add(nameof(TaxRate), "Enter a tax rate (0 for none).");
        else if (rate is < 0 or > 100) errors.Add(nameof(TaxRate), "The tax rate is 0 to 100 %.");
        else if (decimal.Round(rate, 3) != rate) errors.Add(nameof(TaxRate), "Use at most three decimal places for the tax rate.");
        return errors;
    }
}
