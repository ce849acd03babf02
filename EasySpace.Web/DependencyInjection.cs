using EasySpace.Core.Identity;
using EasySpace.Web.Api;
using EasySpace.Web.Components;
using EasySpace.Web.Components.Account;
using EasySpace.Web.Health;
using EasySpace.Web.Payments;
using EasySpace.Web.RequestInbox;
using EasySpace.Web.Security;
using EasySpace.Web.Setup;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using MudBlazor.Services;

namespace EasySpace.Web;

public static class DependencyInjection
{
    /// <summary>
    /// The host's options: a published app started from another folder (a service without a working directory) finds
    /// its css and scripts beside its binaries; looking for <c>wwwroot</c> in the working directory, it answered every
    /// one of them with an empty 200, and the pages came unstyled and dead.
    /// </summary>
    public static WebApplicationOptions HostOptions(string[] args, string? binaries = null, string? workingDirectory = null)
    {
        var published = Path.Combine(binaries ?? AppContext.BaseDirectory, "wwwroot");
        var here = Path.Combine(workingDirectory ?? Directory.GetCurrentDirectory(), "wwwroot");
        return new WebApplicationOptions
        {
            Args = args,
            WebRootPath = Directory.Exists(published) && !Directory.Exists(here) ? published : null,
        };
    }

    /// <summary>
    /// The root appsettings.json is found at the working directory when started with <c>dotnet run --project EasySpace.Web</c>
    /// from the repository root; from anywhere else the copy beside the binaries is read instead, at the same precedence
    /// (environment variables and command-line still override it).
    /// </summary>
    public static WebApplicationBuilder AddEasySpaceSettings(this WebApplicationBuilder builder)
    {
        // Development talks to receivers on this machine; as the lowest-precedence default, any setting still overrides it.
        if (builder.Environment.IsDevelopment())
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
            {
                InitialData = [new("Webhooks:AllowPrivateNetworks", "true")],
            });
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json"))) return builder;
        var sources = builder.Configuration.Sources;
        var index = sources.ToList().FindIndex(s => s is JsonConfigurationSource { Path: "appsettings.json" });
        var copy = new JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        };
        sources.Insert(index < 0 ? 0 : index + 1, copy); // ConfigurationManager reloads on insert
        return builder;
    }

    public static WebApplicationBuilder AddEasySpaceWeb(this WebApplicationBuilder builder)
    {
        // Static assets (MudBlazor's css/js) come from the build's manifest whatever the environment is.
        builder.WebHost.UseStaticWebAssets();

        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        // Confirmations appear at the bottom, where they don't cover a page's own buttons at the top.
        services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<CurrentActor>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, SessionCheckCircuitHandler>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.Cookie.Name = "EasySpace.Auth";
            o.Events.OnValidatePrincipal = SessionStamp.ValidateCookieAsync;
            o.Events.OnRedirectToLogin = ctx => Deny(ctx.HttpContext, StatusCodes.Status401Unauthorized, ctx.RedirectUri);
            o.Events.OnRedirectToAccessDenied = ctx => Deny(ctx.HttpContext, StatusCodes.Status403Forbidden, null);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Owner, Roles.Admin))
            .AddPolicy(Policies.ManageIntegrations, p => p.RequireAssertion(ctx => Permissions.AllowsManagingIntegrations(ctx.User)));

        services.AddEasySpaceSecurity(builder.Configuration);   // login limits, forwarded headers, Secure cookies
        services.AddEasySpaceApi(builder.Configuration);
        services.AddRequestInboxEndpoint();
        services.AddEasySpaceHealthChecks();
        return builder;
    }

    public static WebApplication UseEasySpace(this WebApplication app)
    {
        app.UseEasySpaceSecurity();          // the client's address, security headers, the hub's origin check
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler("/error/500", createScopeForErrors: true);
        // A page the user may not see answers 403 at its own address, rendered by the friendly error page.
        app.UseStatusCodePagesWithReExecute("/error/{0}", createScopeForStatusCodePages: true);
        app.UseMiddleware<RequireSetupMiddleware>();
        app.UseAuthentication();
        app.UseEasySpaceApi();               // /api: the bearer token is the user, errors are JSON
        app.UseRateLimiter();                // after the token is known (limits per token), before authorization (limits failures too)
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapEasySpaceHealth();
        app.MapEasySpaceApi();
        app.MapTransactionExport();
        app.MapPayPalWebhook();
        app.MapStripeWebhook();
        app.MapRequestInbox();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAccountEndpoints();
        return app;
    }

    /// <summary>Pages get the login page (anonymous) or a 403 page; API and health callers get a status code and no redirect.</summary>
    private static Task Deny(HttpContext http, int status, string? loginRedirect)
    {
        if (status == StatusCodes.Status401Unauthorized && loginRedirect is not null && !IsMachineCaller(http.Request))
        {
            http.Response.Redirect(loginRedirect);
            return Task.CompletedTask;
        }
        http.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    internal static bool IsMachineCaller(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/health");
}
