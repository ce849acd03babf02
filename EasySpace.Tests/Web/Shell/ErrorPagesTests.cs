using System.Net;
using EasySpace.Tests.Harness;
using EasySpace.Tests.Web.Access;

namespace EasySpace.Tests.Web.Shell;

/// <summary>The 403 and 500 pages as the server sends them: a title for the tab, words a manager understands, a way back.</summary>
public class ErrorPagesTests(PageAccessFixture app) : IClassFixture<PageAccessFixture>
{
    /// <summary>A link (whatever the order of its attributes) to the app's root, the dashboard.</summary>
    private const string BackToTheDashboard = "<a\\b(?=[^>]*\\shref=\"/\")(?=[^>]*data-testid=\"back-to-dashboard\")";

    [Fact]
    public async Task A_restricted_section_says_so_in_its_title_and_text_and_links_back_to_the_dashboard()
    {
        // Tried: an admin without "Manage integrations" opens the webhooks page (Admins, also under Space Settings, opens fine).
        var client = await app.LoggedInClientAsync(PageAccessFixture.PlainAdmin);

        var response = await client.GetAsync("/settings/integrations/webhooks");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>Access denied</title>", html);
        Assert.Contains("This section is restricted", html);
        Assert.DoesNotContain("Space Settings pages", html);
        Assert.Matches(BackToTheDashboard, html);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/settings/admins")).StatusCode);
    }

    [Fact]
    public async Task The_error_page_has_a_title_and_links_back_to_the_dashboard()
    {
        var client = await app.LoggedInClientAsync(AppHost.OwnerEmail);

        var html = await client.GetStringAsync("/error/500");

        Assert.Contains("<title>Something went wrong</title>", html);
        Assert.Matches(BackToTheDashboard, html);
    }
}
