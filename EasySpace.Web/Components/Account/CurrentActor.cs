using System.Security.Claims;
using EasySpace.Core.Webhooks;
using Microsoft.AspNetCore.Components.Authorization;

namespace EasySpace.Web.Components.Account;

/// <summary>
/// Who is acting, as the activity log and the things they create record them: the one rule for pages (through the
/// page's authentication state) and for the API (through the request's user, <see cref="Of"/>).
/// </summary>
public sealed class CurrentActor(AuthenticationStateProvider auth)
{
    /// <summary>Recorded when no one is signed in; every page that changes something asks for a login first, so the log should never show it.</summary>
    public static readonly Actor SignedOut = new("", "someone not signed in");

    public async Task<Actor> GetAsync() => Of((await auth.GetAuthenticationStateAsync()).User);

    /// <summary>The user's id and their e-mail (the login name; an API token's user is named the same way).</summary>
    public static Actor Of(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } id
            ? new Actor(id, user.FindFirstValue(ClaimTypes.Name) ?? user.FindFirstValue(ClaimTypes.Email) ?? "")
            : SignedOut;
}
