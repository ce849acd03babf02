using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace EasySpace.Core.Payments.PayPal;

/// <summary>
/// OAuth2 access tokens per PayPal app, kept in memory until shortly before PayPal says they expire.
/// A singleton: the typed client is created per use, the tokens outlive it.
/// </summary>
public sealed class PayPalTokens(TimeProvider clock)
{
    // Renew this long before expiry, so a token never runs out between our check and PayPal's.
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> tokens = new();

    internal string? Get(Uri apiBase, PayPalAccount account) =>
        tokens.TryGetValue(Key(apiBase, account), out var kept) && clock.GetUtcNow() < kept.RenewAt ? kept.Token : null;

    internal void Keep(Uri apiBase, PayPalAccount account, string token, int expiresInSeconds)
    {
        var lifetime = TimeSpan.FromSeconds(expiresInSeconds);
        var margin = lifetime / 2 < Margin ? lifetime / 2 : Margin;
        tokens[Key(apiBase, account)] = (token, clock.GetUtcNow() + lifetime - margin);
    }

    /// <summary>Drops the token PayPal refused (and only that one: another call may already have renewed it).</summary>
    internal void Forget(Uri apiBase, PayPalAccount account, string token)
    {
        var key = Key(apiBase, account);
        if (tokens.TryGetValue(key, out var kept) && kept.Token == token) tokens.TryRemove(new(key, kept));
    }

    // The secret is part of the key (hashed), so new credentials for the same client id are checked, not served a stale token.
    private static string Key(Uri apiBase, PayPalAccount account) =>
        $"{apiBase} {account.ClientId} {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(account.Secret)))}";
}
