using System.Security.Claims;
using EasySpace.Core.Webhooks;
using Microsoft.AspNetCore.Components.Authorization;

namespace EasySpace.Web.Components.Pages.Integrations.Shared;

public static class CurrentUser
{
    /// <summary>The signed-in manager as the activity log and the endpoints they create record them.</summary>
    public static async Task<Actor> ActorAsync(this Task<AuthenticationState> state)
    {
        var user = (await state).User;
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        var email = user.FindFirstValue(ClaimTypes.Name) ?? user.FindFirstValue(ClaimTypes.Email) ?? "";
        return new Actor(id, email);
    }
}
