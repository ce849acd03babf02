using System.Net;
using Quartz;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Web.Access;

public sealed class PageAccessFixture : AppHost, IAsyncLifetime
{
    public const string Member = "member@example.com";
    public const string PlainAdmin = "admin@example.com";
    public const string IntegrationsAdmin = "integrations@example.com";

    public async Task InitializeAsync()
    {
        await SetUpSpaceAsync();
        await AddUserAsync(Member, Roles.Member);
        await AddUserAsync(PlainAdmin, Roles.Admin);
        await AddUserAsync(IntegrationsAdmin, Roles.Admin, manageIntegrations: true);
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}

public class PageAccessTests(PageAccessFixture app) : IClassFixture<PageAccessFixture>
{
    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_the_login_page()
    {
        var response = await app.NewClient().GetAsync("/settings/integrations");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery.Replace(app.BaseAddress.ToString(), "/"), StringComparison.Ordinal);
        Assert.Contains("ReturnUrl=%2Fsettings%2Fintegrations", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task The_login_page_itself_is_open_to_anonymous_visitors()
    {
        var response = await app.NewClient().GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Log in", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(PageAccessFixture.Member)]
    [InlineData(PageAccessFixture.PlainAdmin)]
    public async Task Someone_without_ManageIntegrations_gets_a_friendly_403_on_the_integrations_pages(string email)
    {
        var client = await app.LoggedInClientAsync(email);

        foreach (var path in new[] { "/settings/integrations", "/settings/integrations/webhooks", "/settings/integrations/activity" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("This section is restricted", html);
        }
    }

    [Fact]
    public async Task A_member_gets_a_403_on_the_admin_pages_but_sees_the_dashboard()
    {
        var client = await app.LoggedInClientAsync(PageAccessFixture.Member);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/members")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData(AppHost.OwnerEmail)]
    [InlineData(PageAccessFixture.IntegrationsAdmin)]
    public async Task The_owner_and_an_admin_with_ManageIntegrations_open_the_integrations_pages(string email)
    {
        var client = await app.LoggedInClientAsync(email);

        var response = await client.GetAsync("/settings/integrations");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Integrations", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message_and_no_cookie()
    {
        var client = app.NewClient();
        var form = await client.GetStringAsync("/Account/Login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.Email"] = AppHost.OwnerEmail,
            ["Input.Password"] = "not-the-password",
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("do not match an account", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/settings/integrations")).StatusCode);
    }

    [Fact]
    public async Task Health_reports_the_database_and_the_scheduler()
    {
        var response = await app.NewClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"database\":{\"status\":\"healthy\"", json);
        Assert.Contains("\"state\":\"running\"", json);
    }

    [Fact]
    public async Task An_unknown_page_gets_a_404_page()
    {
        var client = await app.LoggedInClientAsync(AppHost.OwnerEmail);
        var response = await client.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("There is no page here", await response.Content.ReadAsStringAsync());
    }
}

public class BeforeSetupTests : IDisposable
{
    private readonly AppHost app = new();

    [Fact]
    public async Task Every_page_leads_to_setup_until_an_owner_exists()
    {
        var client = app.NewClient();
        foreach (var path in new[] { "/", "/settings/integrations", "/Account/Login", "/members" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/setup", response.Headers.Location!.OriginalString);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/setup")).StatusCode);
    }

    [Fact]
    public async Task Health_answers_before_setup()
    {
        var response = await app.NewClient().GetAsync("/health");
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {json}");
    }

    [Fact]
    public async Task Its_schedulers_run_by_the_time_the_app_answers()
    {
        _ = app.BaseAddress; // the app has started and listens
        var schedulers = await app.Get<ISchedulerFactory>().GetAllSchedulers();
        Assert.NotEmpty(schedulers);
        Assert.All(schedulers, s => Assert.Equal(SchedulerStatus.Running, s.Status));
    }

    public void Dispose() => app.Dispose();
}
