using System.Security.Cryptography;

namespace EasySpace.Core.RequestInbox;

/// <summary>A place of this box that records every request sent to its address, so a manager can try a webhook before the real receiver exists.</summary>
public sealed class Inbox
{
    private Inbox() { }

    /// <summary>The last part of its address: 32 random URL-safe characters (192 bits), so nobody guesses it.</summary>
    public const int TokenLength = 32;
    public const int MaxNameLength = 100;

    public long Id { get; private set; }
    public string Name { get; private set; } = "";
    public string Token { get; private set; } = "";
    public string CreatedByEmail { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public static Inbox Create(string name, string by, DateTimeOffset now) => new()
    {
        Name = name.Trim(),
        Token = NewToken(),
        CreatedByEmail = by,
        CreatedAt = now,
    };

    /// <summary>Whether <paramref name="text"/> has the shape of a token (so only those reach the database).</summary>
    public static bool IsTokenShaped(ReadOnlySpan<char> text) =>
        text.Length == TokenLength && !text.ContainsAnyExcept(TokenCharacters);

    /// <summary>The inbox's address under the space's public base URL.</summary>
    public static string UrlOf(string baseUrl, string token) => $"{baseUrl}/inbox/{token}";

    private static string NewToken() => RandomNumberGenerator.GetString(TokenCharacters, TokenLength);

    private const string TokenCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}
