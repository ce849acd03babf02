using Bunit;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using EasySpace.Tests.Harness;
using EasySpace.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Web.Shell;

public class ShellTests : ComponentTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var result = await Services.GetRequiredService<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = "owner@example.com", Password = "Corr3ct-horse!", SpaceName = "Co-Up Berlin", PublicBaseUrl = "https://space.example.com",
        }, "test");
        Assert.True(result.Succeeded);
    }

    private IRenderedComponent<MainLayout> RenderShell(params string[] policies)
    {
        Auth.SetAuthorized("someone@example.com");
        Auth.SetPolicies(policies);
        return Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));
    }

    [Fact]
    public void The_app_bar_shows_the_space_name()
    {
        var shell = RenderShell(Policies.Staff);

        shell.WaitForAssertion(() => Assert.Equal("Co-Up Berlin", shell.Find("[data-testid=space-name]").TextContent));
        Assert.Contains("page body", shell.Markup);
    }

    [Fact]
    public async Task A_renamed_space_shows_its_new_name_in_the_app_bar_at_once()
    {
        var shell = RenderShell(Policies.Staff);
        shell.WaitForAssertion(() => Assert.Equal("Co-Up Berlin", shell.Find("[data-testid=space-name]").TextContent));
        var service = Services.GetRequiredService<SpaceSettingsService>();
        var settings = (await service.GetAsync())!;
        settings.Name = "Co-Up Kreuzberg";

        Assert.True((await service.SaveAsync(settings, "owner@example.com")).Succeeded);

        shell.WaitForAssertion(() => Assert.Equal("Co-Up Kreuzberg", shell.Find("[data-testid=space-name]").TextContent));
    }

    [Fact]
    public void The_owner_sees_every_section_including_integrations_and_its_sub_pages()
    {
        var shell = RenderShell(Policies.Staff, Policies.ManageIntegrations);

        var links = shell.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("members", links);
        Assert.Contains("bookings", links);
        Assert.Contains("invoices", links);
        Assert.Contains("settings/integrations", links);
        Assert.Contains("settings/integrations/webhooks", links);
        Assert.Contains("settings/integrations/payments", links);
        Assert.Contains("settings/integrations/payments/transactions", links);
        Assert.Contains("settings/integrations/api-access", links);
        Assert.Contains("settings/integrations/activity", links);
        Assert.Contains("settings/integrations/alerts", links);
        Assert.Contains("settings/admins", links);
        Assert.Contains("settings/space", links);
        Assert.Single(shell.FindAll("[data-testid=alert-bell]"));
    }

    [Fact]
    public void An_admin_without_ManageIntegrations_does_not_see_the_integrations_section()
    {
        var shell = RenderShell(Policies.Staff);

        var links = shell.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("members", links);
        Assert.Contains("settings/admins", links); // every admin sees who runs the space
        Assert.DoesNotContain(links, l => l?.StartsWith("settings/integrations") == true);
        Assert.DoesNotContain("settings/space", links);   // the public address and payment country need ManageIntegrations
        Assert.Empty(shell.FindAll("[data-testid=alert-bell]"));   // alerts are about integrations
    }

    [Fact]
    public void A_member_sees_only_the_dashboard()
    {
        var shell = RenderShell();

        var links = shell.FindAll("a").Select(a => a.GetAttribute("href")).Where(h => h is not null).ToList();
        Assert.DoesNotContain("members", links);
        Assert.DoesNotContain(links, l => l!.StartsWith("settings/"));
        Assert.Empty(shell.FindAll("[data-testid=alert-bell]"));
    }

    [Fact]
    public void The_theme_button_switches_between_light_and_dark()
    {
        var shell = RenderShell(Policies.Staff);

        shell.Find("button[aria-label='Switch to dark theme']").Click();

        Assert.Single(shell.FindAll("button[aria-label='Switch to light theme']"));
    }

    [Fact]
    public void The_account_menu_is_one_named_button()
    {
        var shell = RenderShell(Policies.Staff);

        // One control, and it carries the name a screen reader reads (MudMenu's Icon mode named a wrapper div instead).
        var controls = shell.FindAll("[data-testid=account-menu] button, [data-testid=account-menu] [role=button]");
        var button = Assert.Single(controls);
        Assert.Equal("Account", button.TextContent.Trim());
    }

    [Fact]
    public void A_remembered_dark_theme_is_dark_from_the_first_render()
    {
        Auth.SetAuthorized("someone@example.com");
        Auth.SetPolicies(Policies.Staff);

        var shell = Render<MainLayout>(p => p
            .Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body")))
            .AddCascadingValue(SpaceTheme.Cookie, true));

        Assert.Single(shell.FindAll("button[aria-label='Switch to light theme']"));
    }

    [Fact]
    public void Switching_the_theme_remembers_the_choice_in_the_browser()
    {
        var shell = RenderShell(Policies.Staff);

        shell.Find("button[aria-label='Switch to dark theme']").Click();

        var remembered = JSInterop.VerifyInvoke("easySpace.rememberTheme");
        Assert.Equal([SpaceTheme.Cookie, "dark"], remembered.Arguments);
    }
}
