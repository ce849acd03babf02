using System.Security.Cryptography;

namespace EasySpace.Core.Events;

/// <summary>The <c>webhook-id</c> of an event: one per event, the same for every endpoint, attempt and redelivery (as Svix's message ids).</summary>
public static class MessageIds
{
    private const string Prefix = "msg_";
    private const int TimeChars = 9;     // Unix milliseconds in base62, sortable (the alphabet is in ASCII order) until the year 400,000
    private const int RandomChars = 18;  // ≈ 107 random bits
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A new <c>webhook-id</c>: <c>msg_</c> + 27 base62 characters (ASCII letters and digits only), the time then the random part.</summary>
    public static string New() => New(DateTimeOffset.UtcNow);

    /// <summary>
    /// Time first, then randomness (like a KSUID): ids sort by creation, so the index on them takes each new one at its end
    /// instead of rewriting a random page of it for every commit.
    /// </summary>
    internal static string New(DateTimeOffset at) =>
        string.Create(Prefix.Length + TimeChars + RandomChars, at.ToUnixTimeMilliseconds(), static (chars, ms) =>
        {
            Prefix.CopyTo(chars);
            var time = chars.Slice(Prefix.Length, TimeChars);
            for (var i = time.Length - 1; i >= 0; i--, ms /= 62) time[i] = Base62[(int)(ms % 62)];
            RandomNumberGenerator.GetItems(Base62.AsSpan(), chars[(Prefix.Length + TimeChars)..]);
        });
}
