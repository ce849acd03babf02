using EasySpace.Core;
using EasySpace.Core.Data;
using EasySpace.Core.Space;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Core.Space;

/// <summary>Changing the space's settings after setup: what is checked, what is logged, and that it applies at once.</summary>
public class SpaceSettingsTests
{
    private static SpaceSettings Valid => new()
    {
        Name = "Co-Up", Country = "DE", Currency = "EUR", TimeZone = "UTC", PublicBaseUrl = "https://space.example.com",
    };

    [Fact]
    public async Task A_new_public_address_makes_the_next_payload_url_at_once()
    {
        await using var core = await CoreHost.StartAsync();
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
        var urls = core.Get<PublicUrls>();
        Assert.Equal("https://space.example.com/api/bookings/1", await urls.ApiUrlAsync("bookings", "1"));   // now remembered

        var settings = Valid;
        settings.PublicBaseUrl = "https://desk.example.org/";
        (await core.Get<SpaceSettingsService>().SaveAsync(settings, "owner@example.com")).Ok();

        Assert.Equal("https://desk.example.org/api/bookings/1", await urls.ApiUrlAsync("bookings", "1"));
        Assert.Equal("https://desk.example.org/api/admins/7", urls.ApiUrl("admins", "7"));
    }

    [Fact]
    public async Task A_new_time_zone_moves_the_space_s_today_at_once()
    {
        await using var core = await CoreHost.StartAsync();
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
        core.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 23, 30, 0, TimeSpan.Zero));
        var settings = Valid;
        settings.TimeZone = "UTC";
        (await core.Get<SpaceSettingsService>().SaveAsync(settings, "owner@example.com")).Ok();
        Assert.Equal(new DateOnly(2026, 3, 2), await core.Services.TodayAsync());

        settings.TimeZone = "Pacific/Auckland";   // UTC+13 in March: already the 3rd there
        (await core.Get<SpaceSettingsService>().SaveAsync(settings, "owner@example.com")).Ok();

        Assert.Equal(new DateOnly(2026, 3, 3), await core.Services.TodayAsync());
    }

    [Fact]
    public async Task Each_change_is_logged_with_before_and_after_and_a_save_without_changes_logs_nothing()
    {
        await using var core = await CoreHost.StartAsync();
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
        var service = core.Get<SpaceSettingsService>();
        var settings = (await service.GetAsync())!;
        settings.Country = "at";
        settings.Name = "Co-Up Wien";

        (await service.SaveAsync(settings, "owner@example.com")).Ok();
        (await service.SaveAsync(settings, "owner@example.com")).Ok();

        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var entry = await db.ActivityLog.SingleAsync(e => e.Action == "space.settings-changed");
        Assert.Equal("owner@example.com", entry.Actor);
        Assert.Equal("name: Co-Up → Co-Up Wien; country: DE → AT", entry.Details);
    }

    [Fact]
    public async Task Refused_settings_name_the_field_and_change_nothing()
    {
        await using var core = await CoreHost.StartAsync();
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
        var service = core.Get<SpaceSettingsService>();
        var before = (await service.GetAsync())!;
        var settings = Valid;
        settings.Currency = "EURO";

        var result = await service.SaveAsync(settings, "owner@example.com");

        Assert.NotNull(result.Errors.For(nameof(SpaceSettings.Currency)));
        var after = (await service.GetAsync())!;
        Assert.Equal((before.Name, before.Currency, before.PublicBaseUrl), (after.Name, after.Currency, after.PublicBaseUrl));
    }

    [Theory]
    [InlineData("Country", "XX")]
    [InlineData("Currency", "€")]
    [InlineData("TimeZone", "Mars/Olympus")]
    [InlineData("TimeZone", "W. Europe Standard Time")]   // a Windows name: this box may know it, another may not
    [InlineData("PublicBaseUrl", "https://user:secret@space.example.com")]
    [InlineData("PublicBaseUrl", "/relative/path")]
    public void The_profile_itself_refuses_what_the_form_would_refuse(string field, string value)
    {
        var profile = SpaceProfile.Create("Co-Up", "DE", "EUR", "UTC", "https://space.example.com", DateTimeOffset.UnixEpoch);
        var settings = profile.Settings;
        typeof(SpaceSettings).GetProperty(field)!.SetValue(settings, value);

        var refused = Assert.Throws<ArgumentException>(() => profile.ChangeSettings(settings));

        Assert.Contains(field, refused.Message);
        Assert.Equal("https://space.example.com", profile.PublicBaseUrl);
        Assert.Equal("UTC", profile.TimeZone);
    }
}
