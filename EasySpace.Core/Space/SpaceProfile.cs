namespace EasySpace.Core.Space;

/// <summary>The coworking space this installation runs: one row, written at setup.</summary>
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
    public DateTimeOffset CreatedAt { get; private set; }

    public static SpaceProfile Create(string name, string country, string currency, string timeZone, string publicBaseUrl, DateTimeOffset at) =>
        new()
        {
            Id = 1,
            Name = name.Trim(),
            Country = country.Trim().ToUpperInvariant(),
            Currency = currency.Trim().ToUpperInvariant(),
            TimeZone = timeZone.Trim(),
            PublicBaseUrl = publicBaseUrl.Trim().TrimEnd('/'),
            CreatedAt = at,
        };
}
