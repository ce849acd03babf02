using System.Security.Claims;
using System.Text.Json.Serialization;
using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
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

        // An unknown API address answers JSON too, not the HTML 404 page.
        api.MapFallback(() => TypedResults.NotFound(ApiError.NotFound)).ExcludeFromDescription();

        app.MapEasySpaceApiDocs();
        return api;
    }

    internal static bool IsApiRequest(HttpRequest request) => request.Path.StartsWithSegments("/api");

    private static async Task<Results<Ok<AdminResource>, NotFound<ApiError>>> GetAdminAsync(string id, AdminDirectory admins, CancellationToken ct) =>
        await admins.FindAsync(id, ct) is { } admin ? TypedResults.Ok(admin) : TypedResults.NotFound(ApiError.NotFound);
}

/// <summary>An unexpected failure inside <c>/api</c> answers 500 JSON, not the HTML error page; pages fall through to it.</summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!ApiEndpoints.IsApiRequest(http.Request)) return false;
        logger.LogError(exception, "API request {Method} {Path} failed.", http.Request.Method, http.Request.Path);
        await ApiError.WriteAsync(http, StatusCodes.Status500InternalServerError, "Something went wrong on our side; the error is logged.");
        return true;
    }
}
