namespace EasySpace.Core.Payments;

/// <summary>
/// Stripe counts money in the currency's smallest unit: cents for EUR, but whole yen for JPY (zero-decimal) and
/// thousandths for KWD (three-decimal). Sending 12.00 JPY as 1200 would charge a hundred times too much.
/// </summary>
public static class StripeAmounts
{
    // docs.stripe.com/currencies#zero-decimal and #three-decimal
    private static readonly HashSet<string> ZeroDecimal =
        ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
    private static readonly HashSet<string> ThreeDecimal = ["BHD", "JOD", "KWD", "OMR", "TND"];

    private static decimal Factor(string currency)
    {
        var code = currency.Trim().ToUpperInvariant();
        return ZeroDecimal.Contains(code) ? 1m : ThreeDecimal.Contains(code) ? 1000m : 100m;
    }

    public static long ToMinor(decimal amount, string currency) =>
        (long)Math.Round(amount * Factor(currency), MidpointRounding.AwayFromZero);

    public static decimal FromMinor(long amount, string currency) => amount / Factor(currency);
}
