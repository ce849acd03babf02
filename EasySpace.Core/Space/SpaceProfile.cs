namespace EasySpace.Core.Space;

/// <summary>The coworking space this installation runs: one row, written at setup, changed on the Space settings page.</summary>
public sealed class SpaceProfile
{
    private SpaceProfile() { }

    public int Id { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>ISO 3166-1 alpha-2, e.g. "DE".</summary>
    public string Country { get; private set; } = "";
    /// <summary>ISO 4217, e.g. "EUR".</summary>
    public string Currency { get; private set; } = "";
    /// <summary>IANA time zone id, e.g. "Europe/Berlin".</summary>
    public string TimeZone { get; private set; } = "";
    /// <summary>Where the outside world reaches this box; absolute URLs in payloads start here.</summary>
    public string PublicBaseUrl { get; private set; } = "";
    /// <summary>What a day pass costs a member who buys it online, in <see cref="Currency"/>; 0 when passes are not sold online.</summary>
    public decimal DropInPrice { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static SpaceProfile Create(string name, string country, string currency, string timeZone, string publicBaseUrl, DateTimeOffset at)
    {
        var s = new SpaceSettings { Name = name, Country = country, Currency = currency, TimeZone = timeZone, PublicBaseUrl = publicBaseUrl }.Normalised();
        return new()
        {
            Id = 1,
            Name = s.Name,
            Country = s.Country,
            Currency = s.Currency,
            TimeZone = s.TimeZone,
            PublicBaseUrl = s.PublicBaseUrl,
            CreatedAt = at,
        };
    }

    /// <summary>
    /// Changes what the space is called, where it is, what it charges in, its clock and its public address. Refuses
    /// what the form would refuse (an unknown country, currency or time zone; an address that is not plain http(s)),
    /// so no caller can store a profile that payloads, invoices and the clock cannot use.
    /// </summary>
    /// <returns>Each field that changed, as "field: before → after", for the activity log; empty when nothing did.</returns>
    /// <exception cref="ArgumentException">A value breaks one of the rules above.</exception>
    public IReadOnlyList<string> ChangeSettings(SpaceSettings settings)
    {
        if (SpaceSettings.Problems(settings) is { IsEmpty: false } problems) throw new ArgumentException(problems.ToString(), nameof(settings));
        var next = settings.Normalised();
        var changes = new List<string>();
        void Track(string field, string before, string after)
        {
            if (before != after) changes.Add($"{field}: {before} → {after}");
        }
        Track("name", Name, next.Name);
        Track("country", Country, next.Country);
        Track("currency", Currency, next.Currency);
        Track("time zone", TimeZone, next.TimeZone);
        Track("public address", PublicBaseUrl, next.PublicBaseUrl);
        Track("day pass price", DropInPrice.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
            next.DropInPrice.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        (Name, Country, Currency, TimeZone, PublicBaseUrl, DropInPrice) = (next.Name, next.Country, next.Currency, next.TimeZone, next.PublicBaseUrl, next.DropInPrice);
        return changes;
    }

    public SpaceSettings Settings => new() { Name = Name, Country = Country, Currency = Currency, TimeZone = TimeZone, PublicBaseUrl = PublicBaseUrl, DropInPrice = DropInPrice };
}

/// <summary>What the Space settings form edits: the profile's fields a manager may change after setup.</summary>
public sealed class SpaceSettings
{
    public string Name { get; set; } = "";
    public string Country { get; set; } = "";
    public string Currency { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public string PublicBaseUrl { get; set; } = "";
    /// <summary>0 when day passes are not sold online.</summary>
    public decimal DropInPrice { get; set; }

    public const decimal MaxDropInPrice = 100_000m;

    /// <summary>Field errors keyed by property name, each in a manager's words; empty when the settings can be saved.</summary>
    public static ValidationErrors Problems(SpaceSettings s)
    {
        var errors = new ValidationErrors();
        void AddIf(string field, string? problem)
        {
            if (problem is not null) errors.Add(field, problem);
        }
        AddIf(nameof(Name), InputRules.RequiredText(s.Name, "the space's name", 100));
        AddIf(nameof(Country), InputRules.CountryProblem(s.Country));
        AddIf(nameof(Currency), InputRules.CurrencyProblem(s.Currency));
        AddIf(nameof(TimeZone), InputRules.TimeZoneProblem(s.TimeZone));
        AddIf(nameof(PublicBaseUrl), InputRules.BaseUrlProblem(s.PublicBaseUrl));
        if (s.DropInPrice < 0 || s.DropInPrice > MaxDropInPrice || decimal.Round(s.DropInPrice, 2) != s.DropInPrice)
            errors.Add(nameof(DropInPrice), $"Enter a price from 0 to {MaxDropInPrice:0} with at most two decimals; 0 means day passes are not sold online.");
        return errors;
    }

    internal SpaceSettings Normalised() => new()
    {
        Name = Name.Trim(),
        Country = Country.Trim().ToUpperInvariant(),
        Currency = Currency.Trim().ToUpperInvariant(),
        TimeZone = TimeZone.Trim(),
        PublicBaseUrl = PublicBaseUrl.Trim().TrimEnd('/'),
        DropInPrice = DropInPrice,
    };
}
