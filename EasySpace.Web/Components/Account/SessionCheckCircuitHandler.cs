using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace EasySpace.Web.Components.Account;

/// <summary>
/// An open page checks its session before each thing the browser sends (a click, a keystroke, a navigation): once the
/// session has ended, the action is dropped and the browser goes to the login page.
/// </summary>
/// <remarks>
/// The checks of several messages run at once, but the messages go on in the order the browser sent them. Without that,
/// on PostgreSQL (where the check really waits for the database) a click could overtake the keystroke typed just
/// before it, and the form saw an empty box; or an acknowledgement of a re-render overtook a click meant for the element
/// it replaced, and the click was dropped.
/// </remarks>
internal sealed class SessionCheckCircuitHandler(
    AuthenticationStateProvider auth, NavigationManager navigation, IServiceScopeFactory scopes) : CircuitHandler
{
    private readonly Lock gate = new();
    private Task previousPassedOn = Task.CompletedTask;
    private bool ended;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var passedOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task before;
            lock (gate)
            {
                before = previousPassedOn;
                previousPassedOn = passedOn.Task;
            }
            Task? handling = null;
            try
            {
                var current = !ended && await IsCurrentAsync();
                await before;
                if (current && !ended)
                {
                    // Started before the next message may start: the renderer takes them in this order.
                    handling = next(context);
                }
                else if (!ended)
                {
                    ended = true;
                    navigation.NavigateTo($"Account/Login?returnUrl={Uri.EscapeDataString(navigation.Uri)}", forceLoad: true);
                }
            }
            finally
            {
                passedOn.TrySetResult();
            }
            if (handling is not null) await handling;
        };

    private async Task<bool> IsCurrentAsync()
    {
        var user = (await auth.GetAuthenticationStateAsync()).User;
        if (user.Identity?.IsAuthenticated != true) return true; // anonymous pages have no session to end
        await using var scope = scopes.CreateAsyncScope();     // a fresh DbContext: the stamp as it is now
        return await SessionStamp.IsCurrentAsync(scope.ServiceProvider, user);
    }
}
