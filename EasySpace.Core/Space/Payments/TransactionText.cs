using System.Globalization;

namespace EasySpace.Core.Space.Payments;

/// <summary>How a payment reads for a manager, the same on the transaction history, its CSV export and the invoice page.</summary>
public static class TransactionText
{
    public static string ProviderName(string provider) => provider switch
    {
        PaymentProviders.Manual => "Recorded by hand",
        PaymentProviders.Stripe => "Stripe",
        PaymentProviders.PayPal => "PayPal",
        _ => provider,
    };

    public static string StatusName(PaymentStatus status) => status switch
    {
        PaymentStatus.Succeeded => "Received",
        PaymentStatus.Failed => "Failed",
        PaymentStatus.PartiallyRefunded => "Partly refunded",
        _ => "Refunded",
    };

    public static string StatusText(PaymentRow row) =>
        row.Status == PaymentStatus.Failed && !string.IsNullOrEmpty(row.FailureReason) ? $"Failed: {row.FailureReason}" : StatusName(row.Status);

    /// <summary>Test or live money: a provider's test or sandbox payment moved no real money. A payment recorded by hand is neither.</summary>
    public static string Mode(PaymentRow row) => row.Provider == PaymentProviders.Manual ? "n/a" : row.IsTest ? "Test" : "Live";

    /// <summary>The provider's own page for this payment; none for money recorded by hand, whose reference is a note.</summary>
    public static string? ReferenceUrl(PaymentRow row) => row.ProviderReference is not { } reference ? null : row.Provider switch
    {
        // Stripe's dashboard keeps test payments under /test.
        PaymentProviders.Stripe => $"https://dashboard.stripe.com/{(row.IsTest ? "test/" : "")}payments/" + Uri.EscapeDataString(reference),
        PaymentProviders.PayPal => "https://www.paypal.com/activity/payment/" + Uri.EscapeDataString(reference),
        _ => null,
    };

    /// <summary>"1.234,50 EUR" in a German space, "1,234.50 EUR" in an American one: the space's country writes the number.</summary>
    public static string Money(decimal amount, string currency, CultureInfo culture) => $"{amount.ToString("N2", culture)} {currency}";

    /// <summary>
    /// The culture a space in <paramref name="country"/> writes numbers in: the country's own language where it has one
    /// (de-DE, fr-FR), else the first by name (en-US before es-US); the invariant culture for an unknown country.
    /// </summary>
    public static CultureInfo CultureOf(string? country)
    {
        if (string.IsNullOrWhiteSpace(country)) return CultureInfo.InvariantCulture;
        var code = country.Trim().ToUpperInvariant();
        return Cultures.TryGetValue(code, out var culture) ? culture : CultureInfo.InvariantCulture;
    }

    private static readonly Dictionary<string, CultureInfo> Cultures = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Where(c => c.Name.Split('-') is [_, { Length: 2 }])
        .GroupBy(c => c.Name[^2..].ToUpperInvariant())
        .ToDictionary(g => g.Key, g => g
            .OrderBy(c => c.TwoLetterISOLanguageName.Equals(g.Key, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .First());
}
