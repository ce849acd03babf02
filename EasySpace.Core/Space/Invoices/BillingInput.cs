namespace EasySpace.Core.Space.Invoices;

/// <summary>The checks the billing and community forms share, each with the message a manager reads.</summary>
public static class BillingInput
{
    public static string? OptionalText(string? value, string what, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (value.Trim().Length > maxLength) return $"{Capitalise(what)} has at most {maxLength} characters.";
        if (value.Any(char.IsControl)) return $"{Capitalise(what)} cannot contain control characters.";
        return null;
    }

    /// <summary>Text that may span lines (an address, a description): line breaks and tabs are fine, other control characters are not.</summary>
    public static string? MultilineText(string? value, string what, int maxLength, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(value)) return required ? $"Enter {what}." : null;
        if (value.Trim().Length > maxLength) return $"{Capitalise(what)} has at most {maxLength} characters.";
        if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) return $"{Capitalise(what)} cannot contain control characters.";
        return null;
    }

    /// <summary>A money amount: from <paramref name="min"/> to <paramref name="max"/>, whole cents.</summary>
    public static string? Money(decimal value, string what, decimal min, decimal max)
    {
        if (value < min) return min == 0 ? $"{Capitalise(what)} cannot be negative." : $"{Capitalise(what)} must be at least {BillingFormat.Decimal(min)}.";
        if (value > max) return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Capitalise(what)} can be at most {max:N0}.");
        if (decimal.Round(value, 2) != value) return $"{Capitalise(what)} has at most two decimals (whole cents).";
        return null;
    }

    public static string? Rate(decimal value, string what)
    {
        if (value < 0) return $"{Capitalise(what)} cannot be negative.";
        if (value > 100) return $"{Capitalise(what)} can be at most 100 %.";
        if (decimal.Round(value, 2) != value) return $"{Capitalise(what)} has at most two decimals.";
        return null;
    }

    public static string? OptionalEmail(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : InputRules.EmailProblem(email);

    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static void AddIf(ValidationErrors errors, string field, string? problem)
    {
        if (problem is not null) errors.Add(field, problem);
    }

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
