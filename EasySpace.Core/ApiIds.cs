using System.Globalization;

namespace EasySpace.Core;

/// <summary>The ids of the REST API's objects, for every feature that serves some.</summary>
public static class ApiIds
{
    /// <summary>API ids are the decimal digits of a positive number; anything else is simply not found.</summary>
    public static bool TryParse(string? id, out long key) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out key) && key > 0;
}
