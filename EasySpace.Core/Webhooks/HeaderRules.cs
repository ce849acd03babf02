using System.Globalization;
using System.Text;

namespace EasySpace.Core.Webhooks;

/// <summary>The checks for the custom headers an endpoint sends with each webhook, each with the message a user reads.</summary>
public static class HeaderRules
{
    public const int MaxHeaders = 20;
    public const int MaxTotalBytes = 8 * 1024;

    /// <summary>Names EasySpace sets itself, or that belong to the HTTP connection rather than the message.</summary>
    public static IReadOnlySet<string> ReservedNames { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection",
    };

    /// <summary>Prefixes of the headers EasySpace sets on every delivery (Standard Webhooks and its own).</summary>
    public static IReadOnlyList<string> ReservedPrefixes { get; } = ["webhook-", "X-EasySpace-"];

    /// <summary>What is wrong with <paramref name="headers"/>, one message per problem; empty when they can be sent.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var problems = new List<string>();

        if (headers.Count > MaxHeaders)
            problems.Add($"An endpoint can have at most {MaxHeaders} custom headers; this one has {headers.Count}.");

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var reportedTwice = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var totalBytes = 0;
        foreach (var (rawName, rawValue) in headers)
        {
            var name = rawName ?? "";
            var value = rawValue ?? "";
            totalBytes += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);

            if (name.Length == 0)
            {
                problems.Add("Every custom header needs a name.");
                continue;
            }
            var shown = Shown(name);
            if (!IsToken(name))
            {
                problems.Add($"\"{shown}\" is not a valid header name. Use letters, digits and hyphens, without spaces or colons, e.g. X-Api-Key.");
                continue;
            }
            if (IsReserved(name))
                problems.Add($"{name} is set by EasySpace and cannot be overridden.");
            else if (!seen.Add(name) && reportedTwice.Add(name))
                problems.Add($"{name} is listed more than once. Give each header one value.");

            if (value.Any(c => c is '\r' or '\n' or '\0'))
                problems.Add($"The value of {name} cannot contain line breaks or NUL characters.");
            else if (value.Any(c => char.IsControl(c) && c != '\t'))
                problems.Add($"The value of {name} cannot contain control characters.");
            else if (value.Any(c => c > '\x7f'))
                problems.Add($"The value of {name} can contain only ASCII characters (no accents, emoji or other scripts).");
        }

        if (totalBytes > MaxTotalBytes)
            problems.Add($"Custom headers can take at most 8 KB in all (names and values together); these take {totalBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes.");

        return problems;
    }

    public static bool IsReserved(string name) =>
        ReservedNames.Contains(name) || ReservedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>RFC 9110 token: one or more tchar.</summary>
    public static bool IsToken(string name) => name.Length > 0 && name.All(IsTokenChar);

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    /// <summary>A name as it can be shown back: control characters as '?', and not endlessly long.</summary>
    private static string Shown(string name)
    {
        var safe = new string(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return safe.Length > 60 ? safe[..60] + "…" : safe;
    }

    /// <summary>Header names whose values are credentials: the delivery log shows that they were sent, not what they said.</summary>
    public static bool LooksSecret(string name) =>
        SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] SecretWords = ["auth", "token", "secret", "key", "password", "signature", "cookie", "session", "credential"];
}
