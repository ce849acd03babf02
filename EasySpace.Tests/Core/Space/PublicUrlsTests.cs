using EasySpace.Core;
using EasySpace.Core.Space;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Space;

public class PublicUrlsTests
{
    [Fact]
    public async Task Before_setup_there_is_no_base_url_and_the_error_says_what_to_do()
    {
        await using var core = await CoreHost.StartAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => core.Get<PublicUrls>().BaseUrlAsync());
        Assert.Contains("EasySpace:PublicBaseUrl", error.Message);
    }

    [Fact]
    public async Task The_setup_address_makes_absolute_api_urls()
    {
        await using var core = await CoreHost.StartAsync();
        await SetUpAsync(core, "https://space.example.com/");

        var urls = core.Get<PublicUrls>();

        Assert.Equal("https://space.example.com", await urls.BaseUrlAsync());
        Assert.Equal("https://space.example.com/api/admins/a%20b", urls.ApiUrl("admins", "a b"));
        Assert.Equal("https://space.example.com/api/bookings/42", await urls.ApiUrlAsync("bookings", "42"));
    }

    [Fact]
    public async Task The_setting_overrides_the_setup_address()
    {
        await using var core = await CoreHost.StartAsync(new Dictionary<string, string?> { ["EasySpace:PublicBaseUrl"] = "https://proxy.example.org/" });
        await SetUpAsync(core, "http://localhost:5080");

        Assert.Equal("https://proxy.example.org/api/admins/7", core.Get<PublicUrls>().ApiUrl("admins", "7"));
    }

    [Fact]
    public async Task An_empty_setting_falls_back_to_the_setup_address()
    {
        await using var core = await CoreHost.StartAsync(new Dictionary<string, string?> { ["EasySpace:PublicBaseUrl"] = "" });
        await SetUpAsync(core, "https://space.example.com");

        Assert.Equal("https://space.example.com", core.Get<PublicUrls>().BaseUrl());
    }

    internal static async Task SetUpAsync(CoreHost core, string baseUrl)
    {
        var result = await core.Get<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = "owner@example.com",
            Password = AppHost.Password,
            SpaceName = "Co-Up",
            PublicBaseUrl = baseUrl,
        }, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
    }
}
