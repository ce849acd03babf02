using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace EasySpace.Web.Components.Account;

internal static class AccountEndpoints
{
    /// <summary>The one account action that is not a page: logging out is a POST with an antiforgery token.</summary>
    public static IEndpointConventionBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/Account/Logout", async (HttpContext http, IAntiforgery antiforgery, SignInManager<AppUser> signInManager, UserAdministration users) =>
        {
            // Checked here, not by form binding: a missing token must be a 400, not an exception.
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
            var returnUrl = (await http.Request.ReadFormAsync()).TryGetValue("ReturnUrl", out var value) ? value.ToString() : "";
            // Deleting the cookie in this browser is not enough: a copy of it must open nothing either.
            if (signInManager.UserManager.GetUserId(http.User) is { } userId) await users.EndSessionsAsync(userId);
            await signInManager.SignOutAsync();
            return Results.LocalRedirect($"~/{returnUrl.TrimStart('/')}");
        });
}
