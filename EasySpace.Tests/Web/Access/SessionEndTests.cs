using System.Net;
using System.Text.RegularExpressions;
using EasySpace.Core.Identity;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Web.Access;

public sealed class SessionEndFixture : AppHost, IAsyncLifetime
{
    public Task InitializeAsync() => SetUpSpaceAsync();
    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}

/// <summary>
/// Access ends when it is taken away: a session made before the change is refused at its very next request, with the
/// old cookie sent as it was (no timer, no clock moved).
/// </summary>
public class SessionEndTests(SessionEndFixture app) : IClassFixture<SessionEndFixture>
{
    private static int n;

    private async Task<AppUser> AddAdminAsync(bool manageIntegrations = false)
    {
        var email = $"admin{Interlocked.Increment(ref n)}@example.com";
        var result = await app.Get<UserAdministration>().AddAdminAsync(new NewAccount(email, AppHost.Password), manageIntegrations, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    private void AssertSentToLogin(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removed_admins_next_request_leads_to_the_login_page_and_does_nothing()
    {
        var admin = await AddAdminAsync();
        var client = await app.LoggedInClientAsync(admin.Email!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/members")).StatusCode);

        Assert.True((await app.Get<UserAdministration>().RemoveAdminAsync(admin.Id, AppHost.OwnerEmail)).Succeeded);

        AssertSentToLogin(await client.GetAsync("/members"));
        AssertSentToLogin(await client.GetAsync("/Account/Manage"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Granting_or_taking_away_ManageIntegrations_ends_the_admins_sessions(bool granted)
    {
        var admin = await AddAdminAsync(manageIntegrations: !granted);
        var client = await app.LoggedInClientAsync(admin.Email!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/members")).StatusCode);

        Assert.True((await app.Get<UserAdministration>().SetManageIntegrationsAsync(admin.Id, granted, AppHost.OwnerEmail)).Succeeded);

        AssertSentToLogin(await client.GetAsync("/members"));
        var again = await app.LoggedInClientAsync(admin.Email!);   // logging in again gives the session the new rights
        Assert.Equal(granted ? HttpStatusCode.OK : HttpStatusCode.Forbidden, (await again.GetAsync("/settings/integrations")).StatusCode);
    }

    [Fact]
    public async Task A_password_reset_by_an_admin_ends_the_members_sessions()
    {
        var plan = await app.Services.AddPlanAsync();
        var member = await app.Services.AddMemberAsync(plan.Id);
        var client = await app.LoggedInClientAsync(member.Membership.Email, member.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/me")).StatusCode);

        Assert.True((await app.Get<MemberAccounts>().ResetPasswordAsync(member.Membership.Id, AppHost.OwnerEmail)).Succeeded);

        AssertSentToLogin(await client.GetAsync("/me"));
    }

    [Fact]
    public async Task After_logout_a_copy_of_the_old_cookie_opens_nothing()
    {
        var admin = await AddAdminAsync();
        var cookies = new CookieContainer();
        var browser = await app.LogInAsync(NewClient(cookies), admin.Email!);
        var copied = cookies.GetCookieHeader(app.BaseAddress);   // what an attacker lifted from this browser
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(copied).GetAsync("/members")).StatusCode);

        var form = await browser.GetStringAsync("/Account/Login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        var logout = await browser.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["ReturnUrl"] = "",
        }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        AssertSentToLogin(await WithCookie(copied).GetAsync("/members"));
    }

    private HttpClient NewClient(CookieContainer cookies) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies, UseCookies = true }) { BaseAddress = app.BaseAddress };

    private HttpClient WithCookie(string cookieHeader)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", cookieHeader);
        return client;
    }
}
