using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace EasySpace.Web.Components.Account;

/// <summary>
/// An open page checks its session before each thing the browser sends (a click, a keystroke, a navigation): once the
/// session has ended, the action is dropped and the browser goes to the login page.
/// </summary>
internal sealed class SessionCheckCircuitHandler(
    AuthenticationStateProvider auth, NavigationManager navigation, IServiceScopeFactory scopes) : CircuitHandler
{
    private bool ended;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            if (!ended && await IsCurrentAsync())
            {
                await next(context);
                return;
            }
            if (ended) return;
            ended = true;
            navigation.NavigateTo($"Account/Login?returnUrl={Uri.EscapeDataString(navigation.Uri)}", forceLoad: true);
        };

    private async Task<bool> IsCurrentAsync()
    {
        var user = (await auth.GetAuthenticationStateAsync()).User;
        if (user.Identity?.IsAuthenticated != true) return true; // anonymous pages have no session to end
        await using var scope = scopes.CreateAsyncScope();     // a fresh DbContext: the stamp as it is now
        return await SessionStamp.IsCurrentAsync(scope.ServiceProvider, user);
    }
}
