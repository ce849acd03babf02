using System.Security.Cryptography;
using System.Text;
using EasySpace.Core.Webhooks;

namespace EasySpace.Core.RequestInbox;

/// <summary>A webhook whose address is an inbox, with the secrets that may have signed what it sent.</summary>
internal sealed record SigningWebhook(string Name, string Secret, string? PreviousSecret);

/// <summary>
/// Checks a request as a receiver following Standard Webhooks would (see <see cref="Signer"/>): the three headers, a
/// timestamp close to the arrival, and a <c>v1,</c> signature in the header that one of the secrets produced.
/// </summary>
public static class InboxSignature
{
    /// <summary>The libraries' default: a timestamp further than this from the arrival is refused (a replay, or a clock off).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    internal static (SignatureVerdict Verdict, string? Webhook) Check(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body,
        IReadOnlyList<SigningWebhook> webhooks, DateTimeOffset arrivedAt)
    {
        if (webhooks.Count == 0) return (SignatureVerdict.NoWebhook, null);
        var named = webhooks[0].Name;
        if (!headers.TryGetValue("webhook-id", out var id) || string.IsNullOrEmpty(id)
            || !headers.TryGetValue("webhook-timestamp", out var stamp) || !long.TryParse(stamp, out var timestamp) || timestamp < 0
            || !headers.TryGetValue("webhook-signature", out var header) || string.IsNullOrWhiteSpace(header))
            return (SignatureVerdict.MissingHeaders, named);
        if (timestamp > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (arrivedAt - DateTimeOffset.FromUnixTimeSeconds(timestamp)).Duration() > Tolerance)
            return (SignatureVerdict.TimestampTooOld, named);

        var sent = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var webhook in webhooks)
            foreach (var secret in new[] { webhook.Secret, webhook.PreviousSecret }.OfType<string>())
            {
                var expected = Encoding.ASCII.GetBytes(Signer.Sign(secret, id, timestamp, body));
                if (sent.Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected)))
                    return (SignatureVerdict.Valid, webhook.Name);
            }
        return (SignatureVerdict.Mismatch, named);
    }
}
