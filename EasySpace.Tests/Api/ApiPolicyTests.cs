using System.Security.Claims;
using EasySpace.Core.Identity;
using EasySpace.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Api;

/// <summary>
/// The endpoint helpers' policies, evaluated by the app's own authorization service for principals that the real
/// ApiToken handler makes from real tokens (no endpoint uses RequireAdmin yet: the subscriptions calls will).
/// </summary>
public class ApiPolicyTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData(Harness.AppHost.OwnerEmail, true)]
    [InlineData(ApiFixture.AdminEmail, true)]
    [InlineData(ApiFixture.MemberEmail, false)]
    public async Task RequireAdmin_lets_the_owner_and_admins_through_and_tells_a_member_why_not(string email, bool allowed)
    {
        var token = await app.CreateTokenAsync(email, ApiScopes.WriteSubscriptions);

        var (succeeded, message) = await AuthorizeAsync(token.Token, b => b.RequireAdmin());

        Assert.Equal(allowed, succeeded);
        if (!allowed) Assert.Equal("This call is for the owner and admins; this token's user is neither.", message);
    }

    [Fact]
    public async Task RequireScope_names_the_missing_scope_and_read_grants_read_scopes_only()
    {
        var reader = await app.CreateTokenAsync(ApiFixture.AdminEmail, ApiScopes.Read);

        Assert.True((await AuthorizeAsync(reader.Token, b => b.RequireScope(ApiScopes.ReadSubscriptions))).Succeeded);
        var write = await AuthorizeAsync(reader.Token, b => b.RequireScope(ApiScopes.WriteSubscriptions));
        Assert.False(write.Succeeded);
        Assert.Equal("This token lacks the write_subscriptions scope.", write.Message);
    }

    [Fact]
    public async Task The_principal_carries_id_email_roles_and_one_claim_per_scope()
    {
        var token = await app.CreateTokenAsync(ApiFixture.AdminEmail, ApiScopes.ReadAdmins, ApiScopes.WriteSubscriptions);

        var principal = await AuthenticateAsync(token.Token);

        Assert.Equal(await app.UserIdAsync(ApiFixture.AdminEmail), principal.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.Equal(ApiFixture.AdminEmail, principal.Identity?.Name);
        Assert.True(principal.IsInRole(Roles.Admin));
        Assert.Equal([ApiScopes.WriteSubscriptions, ApiScopes.ReadAdmins], principal.FindAll("scope").Select(c => c.Value));
    }

    [Fact]
    public void RequireScope_refuses_a_scope_that_is_not_in_the_catalogue()
    {
        Assert.Throws<ArgumentException>(() => new Conventions().RequireScope("write_everything"));
    }

    private async Task<(bool Succeeded, string? Message)> AuthorizeAsync(string token, Action<Conventions> require)
    {
        var conventions = new Conventions();
        require(conventions);
        var endpoint = new RouteEndpointBuilder(_ => Task.CompletedTask, RoutePatternFactory.Parse("/api/x"), 0);
        foreach (var convention in conventions.All) convention(endpoint);
        var policy = Assert.Single(endpoint.Metadata.OfType<AuthorizationPolicy>());
        Assert.Contains(ApiTokenDefaults.Scheme, policy.AuthenticationSchemes);

        var result = await app.Services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(await AuthenticateAsync(token), policy);
        return (result.Succeeded, result.Succeeded ? null : ApiAuthorization.ForbiddenMessage(result.Failure));
    }

    private async Task<ClaimsPrincipal> AuthenticateAsync(string token)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Headers.Authorization = $"Bearer {token}";
        var result = await http.AuthenticateAsync(ApiTokenDefaults.Scheme);
        Assert.True(result.Succeeded, result.Failure?.Message);
        return result.Principal!;
    }

    private sealed class Conventions : IEndpointConventionBuilder
    {
        public List<Action<EndpointBuilder>> All { get; } = [];
        public void Add(Action<EndpointBuilder> convention) => All.Add(convention);
    }
}
