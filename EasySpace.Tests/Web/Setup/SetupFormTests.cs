using Bunit;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using EasySpace.Tests.Harness;
using EasySpace.Web.Components.Pages.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Web.Setup;

public class SetupFormTests : ComponentTest
{
    private IRenderedComponent<SetupPage> RenderForm()
    {
        RenderPopoverProvider();
        return Render<SetupPage>();
    }

    private static void Fill(IRenderedComponent<SetupPage> page, string testId, string value) =>
        page.Find($"[data-testid={testId}] input, input[data-testid={testId}]").Input(value);

    private static void FillValid(IRenderedComponent<SetupPage> page)
    {
        Fill(page, "setup-owner-name", "Ada Keller");
        Fill(page, "setup-email", "owner@example.com");
        Fill(page, "setup-password", "Corr3ct-horse!");
        Fill(page, "setup-space-name", "Co-Up");
        Fill(page, "setup-base-url", "https://space.example.com");
    }

    [Fact]
    public async Task A_weak_password_is_refused_at_the_field_and_nothing_is_created()
    {
        var page = RenderForm();
        FillValid(page);
        Fill(page, "setup-password", "password");

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("Passwords must be at least 10 characters.", page.Markup));
        Assert.Contains("Passwords must have at least one digit", page.Markup);
        Assert.False(await Services.GetRequiredService<SetupService>().IsCompleteAsync());
    }

    [Theory]
    [InlineData("not a url", "Enter a full http:// or https:// address")]
    [InlineData("ftp://space.example.com", "Enter a full http:// or https:// address")]
    [InlineData("javascript:alert(1)", "Enter a full http:// or https:// address")]
    [InlineData("https://user:pw@space.example.com", "cannot contain a user name or password")]
    public async Task A_bad_public_address_is_refused_at_the_field(string url, string message)
    {
        var page = RenderForm();
        FillValid(page);
        Fill(page, "setup-base-url", url);

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains(message, page.Markup));
        Assert.False(await Services.GetRequiredService<SetupService>().IsCompleteAsync());
    }

    [Fact]
    public void Empty_fields_each_say_what_is_missing()
    {
        var page = RenderForm();
        Fill(page, "setup-space-name", "");
        Fill(page, "setup-country", "");

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("Enter an e-mail address.", page.Markup));
        Assert.Contains("Enter a password.", page.Markup);
        Assert.Contains("s name.", page.Markup);
        Assert.Contains("Choose a country.", page.Markup);
    }

    [Fact]
    public void A_script_tag_typed_as_the_space_name_is_shown_as_text()
    {
        var page = RenderForm();
        FillValid(page);
        Fill(page, "setup-password", "weak");
        Fill(page, "setup-space-name", "<script>alert(1)</script>");

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("Passwords must", page.Markup));
        Assert.Empty(page.FindAll("script"));
    }

    [Fact]
    public async Task A_valid_form_creates_the_owner_and_goes_to_the_login_page()
    {
        var page = RenderForm();
        FillValid(page);

        page.Find("form").Submit();

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.Contains("Account/Login?email=owner%40example.com", navigation.Uri));
        Assert.True(await Services.GetRequiredService<SetupService>().IsCompleteAsync());
        await using var scope = Services.CreateAsyncScope();
        var owner = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync("owner@example.com");
        Assert.Equal("Ada Keller", owner!.DisplayName);
    }

    [Theory]
    [InlineData("nothing", "", "Enter the owner's name.")]
    [InlineData("only spaces", "   ", "Enter the owner's name.")]
    [InlineData("201 characters", "x201", "The owner's name has at most 200 characters.")]
    [InlineData("a right-to-left override", "Ada \u202EKeller", "invisible character or one that changes the direction of the text (U+202E)")]
    [InlineData("a zero-width space", "Ada\u200BKeller", "(U+200B)")]
    [InlineData("a line break", "Ada\nKeller", "cannot contain control characters")]
    public async Task The_owner_s_name_is_required_and_checked_like_every_name(string tried, string name, string message)
    {
        var page = RenderForm();
        FillValid(page);
        Fill(page, "setup-owner-name", name == "x201" ? new string('x', 201) : name);

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains(message, System.Net.WebUtility.HtmlDecode(page.Markup)), TimeSpan.FromSeconds(5));
        Assert.False(await Services.GetRequiredService<SetupService>().IsCompleteAsync(), $"{tried} was accepted");
    }
}
