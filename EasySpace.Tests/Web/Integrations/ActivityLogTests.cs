using Bunit;
using EasySpace.Web.Components.Pages.Integrations.Activity;

namespace EasySpace.Tests.Web.Integrations;

public class ActivityLogTests : IntegrationsTest
{
    [Fact]
    public async Task The_log_can_be_narrowed_to_one_action()
    {
        var endpoint = await CreateEndpointAsync("CRM");
        await Get<EasySpace.Core.Webhooks.EndpointService>().DisableAsync(endpoint.Id, Owner);
        var page = Render<ActivityLogPage>();
        page.WaitForAssertion(() => Assert.Contains("webhook.disabled", page.Find("[data-testid=activity-table]").TextContent));
        Assert.Contains("setup.completed", page.Find("[data-testid=activity-table]").TextContent);

        Pick(page, "activity-action", "webhook.disabled");

        page.WaitForAssertion(() => Assert.DoesNotContain("setup.completed", page.Find("[data-testid=activity-table] tbody").TextContent));
        Assert.Contains("webhook.disabled", page.Find("[data-testid=activity-table] tbody").TextContent);
        Assert.Single(page.FindAll("[data-testid=activity-table] tbody tr"));
    }
}
