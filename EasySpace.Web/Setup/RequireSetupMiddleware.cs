using EasySpace.Core.Space;

namespace EasySpace.Web.Setup;

/// <summary>Until an owner exists every page leads to /setup; there is never a default account to log in with.</summary>
public sealed class RequireSetupMiddleware(RequestDelegate next, SetupService setup)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (IsAlwaysAllowed(path) || await setup.IsCompleteAsync(http.RequestAborted))
        {
            await next(http);
            return;
        }
        if (DependencyInjection.IsMachineCaller(http.Request))
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await http.Response.WriteAsJsonAsync(new { error = "EasySpace is not set up yet: open /setup or run the setup command." });
            return;
        }
        http.Response.Redirect("/setup");
    }

    private static bool IsAlwaysAllowed(PathString path) =>
        path.StartsWithSegments("/setup") || path.StartsWithSegments("/health") || path.StartsWithSegments("/error")
        || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content") || path.StartsWithSegments("/_blazor")
        || Path.HasExtension(path.Value);
}
