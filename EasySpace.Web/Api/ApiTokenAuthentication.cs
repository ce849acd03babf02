using System.Security.Claims;
using System.Text.Encodings.Web;
using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EasySpace.Web.Api;

public static class ApiTokenDefaults
{
    /// <summary>The authentication scheme of the REST API; pages keep Identity's cookie as the default scheme.</summary>
    public const string Scheme = "ApiToken";
    /// <summary>The id of the token a request came with (the rate limiter's key).</summary>
    public const string TokenIdClaim = "easyspace:api_token_id";
}

/// <summary>
/// <c>Authorization: Bearer es_...</c>. Success makes a principal with the token user's id, e-mail and roles and one
/// <c>scope</c> claim per scope; a challenge answers 401 JSON with <c>WWW-Authenticate: Bearer</c>, never a redirect.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken(Request) is not { } token) return AuthenticateResult.NoResult();
        var caller = await tokens.AuthenticateAsync(token, Context.RequestAborted);
        if (caller is null) return AuthenticateResult.Fail("This API token is not valid or has been revoked.");

        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, caller.UserId),
            new(ClaimTypes.Name, caller.Email),
            new(ApiTokenDefaults.TokenIdClaim, caller.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        claims.AddRange(caller.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(caller.Permissions.Select(p => new Claim(Permissions.ClaimType, p)));
        claims.AddRange(caller.Scopes.Select(s => new Claim(ApiScopes.ClaimType, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // RFC 6750: a request without a bearer token gets a bare challenge; a bad token is named as such.
        var header = Request.Headers.Authorization.ToString();
        var (challenge, message) = string.IsNullOrWhiteSpace(header)
            ? ("Bearer", "Send an API token as 'Authorization: Bearer <token>'.")
            : BearerToken(Request) is null
                ? ("Bearer", "Only bearer tokens are accepted: send 'Authorization: Bearer <token>'.")
                : ("Bearer error=\"invalid_token\"", "This API token is not valid or has been revoked.");
        Response.Headers[HeaderNames.WWWAuthenticate] = challenge;
        return ApiError.WriteAsync(Context, StatusCodes.Status401Unauthorized, message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiError.WriteAsync(Context, StatusCodes.Status403Forbidden, "This token may not make this call.");

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)) return null;
        var token = header[BearerPrefix.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
