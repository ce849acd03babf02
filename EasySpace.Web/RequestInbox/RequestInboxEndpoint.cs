using System.Globalization;
using System.Threading.RateLimiting;
using EasySpace.Core.RequestInbox;
using EasySpace.Web.Security;
using Microsoft.AspNetCore.RateLimiting;

namespace EasySpace.Web.RequestInbox;

/// <summary>
/// POST /inbox/{token}: anyone may send a request to an inbox (a receiver has no login), for when the box's address is
/// reachable from outside. 404 for a token no inbox has, 413 past <see cref="MaxBodyBytes"/>, 429 past
/// <see cref="RequestsPerMinute"/> from one address. The delivery engine does not come here: it is answered in-process.
/// </summary>
public static class RequestInboxEndpoint
{
    public const string Route = "/inbox/{token}";
    /// <summary>Read whole up to this, so the signature is checked on everything that was sent; only the first 64 KiB are kept.</summary>
    public const int MaxBodyBytes = 1024 * 1024;
    public const int RequestsPerMinute = 120;
    private const string Policy = "request-inbox";

    public static IServiceCollection AddRequestInboxEndpoint(this IServiceCollection services) =>
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(Policy, new PerAddressLimit()));

    public static void MapRequestInbox(this IEndpointRouteBuilder app) =>
        // Senders carry no cookie and no antiforgery token; the signature (shown, not enforced) is what proves the sender.
        app.MapPost(Route, ReceiveAsync).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(Policy);

    private static async Task<IResult> ReceiveAsync(string token, HttpContext http, RequestInboxReceiver receiver, CancellationToken ct)
    {
        if (!Inbox.IsTokenShaped(token)) return NotFound();
        var body = await http.Request.ReadLimitedAsync(MaxBodyBytes, ct);
        if (body is null)
            return Results.Json(new { error = $"The body is larger than {MaxBodyBytes / 1024 / 1024} MB; a request inbox takes webhooks, which are far smaller." },
                statusCode: StatusCodes.Status413PayloadTooLarge);
        // The session cookie of someone signed in to this box is the one thing here that must not be stored.
        var headers = http.Request.Headers.Where(h => !h.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return await receiver.ReceiveAsync(token, http.Request.Method, headers, body, ct)
            ? Results.Json(new { received = true })
            : NotFound();
    }

    private static IResult NotFound() => Results.Json(new { error = RequestInboxReceiver.NoSuchInbox }, statusCode: StatusCodes.Status404NotFound);

    /// <summary>A fixed window per client address, with its own JSON answer (the API's speaks of tokens).</summary>
    private sealed class PerAddressLimit : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, ct) =>
        {
            var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
            var response = context.HttpContext.Response;
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            await response.WriteAsJsonAsync(new { error = $"Too many requests: an inbox takes {RequestsPerMinute} a minute from one address. Try again in {wait} seconds." }, ct);
        };

        public RateLimitPartition<string> GetPartition(HttpContext http) =>
            RateLimitPartition.GetFixedWindowLimiter("inbox:" + http.Connection.RemoteIpAddress, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = RequestsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
    }
}
