using System.Globalization;

namespace EasySpace.Core.Payments.Availability;

/// <summary>The answer to "does this provider serve that country / currency?", with the sentence a manager reads.</summary>
public sealed record Coverage(bool Served, string Reason);

/// <summary>Names for codes, as a manager reads them: "Germany (DE)", "EUR".</summary>
public static class Places
{
    /// <summary>"Germany (DE)", or the code alone when this machine does not know the name.</summary>
    public static string Country(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return "your country";
        var upper = code.Trim().ToUpperInvariant();
        try
        {
            return $"{new RegionInfo(upper).EnglishName} ({upper})";
        }
        catch (ArgumentException)
        {
            return upper;
        }
    }

    internal static string Normalise(string? code) => (code ?? "").Trim().ToUpperInvariant();
}

/// <summary>Whether a provider serves the space as it is set up: its country and its currency.</summary>
public sealed record SpaceCoverage(Coverage Country, Coverage Currency)
{
    public bool Served => Country.Served && Currency.Served;

    /// <param name="provider">A <see cref="Space.Payments.PaymentProviders"/> name: "stripe" or "paypal".</param>
    public static SpaceCoverage For(string provider, string? country, string? currency) => provider switch
    {
        Space.Payments.PaymentProviders.Stripe => new(StripeCoverage.ForCountry(country), StripeCoverage.ForCurrency(currency)),
        Space.Payments.PaymentProviders.PayPal => new(PayPalCoverage.ForCountry(country), PayPalCoverage.ForCurrency(currency, country)),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Only Stripe and PayPal have an availability table."),
    };
}
