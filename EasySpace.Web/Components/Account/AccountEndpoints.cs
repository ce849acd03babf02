using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace EasySpace.Web.Components.Account;

internal static class AccountEndpoints
{
    /// <summary>The one account action that is not a page: logging out is a POST with an antiforgery token.</summary>
    public static IEndpointConventionBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/Account/Logout", async (HttpContext http, IAntiforgery antiforgery, SignInManager<AppUser> signInManager) =>
        {
            // Checked here, not by form binding: a missing token must be a 400, not an exception.
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
            var returnUrl = (await http.Request.ReadFormAsync()).TryGetValue("ReturnUrl", out var value) ? value.ToString() : "";
            await signInManager.SignOutAsync();
            return Results.LocalRedirect($"~/{returnUrl.TrimStart('/')}");
        });
}
