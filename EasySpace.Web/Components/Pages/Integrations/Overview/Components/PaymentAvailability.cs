using System.Globalization;

namespace EasySpace.Web.Components.Pages.Integrations.Overview.Components;

/// <summary>
/// Where the payment providers take accounts, for the overview's cards. A small list kept by hand: Stripe's supported
/// countries as listed on https://stripe.com/global (checked late 2025; India is invitation-only there). PayPal serves
/// about 200 markets, so it is "most countries" rather than a list.
/// </summary>
public static class PaymentAvailability
{
    public static IReadOnlySet<string> StripeCountries { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "AE", "AT", "AU", "BE", "BG", "BR", "CA", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GH", "GI", "GR",
        "HK", "HR", "HU", "ID", "IE", "IN", "IT", "JP", "KE", "LI", "LT", "LU", "LV", "MT", "MX", "MY", "NG", "NL", "NO", "NZ",
        "PL", "PT", "RO", "SE", "SG", "SI", "SK", "TH", "US", "ZA",
    };

    public static bool StripeAvailableIn(string? country) => country is not null && StripeCountries.Contains(country);

    /// <summary>"Germany (DE)", or the code alone when this machine does not know the name.</summary>
    public static string CountryName(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return "your country";
        try
        {
            return $"{new RegionInfo(code).EnglishName} ({code.ToUpperInvariant()})";
        }
        catch (ArgumentException)
        {
            return code.ToUpperInvariant();
        }
    }
}
