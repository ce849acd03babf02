using Microsoft.Playwright;

namespace EasySpace.Tests.Harness;

/// <summary>One headless Debian Chromium for the whole run, driven by Playwright; each test takes a fresh context.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>Where screenshots go for a person to look at; kept out of git.</summary>
    public static string ScreenshotDirectory { get; } = Directory.CreateDirectory(
        Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./test.sh, which installs Debian's chromium.");
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async Task<IPage> NewPageAsync(Uri baseAddress, int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(20_000);
        // Expectations poll until true; on a busy 2-core box a page (Scalar's API reference) once took over the default 5 s.
        Assertions.SetDefaultExpectTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

public static class PageExtensions
{
    /// <summary>Blazor pages render first without a circuit; typing before it connects would be lost.</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("[data-interactive=true]").WaitForAsync();

    /// <summary>Fills the login form the page shows and submits it.</summary>
    public static async Task LogInAsync(this IPage page, string email, string password)
    {
        await page.Locator("#Input\\.Email").FillAsync(email);
        await page.Locator("#Input\\.Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }

    public static ILocator ByTestId(this IPage page, string id) =>
        page.Locator($"[data-testid={id}] input, input[data-testid={id}], button[data-testid={id}]").First;

    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"), FullPage = true });

    /// <summary>
    /// Fails unless every step of the page's wizard (MudStepper) shows its whole title inside the window: not cut off by
    /// its own box, nor scrolled out of sight in the steps' row.
    /// </summary>
    public static async Task AssertStepTitlesReadableAsync(this IPage page, int width)
    {
        var titles = page.Locator(".mud-stepper-nav .mud-step-label-content-title");
        await Assertions.Expect(titles.First).ToBeVisibleAsync();
        foreach (var title in await titles.AllAsync())
        {
            var text = (await title.TextContentAsync())?.Trim();
            var box = await title.BoundingBoxAsync() ?? throw new InvalidOperationException($"The step \"{text}\" has no box.");
            var cut = await title.EvaluateAsync<bool>("t => t.scrollWidth > t.clientWidth || t.scrollHeight > t.clientHeight");
            Assert.True(!cut && box.X >= 0 && box.X + box.Width <= width,
                $"At {width} px the step \"{text}\" is {(cut ? "cut off" : "out of sight")}: it spans {box.X:0}–{box.X + box.Width:0} px.");
        }
    }

    /// <summary>Takes the screenshot <paramref name="name"/>, then fails when the page is wider than the window.</summary>
    public static async Task AssertNoSidewaysScrollAsync(this IPage page, string name, int width)
    {
        var problem = await SidewaysScrollAsync(page, name, width);
        Assert.True(problem is null, problem);
    }

    /// <summary>Takes the screenshot <paramref name="name"/>; says how the page scrolls sideways, or null when it does not.</summary>
    public static async Task<string?> SidewaysScrollAsync(this IPage page, string name, int width)
    {
        await page.ScreenshotAsync($"{name}-{width}");
        var widths = await page.EvaluateAsync<int[]>("[document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        return widths[0] <= widths[1] ? null : $"At {width} px {name} is {widths[0]} px wide: it scrolls sideways.";
    }
}
