using System.Net;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Web.Space;

/// <summary>Through the real login and policy: members get a welcome, not the space's figures.</summary>
public class DashboardAccessTests : IAsyncLifetime
{
    private readonly AppHost app = new();

    public Task InitializeAsync() => app.SetUpSpaceAsync();

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_member_sees_a_welcome_not_the_space_figures()
    {
        await app.AddUserAsync("m@example.com", EasySpace.Core.Identity.Roles.Member);
        var member = await app.LoggedInClientAsync("m@example.com");

        var response = await member.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Invoices to collect", html);
        Assert.DoesNotContain("dashboard-bookings", html);
        Assert.Contains("See and edit your membership", html);
    }
}
