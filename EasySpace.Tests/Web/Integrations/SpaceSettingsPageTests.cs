using Bunit;
using EasySpace.Core;
using EasySpace.Core.Data;
using EasySpace.Core.Space;
using EasySpace.Web.Components.Pages.Integrations.Payments;
using EasySpace.Web.Components.Pages.SpaceSettings;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Web.Integrations;

/// <summary>The Space settings page, and the Payments page saying where each provider serves the space.</summary>
public class SpaceSettingsPageTests : IntegrationsTest
{
    private IRenderedComponent<SpaceSettingsPage> RenderPage()
    {
        var page = Render<SpaceSettingsPage>();
        page.WaitForElement("[data-testid=settings-save]");
        return page;
    }

    public static TheoryData<string, string, string, string> BadInputs => new()
    {
        // tried                          field             typed                                   the message at the field
        { "an empty name",                "name",           "",                                     "Enter the space's name." },
        { "a country that does not exist", "country",       "XX",                                   "two-letter ISO country code" },
        { "an emoji currency",            "currency",       "🎉",                                   "three-letter ISO currency code" },
        { "a made-up time zone",          "time-zone",      "Mars/Olympus",                         "Use a time zone such as Europe/Berlin." },
        { "a path as the time zone",      "time-zone",      "../../etc",                            "Use a time zone such as Europe/Berlin." },
        { "an address with a password",   "base-url",       "https://admin:pw@space.example.com",   "cannot contain a user name or password" },
        { "an address that is not http", "base-url",        "ftp://space.example.com",              "Enter a full http:// or https:// address" },
        { "a negative day pass price",    "day-pass-price", "-5",                                   "Enter a price from 0 to 100000" },
        { "a price with three decimals",  "day-pass-price", "12.345",                               "with at most two decimals" },
        { "a price above the most",       "day-pass-price", "100000.01",                            "Enter a price from 0 to 100000" },
        { "a price with a currency sign", "day-pass-price", "€12",                                  "Type a number such as 12.50, without a currency sign" },
        { "a price with two marks",       "day-pass-price", "1.250,00",                             "Type a number such as 12.50, without a currency sign" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Each_bad_input_gets_a_message_at_its_field_and_nothing_is_saved(string tried, string field, string typed, string message)
    {
        var page = RenderPage();
        Type(page, $"settings-{field}", typed);

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.True(page.Find($"[data-testid=settings-{field}]").Closest(".mud-input-control")!.TextContent.Contains(message),
            $"{tried}: {page.Find($"[data-testid=settings-{field}]").Closest(".mud-input-control")!.TextContent}"));
        var saved = (await Get<SpaceSettingsService>().GetAsync())!;
        Assert.Equal(("Co-Up", "DE", "EUR", "UTC", "https://space.example.com"), (saved.Name, saved.Country, saved.Currency, saved.TimeZone, saved.PublicBaseUrl));
        await using var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.ActivityLog.AnyAsync(e => e.Action == "space.settings-changed"), tried);
    }

    [Fact]
    public async Task A_good_change_is_saved_logged_and_used_for_payload_urls_at_once()
    {
        var urls = Get<PublicUrls>();
        Assert.Equal("https://space.example.com", await urls.BaseUrlAsync());
        var page = RenderPage();
        Type(page, "settings-base-url", "https://desk.example.org");
        Type(page, "settings-time-zone", "Europe/Vienna");
        Type(page, "settings-country", "at");

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("Space settings saved.", Get<MudBlazor.ISnackbar>().ShownSnackbars.Select(s => s.Message)));
        Assert.Equal("https://desk.example.org/api/bookings/5", await urls.ApiUrlAsync("bookings", "5"));
        await using var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var entry = await db.ActivityLog.SingleAsync(e => e.Action == "space.settings-changed");
        Assert.Equal("country: DE → AT; time zone: UTC → Europe/Vienna; public address: https://space.example.com → https://desk.example.org", entry.Details);
        Assert.Equal(OwnerEmail, entry.Actor);
    }

    [Fact]
    public async Task A_day_pass_price_typed_with_a_decimal_comma_is_saved_as_typed()
    {
        // Before, "12,50" was saved as 1250.00.
        var page = RenderPage();
        Type(page, "settings-day-pass-price", "12,50");

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("Space settings saved.", Get<MudBlazor.ISnackbar>().ShownSnackbars.Select(s => s.Message)));
        Assert.Equal(12.50m, (await Get<SpaceSettingsService>().GetAsync())!.DropInPrice);
    }

    [Fact]
    public async Task A_day_pass_price_is_saved_and_logged()
    {
        var page = RenderPage();
        Assert.Equal("0.00", page.Find("[data-testid=settings-day-pass-price] input, input[data-testid=settings-day-pass-price]").GetAttribute("value"));
        Type(page, "settings-day-pass-price", "12.50");

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("Space settings saved.", Get<MudBlazor.ISnackbar>().ShownSnackbars.Select(s => s.Message)));
        Assert.Equal(12.50m, (await Get<SpaceSettingsService>().GetAsync())!.DropInPrice);
        await using var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal("day pass price: 0.00 → 12.50", (await db.ActivityLog.SingleAsync(e => e.Action == "space.settings-changed")).Details);
    }

    [Fact]
    public void The_time_zone_field_shows_the_time_there_now()
    {
        var page = RenderPage();
        Type(page, "settings-time-zone", "Asia/Tokyo");

        page.WaitForAssertion(() => Assert.Matches(@"It is \d\d:\d\d there now\.",
            page.Find("[data-testid=settings-time-zone]").Closest(".mud-input-control")!.TextContent));
    }

    [Fact]
    public void The_payments_page_says_both_providers_serve_a_space_in_Germany_charging_euros()
    {
        var page = Render<PaymentsPage>();

        var stripe = page.WaitForElement("[data-testid=availability-stripe]");
        Assert.Contains("Stripe takes payments for businesses in Germany (DE).", stripe.TextContent);
        Assert.Contains("Stripe charges in EUR.", stripe.TextContent);
        var paypal = page.Find("[data-testid=availability-paypal]");
        Assert.Contains("PayPal business accounts in Germany (DE) can receive payments.", paypal.TextContent);
        Assert.Equal("settings/space", paypal.QuerySelector("[data-testid=availability-settings-link]")!.GetAttribute("href"));
        Assert.Contains("PayPal or Stripe?", page.Find("[data-testid=provider-guidance]").TextContent);
    }

    [Fact]
    public async Task After_a_move_the_payments_page_says_which_provider_does_not_serve_the_space_and_why()
    {
        var settings = (await Get<SpaceSettingsService>().GetAsync())!;
        settings.Country = "AR";
        settings.Currency = "ARS";
        Assert.True((await Get<SpaceSettingsService>().SaveAsync(settings, OwnerEmail)).Succeeded);

        var page = Render<PaymentsPage>();

        var stripe = page.WaitForElement("[data-testid=availability-stripe]").TextContent;
        Assert.Contains("Stripe does not take businesses based in Argentina (AR)", stripe);
        var paypal = page.Find("[data-testid=availability-paypal]").TextContent;
        Assert.Contains("PayPal business accounts in Argentina (AR) can receive payments.", paypal);
        Assert.Contains("PayPal does not take ARS", paypal);
        Assert.Contains("Change them in Space settings", paypal);
    }
}
