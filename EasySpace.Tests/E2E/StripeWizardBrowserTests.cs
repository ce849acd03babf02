using EasySpace.Tests.Harness;

namespace EasySpace.Tests.E2E;

/// <summary>The Stripe wizard in a real browser, before any key is typed: what a manager sees first, on a phone too.</summary>
[Collection(BrowserCollection.Name)]
public class StripeWizardBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly AppHost app = new();

    public Task InitializeAsync() => app.SetUpSpaceAsync("Co-Up Berlin");

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task The_wizard_names_each_of_its_three_steps_in_full(int width, int height)
    {
        var page = await browser.NewPageAsync(app.BaseAddress, width, height);
        await page.GotoAsync("/Account/Login?ReturnUrl=%2Fsettings%2Fintegrations%2Fpayments%2Fstripe");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();

        await page.AssertNoSidewaysScrollAsync("stripe-wizard", width);
        await page.AssertStepTitlesReadableAsync(width);
    }
}
