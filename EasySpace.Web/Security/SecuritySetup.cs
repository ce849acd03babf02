using System.Net;
using System.Security.Cryptography;
using EasySpace.Core;
using EasySpace.Core.Space;
using EasySpace.Web.Components.Account;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace EasySpace.Web.Security;

/// <summary>The <c>ForwardedHeaders</c> section of appsettings.json: the reverse proxies whose X-Forwarded-For/-Proto are believed.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. <c>127.0.0.1</c> for a Caddy on the same machine.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// What every response carries to protect the people using the app: the client's real address (for the login limits),
/// the security headers, Secure cookies and HSTS when the public address is https, and a Blazor hub only this app's pages
/// may connect to.
/// </summary>
public static class SecuritySetup
{
    private const string NonceKey = "EasySpace.CspNonce";
    private const string HttpsKey = "EasySpace.PublicAddressIsHttps";

    public static IServiceCollection AddEasySpaceSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LoginLimitOptions>().Bind(configuration.GetSection(LoginLimitOptions.Section))
            .Validate(o => o.FailuresPerAddress >= 1 && o.FailuresInTotal >= 1 && o.WindowMinutes >= 1,
                "Login:FailuresPerAddress, Login:FailuresInTotal and Login:WindowMinutes must each be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<LoginLimiter>();
        services.AddScoped<PasswordLogin>();

        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, settings) =>
        {
            var proxies = settings.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new();
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the proxies the settings name: by default ASP.NET Core also believes loopback.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the obsolete list still holds 127.0.0.0/8 and is still read
            o.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var proxy in proxies.KnownProxies)
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: \"{proxy}\" is not an IP address."));
            foreach (var network in proxies.KnownNetworks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed) ? parsed
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: \"{network}\" is not a network like 10.0.0.0/24."));
        });

        services.Configure<CookiePolicyOptions>(o =>
        {
            o.OnAppendCookie = c => c.CookieOptions.Secure |= PublicAddressIsHttps(c.Context);
            o.OnDeleteCookie = c => c.CookieOptions.Secure |= PublicAddressIsHttps(c.Context);
        });
        return services;
    }

    /// <summary>First in the pipeline: the error pages and the 429/403 answers get the headers too.</summary>
    public static WebApplication UseEasySpaceSecurity(this WebApplication app)
    {
        // With no proxy named the middleware would believe every caller's X-Forwarded-For, so it is left out.
        var forwarding = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (forwarding.KnownProxies.Count > 0 || forwarding.KnownIPNetworks.Count > 0) app.UseForwardedHeaders();
        app.Use(async (http, next) =>
        {
            var nonce = http.Items[NonceKey] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            var https = PublicAddressIsHttps(http);
            // Set as the response starts: the exception handler clears headers set before it.
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy((string)nonce);
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
                if (https) headers.StrictTransportSecurity = "max-age=31536000";
                return Task.CompletedTask;
            });
            if (http.Request.Path.StartsWithSegments("/_blazor") && !FromOwnOrigin(http))
            {
                // A page on another site could otherwise open a circuit with the visitor's login cookie (cross-site WebSocket hijacking).
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            await next(http);
        });
        app.UseCookiePolicy();
        return app;
    }

    /// <summary>The nonce this response's Content-Security-Policy allows inline scripts with (the import map, the API docs page).</summary>
    public static string Nonce(HttpContext http) => (string)http.Items[NonceKey]!;

    // Only what the app serves itself. style-src needs 'unsafe-inline': MudBlazor writes style="" attributes (positions,
    // colours) and the API docs page injects <style> elements; neither can carry a nonce. Scripts cannot run inline without the nonce.
    private static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Browsers send Origin with every WebSocket and fetch; a caller without one is not a page in a browser.</summary>
    private static bool FromOwnOrigin(HttpContext http)
    {
        if (http.Request.Headers.Origin is not [var origin]) return http.Request.Headers.Origin.Count == 0;
        var request = http.Request;
        if (string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase)) return true;
        return PublicBaseUrl(http) is { } publicUrl && Uri.TryCreate(publicUrl, UriKind.Absolute, out var address)
            && string.Equals(origin, address.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
    }

    private static bool PublicAddressIsHttps(HttpContext http)
    {
        if (http.Items[HttpsKey] is bool known) return known;
        var https = PublicBaseUrl(http)?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;
        http.Items[HttpsKey] = https;
        return https;
    }

    private static string? PublicBaseUrl(HttpContext http)
    {
        try
        {
            return http.RequestServices.GetRequiredService<PublicUrls>().BaseUrl();
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            // Not set up yet, or the database cannot be read (/health reports that): no https address to insist on.
            return null;
        }
    }
}
