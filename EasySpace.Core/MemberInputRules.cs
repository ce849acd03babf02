using System.Globalization;

namespace EasySpace.Core;

/// <summary>The checks the member, plan and custom-field forms share, each with the message a manager reads.</summary>
public static class MemberInputRules
{
    public const int NameMax = 200;
    public const int CompanyMax = 200;
    public const int AddressMax = 1000;
    public const int PhoneMax = 40;
    public const int ReasonMax = 200;
    public const int CustomFieldNameMax = 50;
    public const int CustomFieldValueMax = 500;
    public const decimal PriceMax = 1_000_000m;
    public const int TimePassesPerChangeMax = 1000;

    /// <summary>
    /// A one-line name: required, no control characters. &lt; and &gt; pass, as in every other name field: every page and
    /// e-mail shows a name as text, never as markup.
    /// </summary>
    public static string? Name(string? value, string what, int max) =>
        string.IsNullOrWhiteSpace(value) ? $"Enter {what}." : OneLine(value, what, max);

    /// <summary>Optional one-line text (company, phone).</summary>
    public static string? OptionalLine(string? value, string what, int max) =>
        string.IsNullOrWhiteSpace(value) ? null : OneLine(value, what, max);

    /// <summary>Optional free text over several lines (an address): line breaks and tabs allowed, other control characters not.</summary>
    public static string? OptionalText(string? value, string what, int max)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (value.Trim().Length > max) return $"{Capitalise(what)} has at most {max:N0} characters.";
        if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) return $"{Capitalise(what)} cannot contain control characters.";
        return InputRules.HiddenCharacterProblem(value, what);
    }

    public static string? Phone(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (OneLine(value, "the phone number", PhoneMax) is { } problem) return problem;
        return value.Trim().All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '(' or ')' or '-' or '.' or '/')
            ? null
            : "A phone number has digits, spaces and + ( ) - . / only, e.g. +49 30 1234567.";
    }

    public static string? Price(decimal price)
    {
        if (price < 0) return "The price cannot be negative.";
        if (price > PriceMax) return $"The price is at most {PriceMax:N0}.";
        if (decimal.Round(price, 2) != price) return "The price has at most two decimal places.";
        return null;
    }

    /// <summary>Reads a date typed as yyyy-MM-dd (what a date input sends). Empty is no date.</summary>
    public static string? ParseDate(string? text, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            return "Enter a date like 2026-03-31.";
        date = parsed;
        return null;
    }

    /// <summary>Dates are kept within a sensible window, so a typo like 20266 is caught.</summary>
    public static string? DateInRange(DateOnly date, DateOnly today, string what)
    {
        if (date < today.AddYears(-10)) return $"{Capitalise(what)} is more than 10 years ago; check the year.";
        if (date > today.AddYears(10)) return $"{Capitalise(what)} is more than 10 years ahead; check the year.";
        return null;
    }

    private static string? OneLine(string value, string what, int max)
    {
        var trimmed = value.Trim();
        if (trimmed.Length > max) return $"{Capitalise(what)} has at most {max:N0} characters.";
        if (trimmed.Any(char.IsControl)) return $"{Capitalise(what)} cannot contain control characters or line breaks.";
        return InputRules.HiddenCharacterProblem(trimmed, what);
    }

    /// <summary>Trimmed, or null when blank: how optional text is stored.</summary>
    internal static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
