using System.Globalization;

namespace EasySpace.Core.Space.Invoices;

/// <summary>
/// How the billing resources write numbers and dates, the way Cobot's payloads do: decimals as strings with at least
/// one decimal ("240.0", "19.5", "7.25"), instants as "2012/01/02 12:00:00 +0000", days as "2012/01/01".
/// </summary>
public static class BillingFormat
{
    public static string Decimal(decimal value) => value.ToString("0.0###########", CultureInfo.InvariantCulture);

    public static string Timestamp(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy'/'MM'/'dd HH':'mm':'ss '+0000'", CultureInfo.InvariantCulture);

    public static string? Timestamp(DateTimeOffset? at) => at is { } value ? Timestamp(value) : null;

    public static string Day(DateOnly day) => day.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture);

    public static string IsoDay(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>For people: "240.00 EUR".</summary>
    public static string Money(decimal value, string currency) => $"{value.ToString("N2", CultureInfo.InvariantCulture)} {currency}";
}
