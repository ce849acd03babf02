using Bunit;
using EasySpace.Tests.Web.Integrations;
using EasySpace.Web.Components.Pages.SpaceSettings;

namespace EasySpace.Tests.Web.Space;

/// <summary>Settings &gt; E-mail when whoever runs the server named the mail server in the settings file.</summary>
public class EmailSettingsPageTests() : IntegrationsTest(settings: new Dictionary<string, string?>
{
    ["Mail:Host"] = "smtp.example.com", ["Mail:SenderName"] = "Co-Up", ["Mail:SenderAddress"] = "hello@co-up.example",
})
{
    [Fact]
    public void A_mail_server_from_the_settings_file_is_explained_in_a_managers_words_with_its_fields_locked()
    {
        var page = Render<EmailSettingsPage>();

        // Tried before: "The settings file (the Mail section of appsettings.json) names the mail server … Change it there",
        // a file no manager can reach from this page.
        var alert = page.WaitForElement("[data-testid=mail-from-settings]").TextContent;
        Assert.Contains("Whoever runs your EasySpace server has named the mail server in its settings", alert);
        Assert.Contains("Ask them to change it there", alert);
        Assert.DoesNotContain("appsettings", page.Markup);
        Assert.True(page.Find("[data-testid=mail-host] input, input[data-testid=mail-host]").HasAttribute("disabled"));
    }
}
