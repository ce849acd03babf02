using EasySpace.Tests.Api;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

[Collection(BrowserCollection.Name)]
public class ApiDocsPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly ApiFixture app = new();

    public Task InitializeAsync() => app.InitializeAsync();

    [Fact]
    public async Task The_API_reference_renders_offline_with_the_admin_read()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        var outside = new List<string>();
        // Anything not served by this box is recorded and refused, as it would be on a box without internet.
        await page.Context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" && !url.IsLoopback)
            {
                lock (outside) outside.Add(route.Request.Url);
                await route.AbortAsync();
            }
            else await route.ContinueAsync();
        });

        // The reference is one large script; with the whole suite running beside it the page's "load" once took over
        // 20 s (a clean-clone CI run). What matters is that it renders, so wait for the content, longer.
        await page.GotoAsync("/api/docs", new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });

        await Expect(page.GetByText("EasySpace API").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByText("/api/admins/{id}").First).ToBeVisibleAsync();
        await page.ScreenshotAsync("api-docs");
        Assert.Empty(outside);
    }

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }
}
