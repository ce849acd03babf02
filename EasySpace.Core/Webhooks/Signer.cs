using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EasySpace.Core.Webhooks;

/// <summary>
/// Standard Webhooks v1 signatures (https://www.standardwebhooks.com), as Svix and the
/// <c>standardwebhooks</c> libraries verify them.
/// <list type="bullet">
/// <item>A secret is <c>whsec_</c> + standard base64 (with padding) of 24 to 64 bytes; the HMAC key is those bytes.</item>
/// <item><c>webhook-signature</c> is <c>v1,</c> + base64 of HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}").</item>
/// <item>During a rotation the header carries the new secret's signature, a space, then the previous secret's.</item>
/// </list>
/// Signing runs on the delivery hot path: the key is decoded on the stack and the signed content is
/// assembled in a stack or pooled buffer, never as a string.
/// </summary>
public static class Signer
{
    public const string SecretPrefix = "whsec_";

    /// <summary>How many random bytes a generated secret holds.</summary>
    private const int NewSecretBytes = 32;
    private const int MinKeyBytes = 24;
    private const int MaxKeyBytes = 64;
    private const string SignaturePrefix = "v1,";
    private const int HashBase64Length = 44; // base64 of 32 bytes
    private const int SignatureLength = 3 + HashBase64Length;
    private const int StackLimit = 1024;
    private const string MaskDots = "••••••••";

    /// <summary>A fresh secret: <c>whsec_</c> + base64 of 32 bytes from the system's CSPRNG.</summary>
    public static string NewSecret()
    {
        Span<byte> key = stackalloc byte[NewSecretBytes];
        RandomNumberGenerator.Fill(key);
        var secret = SecretPrefix + Convert.ToBase64String(key);
        CryptographicOperations.ZeroMemory(key);
        return secret;
    }

    /// <summary>Null when <paramref name="secret"/> is usable; otherwise a sentence to show the person who typed it.</summary>
    public static string? SecretProblem(string? secret)
    {
        Span<byte> key = stackalloc byte[MaxKeyBytes];
        var problem = TryDecode(secret, key, out var written);
        CryptographicOperations.ZeroMemory(key[..written]);
        return problem;
    }

    /// <summary>The HMAC key a secret stands for (its decoded bytes).</summary>
    /// <exception cref="ArgumentException">The secret is not a valid <c>whsec_</c> secret.</exception>
    public static byte[] KeyOf(string secret)
    {
        Span<byte> key = stackalloc byte[MaxKeyBytes];
        var problem = TryDecode(secret, key, out var written);
        if (problem is not null) throw new ArgumentException(problem, nameof(secret));
        var copy = key[..written].ToArray();
        CryptographicOperations.ZeroMemory(key);
        return copy;
    }

