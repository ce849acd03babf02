namespace EasySpace.Core.Payments.Availability;

/// <summary>
/// Where a Stripe account can take payments, and the currencies it charges in. Data, kept by hand: Stripe answers
/// the final word when the account is verified, this table lets the manager know before.
/// </summary>
public static class StripeCoverage
{
    // Taken 2026-12-01 from https://stripe.com/global ("Stripe is available to businesses in 46 countries"):
    // India and Indonesia are listed there as preview (invitation only); they count among the 46.
    private static readonly HashSet<string> Countries = new(StringComparer.Ordinal)
    {
        "AE", "AT", "AU", "BE", "BG", "BR", "CA", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR",
        "GB", "GI", "GR", "HK", "HR", "HU", "ID", "IE", "IN", "IT", "JP", "LI", "LT", "LU", "LV", "MT",
        "MX", "MY", "NL", "NO", "NZ", "PL", "PT", "RO", "SE", "SG", "SI", "SK", "TH", "US",
    };

    private static readonly HashSet<string> InvitationOnly = new(StringComparer.Ordinal) { "IN", "ID" };

    // Taken 2026-12-01 from https://docs.stripe.com/currencies (presentment currencies): the common ones, not all 135.
    private static readonly HashSet<string> Currencies = new(StringComparer.Ordinal)
    {
        "AED", "ARS", "AUD", "BGN", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK", "DKK", "EGP", "EUR", "GBP", "HKD",
        "HUF", "IDR", "ILS", "INR", "ISK", "JPY", "KES", "KRW", "MAD", "MXN", "MYR", "NGN", "NOK", "NZD", "PEN", "PHP",
        "PKR", "PLN", "QAR", "RON", "RSD", "SAR", "SEK", "SGD", "THB", "TRY", "TWD", "UAH", "USD", "VND", "XAF", "XOF", "ZAR",
    };

    /// <summary>
    /// Stripe's zero-decimal currencies (same page, "Zero-decimal currencies"): amounts go to Stripe in whole units,
    /// 500 JPY is 500, not 50000.
    /// </summary>
    public static IReadOnlySet<string> ZeroDecimalCurrencies { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    };

    public static IReadOnlyCollection<string> CountryCodes => Countries;

    public static Coverage ForCountry(string? country)
    {
        var code = Places.Normalise(country);
        if (!Countries.Contains(code))
            return new(false, $"Stripe does not take businesses based in {Places.Country(code)}: it serves {Countries.Count} countries. PayPal may be the choice here.");
        return InvitationOnly.Contains(code)
            ? new(true, $"Stripe serves {Places.Country(code)} by invitation only: ask Stripe for access before connecting.")
            : new(true, $"Stripe takes payments for businesses in {Places.Country(code)}.");
    }

    public static Coverage ForCurrency(string? currency)
    {
        var code = Places.Normalise(currency);
        if (!Currencies.Contains(code)) return new(false, $"Stripe does not charge in {code} in this list of its common currencies; check Stripe's currency page.");
        return ZeroDecimalCurrencies.Contains(code)
            ? new(true, $"Stripe charges in {code} (in whole units: {code} has no cents).")
            : new(true, $"Stripe charges in {code}.");
    }
}
