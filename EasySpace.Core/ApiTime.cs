using System.Globalization;

namespace EasySpace.Core;

/// <summary>The time format of Cobot's API: <c>2017/01/01 12:00:00 +0000</c>, always UTC (API clients parse it; managers never read it).</summary>
public static class ApiTime
{
    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy'/'MM'/'dd HH':'mm':'ss '+0000'", CultureInfo.InvariantCulture);
}
