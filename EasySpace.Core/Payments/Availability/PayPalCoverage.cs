namespace EasySpace.Core.Payments.Availability;

/// <summary>
/// Where a PayPal business account can receive payments, and the currencies PayPal takes. PayPal serves about 200
/// markets, so the table lists the exceptions: where it has no service, and where accounts can send but not receive.
/// </summary>
public static class PayPalCoverage
{
    // PayPal offers no accounts here (sanctions, or it withdrew: Russia since March 2022). Taken 2026-12-01 from
    // https://www.paypal.com/webapps/mpp/country-worldwide (the markets it lists, these are not among them).
    private static readonly HashSet<string> NotServed = new(StringComparer.Ordinal) { "BD", "CU", "IR", "KP", "PK", "RU", "SY" };

    // "Send only": a PayPal account there can pay but cannot receive or withdraw money. Taken 2026-12-01 from
    // https://developer.paypal.com/docs/payouts/standard/reference/country-feature/ (the rows marked "Send only").
    private static readonly HashSet<string> SendOnly = new(StringComparer.Ordinal) { "AI", "AM", "AO", "AW", "AZ" };

    // PayPal's 25 currencies, taken 2026-12-01 from https://developer.paypal.com/api/rest/reference/currency-codes/.
    private static readonly HashSet<string> Currencies = new(StringComparer.Ordinal)
    {
        "AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "ILS", "INR", "JPY", "MXN", "MYR",
        "NOK", "NZD", "PHP", "PLN", "SEK", "SGD", "THB", "TWD", "USD",
    };

    /// <summary>Only an account registered in the currency's own country can take it (BRL: Brazil ...).</summary>
    private static readonly Dictionary<string, string> InCountryOnly = new(StringComparer.Ordinal)
    {
        ["BRL"] = "BR", ["CNY"] = "CN", ["INR"] = "IN", ["MYR"] = "MY",
    };

    /// <summary>PayPal refuses decimals in these (an amount of 10.50 HUF is an error).</summary>
    public static IReadOnlySet<string> ZeroDecimalCurrencies { get; } = new HashSet<string>(StringComparer.Ordinal) { "HUF", "JPY", "TWD" };

    public static IReadOnlyCollection<string> CurrencyCodes => Currencies;

    public static Coverage ForCountry(string? country)
    {
        var code = Places.Normalise(country);
        if (NotServed.Contains(code)) return new(false, $"PayPal offers no accounts in {Places.Country(code)}.");
        if (SendOnly.Contains(code)) return new(false, $"PayPal accounts in {Places.Country(code)} can pay but cannot receive payments.");
        return new(true, $"PayPal business accounts in {Places.Country(code)} can receive payments.");
    }

    /// <summary>Whether PayPal takes <paramref name="currency"/>; <paramref name="country"/> decides the in-country-only ones.</summary>
    public static Coverage ForCurrency(string? currency, string? country)
    {
        var code = Places.Normalise(currency);
        if (!Currencies.Contains(code)) return new(false, $"PayPal does not take {code}: it takes {Currencies.Count} currencies, such as EUR, USD and GBP.");
        if (InCountryOnly.TryGetValue(code, out var home) && home != Places.Normalise(country))
            return new(false, $"PayPal takes {code} only for accounts in {Places.Country(home)}.");
        return ZeroDecimalCurrencies.Contains(code)
            ? new(true, $"PayPal takes {code} (in whole units: PayPal refuses cents in {code}).")
            : new(true, $"PayPal takes {code}.");
    }
}