    /// <summary><c>v1,</c> + base64 HMAC-SHA256 of "{messageId}.{timestamp}.{body}" under the secret's key.</summary>
    /// <param name="timestamp">Unix seconds, the value of the <c>webhook-timestamp</c> header.</param>
    /// <exception cref="ArgumentException">The secret is invalid or the message id is empty.</exception>
    public static string Sign(string secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> key = stackalloc byte[MaxKeyBytes];
        var keyLength = DecodeOrThrow(secret, key, nameof(secret));
        try
        {
            Span<char> signature = stackalloc char[SignatureLength];
            WriteSignature(key[..keyLength], messageId, timestamp, body, signature);
            return new string(signature);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// The <c>webhook-signature</c> header value: the secret's signature, then, while a rotation is under way
    /// (<paramref name="previousSecret"/> set and different), a space and the previous secret's signature.
    /// </summary>
    /// <exception cref="ArgumentException">A secret is invalid or the message id is empty.</exception>
    public static string SignatureHeader(string secret, string? previousSecret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var rotating = !string.IsNullOrEmpty(previousSecret) && !string.Equals(previousSecret, secret, StringComparison.Ordinal);
        if (!rotating) return Sign(secret, messageId, timestamp, body);

        Span<byte> key = stackalloc byte[MaxKeyBytes];
        Span<byte> previousKey = stackalloc byte[MaxKeyBytes];
        var keyLength = DecodeOrThrow(secret, key, nameof(secret));
        var previousKeyLength = DecodeOrThrow(previousSecret, previousKey, nameof(previousSecret));
        try
        {
            var content = SignedContentLength(messageId, timestamp, body.Length);
            byte[]? rented = null;
            Span<byte> buffer = content <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(content));
            try
            {
                var signed = buffer[..WriteSignedContent(messageId, timestamp, body, buffer)];
                Span<char> header = stackalloc char[SignatureLength * 2 + 1];
                WriteSignature(key[..keyLength], signed, header[..SignatureLength]);
                header[SignatureLength] = ' ';
                WriteSignature(previousKey[..previousKeyLength], signed, header[(SignatureLength + 1)..]);
                return new string(header);
            }
            finally
            {
                if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(previousKey);
        }
    }

    /// <summary>
    /// For display: <c>whsec_••••••••</c> and the secret's last 4 characters, enough to tell secrets apart
    /// without revealing them. A secret too short to spare 4 characters shows none.
    /// </summary>
    public static string Mask(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var body = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret.AsSpan(SecretPrefix.Length) : secret.AsSpan();
        // Showing 4 characters of a valid secret (≥ 32 characters) reveals at most 24 of its ≥ 192 bits.
        ReadOnlySpan<char> tail = body.Length >= 16 ? body[^4..] : [];
        return string.Concat(SecretPrefix, MaskDots, tail);
    }

    private static int DecodeOrThrow(string? secret, Span<byte> key, string parameter)
    {
        var problem = TryDecode(secret, key, out var written);
        if (problem is not null) throw new ArgumentException(problem, parameter);
        return written;
    }

    /// <summary>
    /// Decodes strictly, as the JavaScript libraries do: the standard base64 alphabet, correct padding,
    /// no whitespace. <paramref name="key"/> must hold <see cref="MaxKeyBytes"/>.
    /// </summary>
    private static string? TryDecode(string? secret, Span<byte> key, out int written)
    {
        written = 0;
        if (string.IsNullOrWhiteSpace(secret)) return "Enter a secret: whsec_ followed by base64.";
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length == SecretPrefix.Length)
            return "A secret starts with whsec_ followed by base64.";

        var encoded = secret.AsSpan(SecretPrefix.Length);
        if (encoded.Length % 4 != 0 || encoded.ContainsAnyExcept(Base64Characters) || !PaddingOnlyAtEnd(encoded))
            return "A secret starts with whsec_ followed by base64.";

        // Padding tells the exact length before decoding, so an oversized secret never touches the buffer.
        var length = encoded.Length / 4 * 3 - (encoded[^1] == '=' ? 1 : 0) - (encoded[^2] == '=' ? 1 : 0);
        if (length is < MinKeyBytes or > MaxKeyBytes) return "A secret must decode to 24 to 64 bytes.";

        if (!Convert.TryFromBase64Chars(encoded, key, out written) || written != length)
        {
            written = 0;
            return "A secret starts with whsec_ followed by base64.";
        }
        return null;
    }

    private static readonly SearchValues<char> Base64Characters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    private static bool PaddingOnlyAtEnd(ReadOnlySpan<char> encoded)
    {
        var firstPad = encoded.IndexOf('=');
        if (firstPad < 0) return true;
        return firstPad >= encoded.Length - 2 && !encoded[firstPad..].ContainsAnyExcept('=');
    }

    private static void WriteSignature(ReadOnlySpan<byte> key, string messageId, long timestamp, ReadOnlySpan<byte> body, Span<char> destination)
    {
        var content = SignedContentLength(messageId, timestamp, body.Length);
        byte[]? rented = null;
        Span<byte> buffer = content <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(content));
        try
        {
            WriteSignature(key, buffer[..WriteSignedContent(messageId, timestamp, body, buffer)], destination);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void WriteSignature(ReadOnlySpan<byte> key, ReadOnlySpan<byte> signedContent, Span<char> destination)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, signedContent, hash);
        SignaturePrefix.CopyTo(destination);
        Convert.TryToBase64Chars(hash, destination[SignaturePrefix.Length..], out _);
    }

    private static int SignedContentLength(string messageId, long timestamp, int bodyLength)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentOutOfRangeException.ThrowIfNegative(timestamp);
        return checked(Encoding.UTF8.GetByteCount(messageId) + 1 + 19 + 1 + bodyLength); // long.MaxValue has 19 digits
    }

    /// <summary>Writes "{messageId}.{timestamp}.{body}" as UTF-8; returns how many bytes.</summary>
    private static int WriteSignedContent(string messageId, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var at = Encoding.UTF8.GetBytes(messageId, destination);
        destination[at++] = (byte)'.';
        Utf8Formatter.TryFormat(timestamp, destination[at..], out var digits);
        at += digits;
        destination[at++] = (byte)'.';
        body.CopyTo(destination[at..]);
        return at + body.Length;
    }
}
