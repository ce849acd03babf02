using Bunit;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Web.Components.Pages.Integrations.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Web.Integrations;

public class WebhooksListTests : IntegrationsTest
{
    [Fact]
    public void Without_webhooks_the_page_explains_them_and_offers_Add_webhook()
    {
        var page = Render<WebhooksPage>();

        page.WaitForElement("[data-testid=webhooks-empty]");
        var add = page.Find("[data-testid=webhooks-empty] a[data-testid=add-webhook]");
        Assert.Equal("settings/integrations/webhooks/new", add.GetAttribute("href"));
        Assert.Contains("Add webhook", add.TextContent);
        Assert.Empty(page.FindAll("[data-testid=webhooks-table]"));
    }

    [Fact]
    public async Task Each_row_shows_name_address_events_status_and_origin()
    {
        await CreateEndpointAsync("CRM sync", "https://crm.example.com/hook", ["created_admin", "deleted_admin", "created_booking", "created_invoice"]);
        var api = await Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "Accounting", Url = "https://books.example.com/in", Events = ["created_payment"], Format = PayloadFormat.Thin,
        }, EndpointOrigin.Api, new Actor("someone", "dev@books.example.com"));
        await Get<EndpointService>().DisableAsync(api.Value!.Endpoint.Id, Owner);

        var page = Render<WebhooksPage>();

        page.WaitForElement("[data-testid=webhooks-table]");
        var rows = page.FindAll("[data-testid=webhooks-table] tbody tr");
        Assert.Equal(2, rows.Count);
        var accounting = rows[0];
        Assert.Contains("Accounting", accounting.TextContent);
        Assert.Contains("https://books.example.com/in", accounting.TextContent);
        Assert.Contains("REST API · created by dev@books.example.com", accounting.TextContent);
        Assert.Equal("Inactive", accounting.QuerySelector("[data-testid=status]")!.TextContent.Trim());
        var crm = rows[1];
        // Events by their titles; the codes are for the form's picker and the API.
        Assert.Contains(EventCatalogue.Find("created_admin")!.Title, crm.TextContent);
        Assert.Contains(EventCatalogue.Find("deleted_admin")!.Title, crm.TextContent);
        Assert.DoesNotContain("created_admin", crm.TextContent);
        Assert.DoesNotContain(EventCatalogue.Find("created_invoice")!.Title, crm.TextContent.Replace(crm.QuerySelector("[data-testid=more-events]")!.TextContent, ""));
        Assert.Equal("+2", crm.QuerySelector("[data-testid=more-events]")!.TextContent.Trim());
        Assert.Equal("Active", crm.QuerySelector("[data-testid=status]")!.TextContent.Trim());
        Assert.Contains("Settings · created by owner@example.com", crm.TextContent);
        Assert.Contains("No deliveries", crm.TextContent);
        Assert.Contains("Never", crm.TextContent);
    }

    [Fact]
    public async Task A_removed_admins_API_webhook_shows_that_its_creator_was_removed()
    {
        var users = Get<EasySpace.Core.Identity.UserAdministration>();
        var ada = (await users.AddAdminAsync(new("ada@example.com", Harness.AppHost.Password), true, "test")).Value!;
        await Get<EndpointService>().CreateAsync(new EndpointDraft { Name = "Ada's CRM", Url = "https://crm.example.com/ada", Events = ["created_booking"] },
            EndpointOrigin.Api, new Actor(ada.Id, ada.Email!));
        Assert.True((await users.RemoveAdminAsync(ada.Id, OwnerEmail)).Succeeded);

        var page = Render<WebhooksPage>();

        page.WaitForElement("[data-testid=webhooks-table]");
        var row = page.Find("[data-testid=webhooks-table] tbody tr");
        Assert.Equal("Inactive", row.QuerySelector("[data-testid=status]")!.TextContent.Trim());
        Assert.Equal("its creator ada@example.com was removed", row.QuerySelector("[data-testid=deactivation-reason]")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_deactivated_webhook_shows_why_EasySpace_switched_it_off()
    {
        var endpoint = await CreateEndpointAsync("CRM");
        await using (var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var tracked = await db.Endpoints.SingleAsync(e => e.Id == endpoint.Id);
            tracked.Deactivate("The receiver answered 410 Gone.", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        var page = Render<WebhooksPage>();

        page.WaitForElement("[data-testid=webhooks-table]");
        Assert.Equal("Deactivated", page.Find("[data-testid=status]").TextContent.Trim());
        Assert.Equal("The receiver answered 410 Gone.", page.Find("[data-testid=deactivation-reason]").TextContent.Trim());
    }

    [Fact]
    public async Task A_webhook_whose_last_five_attempts_failed_shows_Failing_with_the_latest_error_until_one_succeeds()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Respond = Receiver.Status(500);
        await CreateEndpointAsync("CRM", receiver.Url.ToString());
        for (var i = 0; i < WebhookHealth.RecentAttempts - 1; i++) await AddAdminAsync();
        await PumpAsync();

        // Tried: four failures in a row are not yet "failing".
        var page = Render<WebhooksPage>();
        page.WaitForElement("[data-testid=webhooks-table]");
        Assert.Equal("Active", page.Find("[data-testid=status]").TextContent.Trim());

        await AddAdminAsync();
        await PumpAsync();
        page = Render<WebhooksPage>();
        page.WaitForElement("[data-testid=webhooks-table]");
        Assert.Equal("Failing", page.Find("[data-testid=status]").TextContent.Trim());
        Assert.Equal("Latest: HTTP 500", page.Find("[data-testid=latest-error]").TextContent.Trim());

        receiver.Respond = Receiver.Status(200);
        await AddAdminAsync();
        await PumpAsync();
        page = Render<WebhooksPage>();
        page.WaitForElement("[data-testid=webhooks-table]");
        Assert.Equal("Active", page.Find("[data-testid=status]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=latest-error]"));
    }

    [Fact]
    public async Task A_switched_off_webhook_is_never_Failing()
    {
        await using var receiver = await Receiver.StartAsync();
        var endpoint = await FailingWebhookAsync(receiver);
        await Get<EndpointService>().DisableAsync(endpoint.Id, Owner);

        var page = Render<WebhooksPage>();

        page.WaitForElement("[data-testid=webhooks-table]");
        Assert.Equal("Inactive", page.Find("[data-testid=status]").TextContent.Trim());
    }

    [Fact]
    public async Task The_search_box_and_the_status_filter_narrow_the_list()
    {
        await CreateEndpointAsync("CRM", "https://crm.example.com/hook");
        var chat = await CreateEndpointAsync("Team chat", "https://chat.example.com/in", ["created_booking"]);
        await Get<EndpointService>().DisableAsync(chat.Id, Owner);
        var page = Render<WebhooksPage>();
        page.WaitForElement("[data-testid=webhooks-table]");

        Type(page, "webhooks-search", "chat.example");
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=webhook-name]")));
        Assert.Equal("Team chat", page.Find("[data-testid=webhook-name]").TextContent);

        Type(page, "webhooks-search", "created_booking");
        page.WaitForAssertion(() => Assert.Equal("Team chat", page.Find("[data-testid=webhook-name]").TextContent));

        Type(page, "webhooks-search", "nothing like it");
        page.WaitForAssertion(() => Assert.Contains("No webhook matches the search.", page.Markup));
    }

    [Fact]
    public async Task Clicking_a_row_opens_the_webhook()
    {
        var endpoint = await CreateEndpointAsync("CRM");
        var page = Render<WebhooksPage>();
        page.WaitForElement("[data-testid=webhooks-table]");

        await page.InvokeAsync(() => page.Find("[data-testid=webhooks-table] tbody tr").Click());

        page.WaitForAssertion(() => Assert.EndsWith($"/settings/integrations/webhooks/{endpoint.Id}", CurrentUri));
    }
}
