using System.Security.Claims;
using Bunit;
using EasySpace.Core.Alerts;
using EasySpace.Core.Identity;
using EasySpace.Core.Mail;
using EasySpace.Tests.Harness;
using EasySpace.Web.Components.Pages.Integrations.Alerts;

namespace EasySpace.Tests.Web.Integrations;

public class AlertsPageTests : IntegrationsTest
{
    private const string Switch = "[data-testid=alerts-email-switch]";

    [Fact]
    public void With_email_off_the_page_says_so_instead_of_offering_alert_emails()
    {
        var page = Render<AlertsPage>();

        page.WaitForAssertion(() => Assert.Contains("E-mail is off, so alerts only show here and in the bell.", page.Find("[data-testid=alerts-email]").TextContent));
        Assert.Empty(page.FindAll(Switch));
    }

    [Fact]
    public void The_limits_say_what_a_manager_can_do_and_what_to_ask_of_whoever_runs_the_server()
    {
        var page = Render<AlertsPage>();

        // Tried before: "The numbers are set in appsettings.json, section Alerts", a file no manager can reach from here.
        var limits = page.WaitForElement("[data-testid=alerts-limits-hint]").TextContent;
        Assert.Contains("Whoever runs your EasySpace server can change them", limits);
        Assert.Contains("FailingBelowPercent", limits);
        Assert.DoesNotContain("appsettings", page.Markup);
        Assert.Contains("switch on “Critical” in that webhook's settings", page.Find("[data-testid=alerts-critical-hint]").TextContent);
    }

    [Fact]
    public async Task An_admin_switches_alert_emails_on_for_themselves_and_the_owner_is_told_they_always_get_them()
    {
        var admin = (await Get<UserAdministration>().AddAdminAsync(new NewAccount("ines@example.com", AppHost.Password), manageIntegrations: true, "test")).Value!;
        var saved = await Get<MailSettingsService>().SaveAsync(new MailServer
        {
            Host = "mail.example.com", Port = 587, Security = MailSecurity.StartTls, SenderName = "Co-Up", SenderAddress = "hello@co-up.example",
        }, OwnerEmail);
        Assert.True(saved.Succeeded, saved.Errors.ToString());

        var owners = Render<AlertsPage>();
        owners.WaitForAssertion(() => Assert.Contains("As the owner, you get every alert by e-mail.", owners.Find("[data-testid=alerts-email]").TextContent));

        Auth.SetAuthorized("ines@example.com");
        Auth.SetRoles(Roles.Admin);
        Auth.SetPolicies(Policies.ManageIntegrations);
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.Id));
        var page = Render<AlertsPage>();
        page.WaitForAssertion(() => Assert.Contains("E-mail me alerts", page.Find("[data-testid=alerts-email]").TextContent));
        await page.InvokeAsync(() => page.Find($"{Switch} input, input{Switch}").Change(true));

        Assert.True(await Get<AlertFeed>().WantsEmailAsync(admin.Id));
        Assert.Equal(["ines@example.com", OwnerEmail], (await Get<AlertMail>().RecipientsAsync()).Select(s => s.Email).Order(StringComparer.Ordinal));
    }
}
