using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Identity;

/// <summary>A token just made: the only moment the token itself exists outside its owner's hands.</summary>
public sealed class CreatedApiToken(string token, ApiToken entity)
{
    /// <summary>The bearer token, <c>es_</c> + 43 characters. Show it once; it is not stored.</summary>
    public string Token { get; } = token;
    public ApiToken Entity { get; } = entity;

    // Keeps the token out of logs and debugger summaries that print the object.
    public override string ToString() => $"API token {Entity.Prefix}… ({Entity.Name})";
}

/// <summary>Who an authenticated API request acts for.</summary>
/// <remarks>Roles and permissions are read from the database on each request, so a right taken away applies to the token at once.</remarks>
public sealed record ApiCaller(long TokenId, string TokenName, string UserId, string Email, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions, IReadOnlyList<string> Scopes);

/// <summary>A token as lists show it: never its hash, never the token.</summary>
public sealed record ApiTokenSummary(
    long Id, string Name, string Prefix, IReadOnlyList<string> Scopes, string UserId, string UserEmail,
    DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>Creates, checks, lists and revokes API tokens. Each call is one operation with its own DbContext.</summary>
public sealed class ApiTokenService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, ILogger<ApiTokenService> logger)
{
    public const string TokenPrefix = "es_";
    private const int MaxTokenLength = 256;
    private static readonly UpperInvariantLookupNormalizer Normalizer = new();

    /// <summary>
    /// Issues a token for the user with this e-mail address (or user id). The result carries the token once;
    /// only its SHA-256 is stored. Refused for an unknown user, no or unknown scopes, or a bad name.
    /// </summary>
    public async Task<Result<CreatedApiToken>> CreateAsync(string user, string name, IReadOnlyCollection<string> scopes, string actor, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (InputRules.RequiredText(name, "a name for the token", ApiToken.MaxNameLength) is { } nameProblem) errors.Add("Name", nameProblem);
        var wanted = ApiScopes.Normalise(scopes ?? []);
        if (wanted.Count == 0) errors.Add("Scopes", "Choose at least one scope.");
        foreach (var unknown in wanted.Where(s => !ApiScopes.Exists(s)))
            errors.Add("Scopes", $"Unknown scope '{Shorten(unknown)}'. Scopes are: {string.Join(", ", ApiScopes.All.Select(s => s.Name))}.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var owner = await FindUserAsync(db, user, ct);
        if (owner is null) errors.Add("User", "There is no account with this e-mail address.");
        if (!errors.IsEmpty) return errors;

        var token = TokenPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        var entity = ApiToken.Issue(owner!.Id, name, Hash(token), token[..ApiToken.PrefixLength], wanted, now);
        db.ApiTokens.Add(entity);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.ApiTokenCreated, entity.Name, now,
            $"for {owner.Email}; scopes {string.Join(' ', wanted)}; prefix {entity.Prefix}"));
        await db.SaveChangesAsync(ct); // one SaveChanges: the token and its log line land together or not at all
        return new CreatedApiToken(token, entity);
    }

    /// <summary>
    /// The caller a bearer token stands for, or null when the token is unknown or revoked. Records the use at most
    /// once per <see cref="ApiToken.UsageResolution"/>.
    /// </summary>
    public async Task<ApiCaller?> AuthenticateAsync(string token, CancellationToken ct = default)
    {
        // Anything that cannot be one of ours is refused without touching the database.
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength || !token.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hash = Hash(token);
        var entity = await db.ApiTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (entity is null || entity.IsRevoked) return null;
        var user = await db.Users.Where(u => u.Id == entity.UserId).Select(u => new { u.Id, u.Email }).FirstOrDefaultAsync(ct);
        if (user is null) return null;
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ur.UserId == user.Id
                           select r.Name!).ToListAsync(ct);
        var permissions = await db.UserClaims.Where(c => c.UserId == user.Id && c.ClaimType == Permissions.ClaimType)
            .Select(c => c.ClaimValue!).ToListAsync(ct);

        if (entity.MarkUsed(clock.GetUtcNow()))
        {
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException e)
            {
                // Bookkeeping only: a busy database must not turn a valid request into an error.
                logger.LogWarning(e, "Could not record the use of API token {TokenId}.", entity.Id);
            }
        }
        return new ApiCaller(entity.Id, entity.Name, user.Id, user.Email ?? "", roles, permissions, entity.Scopes);
    }

    /// <summary>Every token, or one user's, newest first; revoked ones included (they show as revoked).</summary>
    public async Task<IReadOnlyList<ApiTokenSummary>> ListAsync(string? userId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = from t in db.ApiTokens.AsNoTracking()
                    join u in db.Users on t.UserId equals u.Id
                    where userId == null || t.UserId == userId
                    orderby t.CreatedAt descending, t.Id descending
                    select new { t, u.Email };
        return (await query.ToListAsync(ct))
            .Select(x => new ApiTokenSummary(x.t.Id, x.t.Name, x.t.Prefix, x.t.Scopes, x.t.UserId, x.Email ?? "",
                x.t.CreatedAt, x.t.LastUsedAt, x.t.RevokedAt))
            .ToList();
    }

    /// <summary>Revokes a token for good; it stops authenticating with the next request.</summary>
    public async Task<Result<ApiToken>> RevokeAsync(long id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null) return new ValidationErrors().Add("", "There is no API token with this id.");
        var now = clock.GetUtcNow();
        if (!token.Revoke(now)) return new ValidationErrors().Add("", "This API token is already revoked.");
        var email = await db.Users.Where(u => u.Id == token.UserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.ApiTokenRevoked, token.Name, now, $"for {email}; prefix {token.Prefix}"));
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 bytes: what <see cref="ApiToken.TokenHash"/> holds.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static async Task<AppUser?> FindUserAsync(AppDbContext db, string? user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(user)) return null;
        var key = user.Trim();
        var normalised = Normalizer.NormalizeEmail(key);
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == key || u.NormalizedEmail == normalised, ct);
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
