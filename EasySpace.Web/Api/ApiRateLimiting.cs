using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EasySpace.Web.Api;

/// <summary>The <c>Api</c> section of appsettings.json.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Requests one token may make per minute (anonymous callers: per IP address); 0 turns the limit off.</summary>
    public int RequestsPerMinute { get; set; } = 600;
}

internal static class ApiRateLimiting
{
    public const string Policy = "api";

    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ApiOptions>(configuration.GetSection(ApiOptions.Section));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.RequestsPerMinute;
                // The API middleware has already put the token's principal (or nobody) on the request.
                var key = http.User.FindFirstValue(ApiTokenDefaults.TokenIdClaim) is { } tokenId
                    ? "token:" + tokenId
                    : "ip:" + http.Connection.RemoteIpAddress;
                return perMinute <= 0
                    ? RateLimitPartition.GetNoLimiter(key)
                    : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = perMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    });
            });
            o.OnRejected = (context, _) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 60;
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
                var limit = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.RequestsPerMinute;
                return new ValueTask(ApiError.WriteAsync(http, StatusCodes.Status429TooManyRequests,
                    $"Too many requests: a token may make {limit} requests a minute. Try again in {wait} seconds."));
            };
        });
        return services;
    }
}
