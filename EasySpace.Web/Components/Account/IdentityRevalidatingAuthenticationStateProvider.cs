using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace EasySpace.Web.Components.Account;

/// <summary>
/// Signs an idle open page out within a minute of its session ending; a page in use is checked before each action by
/// <see cref="SessionCheckCircuitHandler"/>.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(ILoggerFactory loggerFactory, IServiceScopeFactory scopeFactory)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        return await SessionStamp.IsCurrentAsync(scope.ServiceProvider, authenticationState.User);
    }
}
