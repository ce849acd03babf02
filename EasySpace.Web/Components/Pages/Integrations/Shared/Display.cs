using System.Globalization;

namespace EasySpace.Web.Components.Pages.Integrations.Shared;

/// <summary>How the integrations pages write ages, rates, counts and durations (times of day: SpaceClock).</summary>
public static class Display
{
    /// <summary>"just now", "5 min ago", "3 h ago", "2 days ago".</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        if (span < TimeSpan.FromMinutes(1)) return "just now";
        if (span < TimeSpan.FromHours(1)) return $"{(int)span.TotalMinutes} min ago";
        if (span < TimeSpan.FromDays(1)) return $"{(int)span.TotalHours} h ago";
        var days = (int)span.TotalDays;
        return days == 1 ? "1 day ago" : $"{days} days ago";
    }

    public static string Percent(double? rate) =>
        rate is { } r ? (r * 100).ToString(r is > 0.99 and < 1 or > 0 and < 0.01 ? "0.0" : "0", CultureInfo.InvariantCulture) + " %" : "—";

    public static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Ms(int? ms) => ms switch
    {
        null => "—",
        >= 10_000 => (ms.Value / 1000.0).ToString("0", CultureInfo.InvariantCulture) + " s",
        >= 1000 => (ms.Value / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " s",
        _ => ms.Value.ToString(CultureInfo.InvariantCulture) + " ms",
    };
}
