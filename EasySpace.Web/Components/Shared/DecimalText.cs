using System.Globalization;

namespace EasySpace.Web.Components.Shared;

/// <summary>
/// Reads a number as a manager types it: "12.50" and "12,50" are both twelve and a half, whichever country the space is
/// in. MudBlazor's numeric field read "199,99" as 19999 (the comma taken for a thousands separator) and anything it could
/// not read as the value it had before, which a save then stored: here what cannot be read is a problem to show, never a number.
/// </summary>
public static class DecimalText
{
    /// <summary>The number, or null for an empty text; or the problem, in words, when the text is not one number.</summary>
    public static (decimal? Value, string? Problem) Read(string? text)
    {
        var t = (text ?? "").Trim();
        if (t.Length == 0) return (null, null);
        var digits = t.StartsWith('-') ? t[1..] : t;
        var mark = digits.IndexOfAny(['.', ',']);
        if (digits.Length == 0 || !digits.All(c => char.IsAsciiDigit(c) || c is '.' or ',') || (mark >= 0 && digits.LastIndexOfAny(['.', ',']) != mark)
            || mark == 0 || mark == digits.Length - 1)
            return (null, "Type a number such as 12.50, without a currency sign or thousands separators.");
        // "1,234" is 1234 where a comma groups thousands and 1.234 where it marks decimals: ask rather than guess.
        if (mark > 0 && digits[mark] == ',' && digits.Length - mark - 1 == 3 && digits[0] != '0')
            return (null, $"Did you mean {digits.Replace(",", "")} or {digits[..mark]}.{digits[(mark + 1)..]}? Type it without the comma, or with a point for decimals.");
        return decimal.TryParse(t.Replace(',', '.'), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? (value, null)
            : (null, "That number is too large.");
    }
}
