using Bunit;
using EasySpace.Tests.Fakes;
using EasySpace.Web.Components.Pages.Integrations.Webhooks;

namespace EasySpace.Tests.Web.Integrations;

/// <summary>Integrations > Deliveries: the delivery log across all webhooks.</summary>
public class DeliveriesPageTests : IntegrationsWithReceiverTest
{
    private static IReadOnlyList<string> Webhooks(IRenderedComponent<DeliveriesPage> page) =>
        page.FindAll("[data-testid=log-webhook-name]").Select(a => a.TextContent.Trim()).ToList();

    [Fact]
    public async Task Every_webhooks_deliveries_show_in_one_log_each_naming_its_webhook_and_the_webhook_filter_narrows_it()
    {
        var crm = await CreateEndpointAsync("CRM", receiver.Url.ToString());
        var chat = await CreateEndpointAsync("Team chat", receiver.Url.ToString());
        await AddAdminAsync();
        await PumpAsync();

        var page = Render<DeliveriesPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=delivery-log] tbody tr").Count));
        Assert.Equal(["CRM", "Team chat"], Webhooks(page).Order());
        var links = page.FindAll("a[data-testid=log-webhook-name]").Select(a => a.GetAttribute("href")).Order();
        Assert.Equal([$"settings/integrations/webhooks/{crm.Id}", $"settings/integrations/webhooks/{chat.Id}"], links);
        Assert.All(page.FindAll("[data-testid=log-about]"), about => Assert.EndsWith("became an admin", about.TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=resend-failed]"));   // resending is one webhook's action, on its page

        Pick(page, "log-webhook", "Team chat");

        page.WaitForAssertion(() => Assert.Equal(["Team chat"], Webhooks(page)));
    }

    [Fact]
    public async Task Filtered_to_failures_when_nothing_failed_the_log_says_so()
    {
        await CreateEndpointAsync("CRM", receiver.Url.ToString());
        await AddAdminAsync();
        await PumpAsync();
        var page = Render<DeliveriesPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=delivery-log] tbody tr")));

        Pick(page, "log-status", "Failed");

        page.WaitForAssertion(() => Assert.Equal("No delivery matches these filters.", page.Find("[data-testid=log-empty]").TextContent.Trim()));
    }

    [Fact]
    public void Without_deliveries_the_log_says_where_they_will_come_from()
    {
        var page = Render<DeliveriesPage>();

        page.WaitForAssertion(() => Assert.Equal("No deliveries yet. They appear here as soon as an event is sent to a webhook.",
            page.Find("[data-testid=log-empty]").TextContent.Trim()));
    }
}
