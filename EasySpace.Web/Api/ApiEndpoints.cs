using System.Security.Claims;
using System.Text.Json.Serialization;
using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EasySpace.Web.Api;

/// <summary>Every API error body: <c>{"error": "..."}</c>.</summary>
public sealed record ApiError([property: JsonPropertyName("error")] string Error)
{
    public static readonly ApiError NotFound = new("not found");

    public static Task WriteAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new ApiError(message));
    }
}

/// <summary>The REST API under <c>/api</c>: bearer tokens only, scopes per endpoint, JSON errors, a rate limit per token.</summary>
public static class ApiEndpoints
{
    public static IServiceCollection AddEasySpaceApi(this IServiceCollection services, IConfiguration configuration)
    {
        // Added beside Identity's cookies; the default scheme stays the cookie, so pages are unaffected.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenDefaults.Scheme, null);
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>());
        services.AddExceptionHandler<ApiExceptionHandler>();
        // The request lines of the hosting log carry the query string, where a client may put its access_token (RFC 6750
        // §2.3): they stay off whatever level the settings ask for, so a token never reaches the log.
        services.Configure<LoggerFilterOptions>(o => o.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));
        services.AddApiRateLimiting(configuration);
        services.AddEasySpaceApiDocs();
        return services;
    }

    /// <summary>
    /// For <c>/api</c> requests: JSON errors instead of the HTML status pages, and the bearer token (never the page's
    /// login cookie) as the request's user, so the rate limiter that follows can key by token.
    /// </summary>
    public static IApplicationBuilder UseEasySpaceApi(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (IsApiRequest(http.Request))
        {
            if (http.Features.Get<IStatusCodePagesFeature>() is { } statusPages) statusPages.Enabled = false;
            // The handler keeps its result for this request, so authorization does not look the token up again.
            var result = await http.AuthenticateAsync(ApiTokenDefaults.Scheme);
            http.User = result.Succeeded ? result.Principal! : new ClaimsPrincipal(new ClaimsIdentity());
        }
        await next(http);
    });

    /// <summary>Maps <c>/api</c>: every endpoint in the group needs a valid token and is rate limited. Returns the group.</summary>
    public static RouteGroupBuilder MapEasySpaceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api")
            .RequireAuthorization(new AuthorizationPolicyBuilder(ApiTokenDefaults.Scheme).RequireAuthenticatedUser().Build())
            .RequireRateLimiting(ApiRateLimiting.Policy);

        api.MapGet("/admins/{id}", GetAdminAsync)
            .RequireScope(ApiScopes.ReadAdmins).RequireAdmin()
            .WithName("GetAdmin").WithTags("Admins")
            .WithSummary("An admin or the owner of the space")
            .WithDescription("The URL in created_admin and deleted_admin payloads. For the owner's and admins' tokens only (a member's token gets 403); a member's id and unknown ids answer 404.");

        api.MapSubscriptions();
        api.MapMembers();
        api.MapBookings();
        api.MapBilling();
        api.MapEventTypes();

        // An unknown API address answers JSON too, not the HTML 404 page; a known one asked with another method, 405.
        api.MapFallback(NotFoundOrWrongMethod).ExcludeFromDescription();

        app.MapEasySpaceApiDocs();
        return api;
    }

    internal static bool IsApiRequest(HttpRequest request) => request.Path.StartsWithSegments("/api");

    /// <summary>
    /// The fallback takes every method, so routing never makes its own 405 here: it looks for the API routes this path
    /// matches (not the pages' catch-all ones) and names their methods in <c>Allow</c>.
    /// </summary>
    private static IResult NotFoundOrWrongMethod(HttpContext http, EndpointDataSource endpoints)
    {
        var path = http.Request.Path;
        var allowed = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true
                && e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null && Matches(e.RoutePattern, path))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
            .Distinct().Order(StringComparer.Ordinal).ToList();
        if (allowed.Count == 0) return TypedResults.NotFound(ApiError.NotFound);
        http.Response.Headers.Allow = string.Join(", ", allowed);
        return TypedResults.Json(new ApiError($"This address takes {string.Join(", ", allowed)}, not {http.Request.Method}."),
            statusCode: StatusCodes.Status405MethodNotAllowed);
    }

    private static bool Matches(RoutePattern pattern, PathString path) =>
        new TemplateMatcher(new RouteTemplate(pattern), new RouteValueDictionary()).TryMatch(path, new RouteValueDictionary());

    private static async Task<Results<Ok<AdminResource>, NotFound<ApiError>>> GetAdminAsync(string id, AdminDirectory admins, CancellationToken ct) =>
        await admins.FindAsync(id, ct) is { } admin ? TypedResults.Ok(admin) : TypedResults.NotFound(ApiError.NotFound);
}

/// <summary>An unexpected failure inside <c>/api</c> answers 500 JSON, not the HTML error page; pages fall through to it.</summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        // The error middleware has already pointed the request at the error page: the path asked for is in its feature.
        var path = http.Features.Get<IExceptionHandlerPathFeature>()?.Path is { } original ? new PathString(original) : http.Request.Path;
        if (!path.StartsWithSegments("/api")) return false;
        logger.LogError(exception, "API request {Method} {Path} failed.", http.Request.Method, path);
        await ApiError.WriteAsync(http, StatusCodes.Status500InternalServerError, "Something went wrong on our side; the error is logged.");
        return true;
    }
}

/// <summary>
/// Reading a request body: at most <see cref="MaxBytes"/> (an API request is a few hundred bytes), as JSON or as a form.
/// A body over the limit makes Kestrel throw <see cref="BadHttpRequestException"/> with 413 while it is read.
/// </summary>
internal static class ApiBodies
{
    public const int MaxBytes = 16 * 1024;

    public static string TooLargeMessage => $"The body is larger than {MaxBytes / 1024} KB.";

    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        Limit(request);
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, ct);
        return copy.ToArray();
    }

    /// <summary>
    /// The form of an <c>application/x-www-form-urlencoded</c> or <c>multipart/form-data</c> body, read once and kept
    /// on the request (the token handler may read it for an <c>access_token</c> field before the endpoint does).
    /// </summary>
    public static Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        Limit(request);
        return request.ReadFormAsync(ct);
    }

    private static void Limit(HttpRequest request)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxBytes;
    }
}
