using System.Security.Claims;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Api;
using EasySpace.Tests.Harness;
using EasySpace.Web.Components.Account;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Web.Access;

/// <summary>Who the activity log names for an action: the same answer on every page and in the API.</summary>
public class CurrentActorTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData(AppHost.OwnerEmail)]
    [InlineData(ApiFixture.AdminEmail)]
    public async Task A_signed_in_owner_or_admin_acts_under_their_id_and_email(string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email))!;
        // What the login cookie carries, handed to the page's authentication state as the framework does for a request.
        var principal = await scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>().CreateUserPrincipalAsync(user);
        SignIn(scope.ServiceProvider, principal);

        var actor = await scope.ServiceProvider.GetRequiredService<CurrentActor>().GetAsync();

        Assert.Equal(new Actor(user.Id, email), actor);
    }

    [Fact]
    public async Task A_signed_out_request_is_named_as_such_not_as_an_empty_name()
    {
        await using var scope = app.Services.CreateAsyncScope();
        SignIn(scope.ServiceProvider, new ClaimsPrincipal(new ClaimsIdentity()));

        var actor = await scope.ServiceProvider.GetRequiredService<CurrentActor>().GetAsync();

        Assert.Equal(CurrentActor.SignedOut, actor);
        Assert.Equal("someone not signed in", actor.Email);
    }

    [Fact]
    public async Task An_API_call_records_the_token_s_user_as_a_page_would()
    {
        var token = await app.CreateTokenAsync(AppHost.OwnerEmail, ApiScopes.WriteSubscriptions);
        var callback = $"https://crm.example.com/hooks/{Guid.NewGuid():N}";

        var response = await app.ApiClient(token).PostAsync("/api/subscriptions",
            new StringContent($$"""{"event": "confirmed_membership", "callback_url": "{{callback}}"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var endpoint = await db.Endpoints.SingleAsync(e => e.Url == callback);
        Assert.Equal(new Actor(await app.UserIdAsync(AppHost.OwnerEmail), AppHost.OwnerEmail), new Actor(endpoint.CreatedByUserId, endpoint.CreatedByEmail));
    }

    private static void SignIn(IServiceProvider services, ClaimsPrincipal principal) =>
        ((IHostEnvironmentAuthenticationStateProvider)services.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
}
