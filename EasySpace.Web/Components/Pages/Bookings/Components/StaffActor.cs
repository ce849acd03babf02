using Microsoft.AspNetCore.Components.Authorization;

namespace EasySpace.Web.Components.Pages.Bookings.Components;

internal static class StaffActor
{
    /// <summary>Who is clicking, as the activity log names them (their e-mail address).</summary>
    public static async Task<string> ActorAsync(this AuthenticationStateProvider auth) =>
        (await auth.GetAuthenticationStateAsync()).User.Identity?.Name ?? "unknown";
}
