namespace EasySpace.Core.Identity;

/// <summary>
/// A bearer token for the REST API, owned by one user. Only the SHA-256 of the token is stored: the token itself is
/// shown once, when it is created, and cannot be recovered.
/// </summary>
public sealed class ApiToken
{
    public const int MaxNameLength = 100;
    public const int PrefixLength = 8;

    /// <summary>How stale <see cref="LastUsedAt"/> may get: a busy integration must not cost a write per request.</summary>
    public static readonly TimeSpan UsageResolution = TimeSpan.FromMinutes(1);

    private ApiToken() { }

    public long Id { get; private set; }
    /// <summary>The Identity user whose rights the token carries.</summary>
    public string UserId { get; private set; } = "";
    public string Name { get; private set; } = "";
    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 bytes.</summary>
    public string TokenHash { get; private set; } = "";
    /// <summary>The token's first characters, to tell tokens apart in lists (e.g. <c>es_Ab3xY</c>).</summary>
    public string Prefix { get; private set; } = "";
    public IReadOnlyList<string> Scopes { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? LastUsedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsRevoked => RevokedAt is not null;

    internal static ApiToken Issue(string userId, string name, string tokenHash, string prefix, IReadOnlyList<string> scopes, DateTimeOffset at) =>
        new()
        {
            UserId = userId,
            Name = name.Trim(),
            TokenHash = tokenHash,
            Prefix = prefix,
            Scopes = scopes.ToList(),
            CreatedAt = at,
        };

    /// <summary>Stops the token from authenticating, for good. Returns false when it was already revoked.</summary>
    public bool Revoke(DateTimeOffset at)
    {
        if (IsRevoked) return false;
        RevokedAt = at;
        return true;
    }

    /// <summary>
    /// Records a use. Returns false, changing nothing, when the last recorded use is less than
    /// <see cref="UsageResolution"/> old, so the caller knows whether there is anything to save.
    /// </summary>
    public bool MarkUsed(DateTimeOffset at)
    {
        if (LastUsedAt is { } last && at - last < UsageResolution) return false;
        LastUsedAt = at;
        return true;
    }

    /// <summary>Whether the token permits a call that needs <paramref name="scope"/>; see <see cref="ApiScopes.Grants"/>.</summary>
    public bool HasScope(string scope) => ApiScopes.Grants(Scopes, scope);
}
