using System.Globalization;
using System.Net.Mail;
using System.Text;

namespace EasySpace.Core;

/// <summary>The checks that several forms and verbs share, each with the message a user reads.</summary>
public static partial class InputRules
{
    public static string? EmailProblem(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return "Enter an e-mail address.";
        email = email.Trim();
        if (email.Length > 256) return "An e-mail address has at most 256 characters.";
        // A login that looks like another one would let someone pass for them.
        if (HiddenCharacterProblem(email, "an e-mail address") is { } hidden) return hidden;
        if (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !parsed.Host.Contains('.'))
            return "Enter an e-mail address like name@example.com.";
        return null;
    }

    /// <summary>
    /// Whether what was typed into a search can match anything stored. Nothing stored holds a NUL (the forms refuse
    /// control characters, and PostgreSQL's text cannot hold one), and PostgreSQL refuses a query that carries one.
    /// </summary>
    public static bool CanMatchStoredText(string typed) => !typed.Contains('\0');

    public static string? RequiredText(string? value, string what, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) return $"Enter {what}.";
        if (value.Trim().Length > maxLength) return $"{Capitalise(what)} has at most {maxLength} characters.";
        if (value.Any(char.IsControl)) return $"{Capitalise(what)} cannot contain control characters.";
        return HiddenCharacterProblem(value, what);
    }

    /// <summary>
    /// Names and webhook addresses refuse characters that are invisible or turn the text around (after U+202E
    /// "gpj.exe" reads "exe.jpg"): with them a name can look like another one. Every name field uses this rule.
    /// The joiner and the variation selectors that build one emoji out of several (👩‍💻, 🏳️‍🌈) pass where they sit inside
    /// an emoji sequence; the same characters anywhere else (Ac\u200Dme) are refused.
    /// </summary>
    public static string? HiddenCharacterProblem(string? value, string what)
    {
        var runes = (value ?? "").EnumerateRunes().ToArray();
        for (var i = 0; i < runes.Length; i++)
            if (IsHidden(runes[i]) && !BuildsEmoji(runes, i))
                return $"{Capitalise(what)} contains an invisible character or one that changes the direction of the text (U+{runes[i].Value:X4}). "
                    + "Such characters usually come with pasted text: delete that part and type it.";
        return null;
    }

    private const int ZeroWidthJoiner = 0x200D, CombiningKeycap = 0x20E3;

    /// <summary>Bidirectional overrides, embeddings and isolates, the characters that take no width, and the variation selectors.</summary>
    private static bool IsHidden(Rune r) => r.IsBmp && (char)r.Value is
        '\u00AD' or '\u034F' or '\u061C' or '\u115F' or '\u1160' or '\u180E' or '\u3164' or '\uFEFF' or '\uFFA0'
        or (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u206F') or (>= '\uFE00' and <= '\uFE0F');

    /// <summary>
    /// A joiner between two emoji, the first perhaps ending in a variation selector or a skin tone (🏳️‍🌈, 👩🏽‍💻); a
    /// variation selector after a symbol (☕️, ‼️) or in a keycap (1️⃣). After a letter or a space, or at the start, either hides.
    /// </summary>
    private static bool BuildsEmoji(Rune[] runes, int i)
    {
        Rune? before = i > 0 ? runes[i - 1] : null, after = i + 1 < runes.Length ? runes[i + 1] : null;
        if (IsVariationSelector(runes[i]))
            return after?.Value == CombiningKeycap
                || before is { } b && !Rune.IsLetterOrDigit(b) && !Rune.IsWhiteSpace(b) && !IsHidden(b) && Rune.GetUnicodeCategory(b) != UnicodeCategory.NonSpacingMark;
        if (runes[i].Value != ZeroWidthJoiner) return false;
        var start = i - 1;
        while (start >= 0 && IsVariationSelector(runes[start])) start--;
        return start >= 0 && (IsPictograph(runes[start]) || IsSkinTone(runes[start])) && after is { } a && IsPictograph(a);
    }

    private static bool IsVariationSelector(Rune r) => r.Value is >= 0xFE00 and <= 0xFE0F;

    private static bool IsSkinTone(Rune r) => r.Value is >= 0x1F3FB and <= 0x1F3FF;

    /// <summary>
    /// 👩, 💻, ♀, 🌈: .NET does not expose Unicode's Extended_Pictographic, but every emoji a joiner joins is an "other
    /// symbol" (So), never a letter, so a joiner between letters still counts as hidden.
    /// </summary>
    private static bool IsPictograph(Rune r) => Rune.GetUnicodeCategory(r) == UnicodeCategory.OtherSymbol;

    public static string? CountryProblem(string? country)
    {
        if (string.IsNullOrWhiteSpace(country)) return "Choose a country.";
        return Countries.Contains(country.Trim().ToUpperInvariant()) ? null : "Use a two-letter ISO country code, e.g. DE or US.";
    }

    public static string? CurrencyProblem(string? currency)
    {
        if (string.IsNullOrWhiteSpace(currency)) return "Choose a currency.";
        return Currencies.Contains(currency.Trim().ToUpperInvariant()) ? null : "Use a three-letter ISO currency code, e.g. EUR or USD.";
    }

    public static string? TimeZoneProblem(string? timeZone)
    {
        if (string.IsNullOrWhiteSpace(timeZone)) return "Choose a time zone.";
        timeZone = timeZone.Trim();
        // IANA names only ("Europe/Berlin", "UTC"): no paths ("../../etc") and no Windows names, which this box would
        // translate today but another box might not.
        return IanaZoneName().IsMatch(timeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _)
            ? null
            : "Use a time zone such as Europe/Berlin.";
    }

    public static string? BaseUrlProblem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return "Enter the address people use to reach this EasySpace.";
        url = url.Trim();
        if (url.Length > 2048) return "The address has at most 2,048 characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
            return "Enter a full http:// or https:// address, e.g. https://space.example.com.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "The address cannot contain a user name or password.";
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)) return "The address cannot have a query (?) or fragment (#).";
        return null;
    }

    /// <summary>Country codes the platform knows (ISO 3166-1 alpha-2).</summary>
    public static IReadOnlySet<string> Countries { get; } = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return new RegionInfo(c.Name).TwoLetterISORegionName; } catch (ArgumentException) { return null; } })
        .Where(r => r is { Length: 2 } && r.All(char.IsAsciiLetterUpper))
        .Select(r => r!)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Currency codes the platform knows (ISO 4217).</summary>
    public static IReadOnlySet<string> Currencies { get; } = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return new RegionInfo(c.Name).ISOCurrencySymbol; } catch (ArgumentException) { return null; } })
        .Where(r => r is { Length: 3 } && r.All(char.IsAsciiLetterUpper))
        .Select(r => r!)
        .ToHashSet(StringComparer.Ordinal);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$")]
    private static partial System.Text.RegularExpressions.Regex IanaZoneName();

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
