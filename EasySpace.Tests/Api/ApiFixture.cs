using System.Net.Http.Headers;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Api;

/// <summary>A set-up space with an owner, an admin and a member, and a helper to issue real tokens.</summary>
public class ApiFixture : AppHost, IAsyncLifetime
{
    public const string AdminEmail = "admin@example.com";
    public const string MemberEmail = "member@example.com";

    public virtual async Task InitializeAsync()
    {
        await SetUpSpaceAsync();
        await AddUserAsync(AdminEmail, Roles.Admin);
        await AddUserAsync(MemberEmail, Roles.Member);
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    public ApiTokenService Tokens => Services.GetRequiredService<ApiTokenService>();

    public async Task<CreatedApiToken> CreateTokenAsync(string email, params string[] scopes)
    {
        var result = await Tokens.CreateAsync(email, "test token", scopes, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    public async Task<string> UserIdAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        return (await users.FindByEmailAsync(email))!.Id;
    }

    /// <summary>A client that sends <c>Authorization</c> as given (or none).</summary>
    public HttpClient ApiClient(string? scheme = null, string? parameter = null)
    {
        var client = NewClient();
        if (scheme is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, parameter);
        return client;
    }

    public HttpClient ApiClient(CreatedApiToken token) => ApiClient("Bearer", token.Token);
}
