using System.Security.Claims;
using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace EasySpace.Web.Components.Account;

/// <summary>
/// A session is good while its user exists and carries the security stamp the user has now. Removing a user, changing
/// their ManageIntegrations, a password reset or change and logging out all give the user a new stamp, so every
/// session made before ends at its next request or circuit action, not on a timer.
/// </summary>
internal static class SessionStamp
{
    public static async Task<bool> IsCurrentAsync(IServiceProvider services, ClaimsPrincipal principal)
    {
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        if (await users.GetUserAsync(principal) is not { } user) return false;
        return principal.FindFirstValue(stampClaim) is { Length: > 0 } stamp && stamp == await users.GetSecurityStampAsync(user);
    }

    /// <summary>The login cookie is checked on every request (Identity's own validator waits 30 minutes between checks).</summary>
    public static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is { Identity.IsAuthenticated: true } principal
            && !await IsCurrentAsync(context.HttpContext.RequestServices, principal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }
}
