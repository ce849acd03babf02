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
    /// <summary>The form field and query parameter of RFC 6750 §2.2 and §2.3.</summary>
    public const string AccessTokenParameter = "access_token";
}

/// <summary>
/// The API token, from <c>Authorization: Bearer es_...</c> (preferred), an <c>access_token</c> form field (RFC 6750
/// §2.2; multipart forms too, as PHP clients send it) or an <c>access_token</c> query parameter (§2.3). Success makes a
/// principal with the token user's id, e-mail and roles and one <c>scope</c> claim per scope; a challenge answers 401
/// JSON with <c>WWW-Authenticate: Bearer</c>, never a redirect.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, new QuietLoggerFactory(logger), encoder)
{
    private const string BearerPrefix = "Bearer ";
    private Task<string?>? found;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (await TokenAsync() is not { } token) return AuthenticateResult.NoResult();
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

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // RFC 6750: a request without a token gets a bare challenge; a bad token is named as such.
        var (challenge, message) = await TokenAsync() is not null
            ? ("Bearer error=\"invalid_token\"", "This API token is not valid or has been revoked.")
            : string.IsNullOrWhiteSpace(Request.Headers.Authorization)
                ? ("Bearer", "Send an API token as 'Authorization: Bearer <token>'.")
                : ("Bearer", "Only bearer tokens are accepted: send 'Authorization: Bearer <token>'.");
        Response.Headers[HeaderNames.WWWAuthenticate] = challenge;
        await ApiError.WriteAsync(Context, StatusCodes.Status401Unauthorized, message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiError.WriteAsync(Context, StatusCodes.Status403Forbidden, "This token may not make this call.");

    /// <summary>The token this request carries, looked for once: the header, then a form field, then the query.</summary>
    private Task<string?> TokenAsync() => found ??= FindTokenAsync(Request);

    private static async Task<string?> FindTokenAsync(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length > 0)
            return header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? NonEmpty(header[BearerPrefix.Length..]) : null;
        if (request.HasFormContentType)
        {
            try
            {
                var form = await ApiBodies.ReadFormAsync(request, request.HttpContext.RequestAborted);
                if (NonEmpty(form[ApiTokenDefaults.AccessTokenParameter].ToString()) is { } fromForm) return fromForm;
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
            {
                // A form that cannot be read carries no token; the caller gets the 401 that says how to send one.
            }
        }
        return NonEmpty(request.Query[ApiTokenDefaults.AccessTokenParameter].ToString());
    }

    private static string? NonEmpty(string value) => value.Trim() is { Length: > 0 } token ? token : null;

    /// <summary>
    /// The base handler writes "was not authenticated" and "was challenged" at Information for each request with a bad
    /// token; a flood of bad tokens must not flood the log, so this handler's routine lines are written at Debug.
    /// </summary>
    private sealed class QuietLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new QuietLogger(inner.CreateLogger(categoryName));
        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);
        public void Dispose() { } // the inner factory belongs to the host
    }

    private sealed class QuietLogger(ILogger inner) : ILogger
    {
        private static LogLevel Quiet(LogLevel level) => level == LogLevel.Information ? LogLevel.Debug : level;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);
        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(Quiet(logLevel));
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(Quiet(logLevel), eventId, state, exception, formatter);
    }
}
