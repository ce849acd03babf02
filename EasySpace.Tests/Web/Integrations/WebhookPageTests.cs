using Bunit;
using EasySpace.Core.Identity;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using EasySpace.Web.Components.Pages.Integrations.Webhooks;
using Microsoft.AspNetCore.Http;

namespace EasySpace.Tests.Web.Integrations;

public class WebhookPageTests : IntegrationsWithReceiverTest
{
    private IRenderedComponent<WebhookPage> RenderPage(long id)
    {
        var page = Render<WebhookPage>(p => p.Add(x => x.Id, id));
        page.WaitForElement("[data-testid=webhook-title]");
        return page;
    }

    private static void OpenTab(IRenderedComponent<WebhookPage> page, string text) =>
        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == text).Click();

    [Fact]
    public async Task The_header_shows_the_name_status_and_address()
    {
        var endpoint = await CreateEndpointAsync("CRM", "https://crm.example.com/hook");

        var page = RenderPage(endpoint.Id);

        Assert.Equal("CRM", page.Find("[data-testid=webhook-title]").TextContent);
        Assert.Equal("Active", page.Find("[data-testid=status]").TextContent.Trim());
        Assert.Equal("https://crm.example.com/hook", page.Find("[data-testid=webhook-url]").TextContent);
        Assert.Equal("Disable", page.Find("button[data-testid=toggle-status]").TextContent.Trim());
        Assert.Contains(EasySpace.Core.Events.EventCatalogue.Find("created_admin")!.Title, page.Find("[data-testid=webhook-summary]").TextContent);
    }

    [Fact]
    public async Task The_owner_takes_over_a_removed_admins_webhook_and_then_may_enable_it()
    {
        var users = Get<UserAdministration>();
        var ada = (await users.AddAdminAsync(new NewAccount("ada@example.com", AppHost.Password), true, "test")).Value!;
        var hook = (await Get<EndpointService>().CreateAsync(new EndpointDraft { Name = "Ada's CRM", Url = "https://crm.example.com/ada", Events = ["created_booking"] },
            EndpointOrigin.Api, new Actor(ada.Id, ada.Email!))).Value!.Endpoint;
        Assert.True((await users.RemoveAdminAsync(ada.Id, OwnerEmail)).Succeeded);

        var page = RenderPage(hook.Id);

        Assert.Contains("its creator ada@example.com was removed", page.Find("[data-testid=disabled-alert]").TextContent);
        Assert.Empty(page.FindAll("button[data-testid=toggle-status]"));   // no Enable until someone answers for it
        page.Find("button[data-testid=take-over]").Click();

        page.WaitForAssertion(() => Assert.Equal("Enable", page.Find("button[data-testid=toggle-status]").TextContent.Trim()));
        Assert.Contains("REST API · created by owner@example.com", page.Markup);
        Assert.Equal(Owner.UserId, (await Get<EndpointService>().GetAsync(hook.Id))!.CreatedByUserId);
    }

    [Fact]
    public async Task Delete_asks_first_naming_the_webhook_and_saying_it_cannot_be_undone()
    {
        var endpoint = await CreateEndpointAsync("CRM <b>sync</b>");
        var page = RenderPage(endpoint.Id);

        page.Find("button[data-testid=delete-webhook]").Click();

        DialogProvider.WaitForAssertion(() => Assert.Contains("Delete the webhook “CRM &lt;b&gt;sync&lt;/b&gt;”?", DialogProvider.Markup));
        Assert.Contains("This cannot be undone", DialogProvider.Markup);
        Assert.NotNull(await Get<EndpointService>().GetAsync(endpoint.Id));

        ClickButton(DialogProvider, "Delete");

        page.WaitForAssertion(() => Assert.EndsWith("/settings/integrations/webhooks", CurrentUri));
        Assert.Null(await Get<EndpointService>().GetAsync(endpoint.Id));
    }

    [Fact]
    public async Task Cancelling_the_delete_keeps_the_webhook()
    {
        var endpoint = await CreateEndpointAsync("CRM");
        var page = RenderPage(endpoint.Id);

        page.Find("button[data-testid=delete-webhook]").Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("Delete the webhook “CRM”?", DialogProvider.Markup));
        ClickButton(DialogProvider, "Cancel");

        DialogProvider.WaitForAssertion(() => Assert.DoesNotContain("Delete the webhook", DialogProvider.Markup));
        Assert.NotNull(await Get<EndpointService>().GetAsync(endpoint.Id));
    }

    [Fact]
    public async Task Test_sends_to_an_inactive_webhook_and_shows_the_status_duration_and_signature_headers()
    {
        receiver.Respond = async (_, http) =>
        {
            http.Response.Headers["X-Receiver"] = "crm-1";
            await http.Response.WriteAsync("thanks, got it");
        };
        var endpoint = await CreateEndpointAsync("CRM", receiver.Url.ToString());
        await Get<EndpointService>().DisableAsync(endpoint.Id, Owner);
        var page = RenderPage(endpoint.Id);

        page.Find("button[data-testid=test-webhook]").Click();
        DialogProvider.WaitForElement("button[data-testid=test-send]").Click();

        DialogProvider.WaitForAssertion(() => Assert.Equal("200", DialogProvider.Find("[data-testid=test-status]").TextContent), TimeSpan.FromSeconds(20));
        Assert.Matches(@"^[0-9]+(\.[0-9])? (ms|s)$", DialogProvider.Find("[data-testid=test-duration]").TextContent);
        var signature = DialogProvider.Find("[data-testid=test-signature]").TextContent;
        Assert.Contains("webhook-id", signature);
        Assert.Contains("msg_", signature);
        Assert.Contains("webhook-timestamp", signature);
        Assert.Contains("webhook-signature", signature);
        Assert.Contains("v1,<redacted>", signature);
        Assert.Equal("thanks, got it", DialogProvider.Find("[data-testid=test-response-body]").TextContent);
        Assert.Contains("crm-1", DialogProvider.Markup);

        var request = await receiver.NextAsync();
        Assert.Equal("test_webhook", request.Header("X-EasySpace-Event"));
        Assert.StartsWith("v1,", request.Header("webhook-signature"));
    }

    [Fact]
    public async Task Test_reports_a_refused_connection_with_what_to_check()
    {
        var port = receiver.Port;
        await receiver.DisposeAsync();
        receiver = await Receiver.StartAsync();
        var endpoint = await CreateEndpointAsync("CRM", $"http://127.0.0.1:{port}/hook");
        var page = RenderPage(endpoint.Id);

        page.Find("button[data-testid=test-webhook]").Click();
        DialogProvider.WaitForElement("button[data-testid=test-send]").Click();

        DialogProvider.WaitForAssertion(() => Assert.Equal("Connection refused", DialogProvider.Find("[data-testid=test-status]").TextContent), TimeSpan.FromSeconds(20));
        Assert.Contains("Check URL", DialogProvider.Find("[data-testid=test-result]").TextContent);
    }

    [Fact]
    public async Task The_stats_tab_shows_the_counts_latency_and_errors_from_the_rollups()
    {
        var endpoint = await CreateEndpointAsync("CRM", receiver.Url.ToString());
        await AddAdminAsync();
        await AddAdminAsync();
        await PumpAsync();
        receiver.Respond = Receiver.Status(500);
        await AddAdminAsync();
        await PumpAsync();
        var page = RenderPage(endpoint.Id);

        OpenTab(page, "Stats");

        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=stats-succeeded]").TextContent));
        Assert.Equal("1", page.Find("[data-testid=stats-failed]").TextContent);
        Assert.Equal("67 %", page.Find("[data-testid=stats-rate]").TextContent);
        Assert.StartsWith("≤ ", page.Find("[data-testid=stats-median]").TextContent);
        Assert.NotEmpty(page.FindAll("[data-testid=stats-chart] svg"));
        var errors = page.Find("[data-testid=stats-errors]").TextContent;
        Assert.Contains("Error status from the receiver", errors);
        Assert.Contains("Verify authentication", errors);

        page.Find("[data-testid=stats-window] .mud-toggle-item:last-child, [data-testid=stats-window] button:last-child").Click();
        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=stats-succeeded]").TextContent));
    }

    [Fact]
    public async Task The_delivery_log_opens_a_delivery_with_its_attempts_and_can_redeliver_it()
    {
        var endpoint = await CreateEndpointAsync("CRM", receiver.Url.ToString(), headers: [new CustomHeader("X-Api-Key", "k-123")]);
        await AddAdminAsync();
        await PumpAsync();
        var page = RenderPage(endpoint.Id);

        OpenTab(page, "Log");
        var row = page.WaitForElement("[data-testid=delivery-log] tbody tr");
        Assert.Contains("Admin added", row.TextContent);
        Assert.Contains("Delivered", row.TextContent);
        Assert.Contains("HTTP 200", row.TextContent);

        row.Click();
        page.WaitForElement("[data-testid=delivery-details] [data-testid=attempt]");
        var details = page.Find("[data-testid=delivery-details]").TextContent;
        Assert.Contains("X-Api-Key", details);
        Assert.Contains("<redacted>", details);
        Assert.DoesNotContain("k-123", details);
        Assert.Contains("\"type\": \"created_admin\"", page.Find("[data-testid=request-body]").TextContent);
        Assert.Equal("ok", page.Find("[data-testid=response-body]").TextContent);

        page.Find("button[data-testid=redeliver]").Click();
        await PumpAsync();

        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(receiver.Received[0].Header("webhook-id"), receiver.Received[1].Header("webhook-id"));
    }

    [Fact]
    public async Task A_failing_webhook_says_so_with_its_latest_error_and_the_log_says_what_each_delivery_was_about()
    {
        var endpoint = await FailingWebhookAsync(receiver);

        var page = RenderPage(endpoint.Id);

        Assert.Equal("Failing", page.Find("[data-testid=status]").TextContent.Trim());
        var alert = page.Find("[data-testid=failing-alert]").TextContent;
        Assert.Contains("its last 5 attempts failed", alert);
        Assert.Contains("“HTTP 500”", alert);
        OpenTab(page, "Log");
        var row = page.WaitForElement("[data-testid=delivery-log] tbody tr");
        Assert.Equal("Admin added", row.QuerySelector("[data-testid=log-event-title]")!.TextContent.Trim());
        Assert.Matches(@"^admin\d+@example\.com became an admin$", row.QuerySelector("[data-testid=log-about]")!.TextContent.Trim());
        // Tried before: the raw code stood as a line of its own under the title. Now a developer finds it on hover and in the opened delivery.
        Assert.DoesNotContain("created_admin", row.TextContent);
        Assert.Equal("created_admin", row.QuerySelector("[data-testid=log-event-title]")!.GetAttribute("title"));
        Assert.Contains("HTTP 500", row.TextContent);
        await page.InvokeAsync(() => page.Find("[data-testid=delivery-log] tbody tr").Click());
        page.WaitForAssertion(() => Assert.Matches(@"became an admin", page.Find("[data-testid=delivery-details] [data-testid=delivery-about]").TextContent));
        Assert.Contains("event code created_admin", page.Find("[data-testid=delivery-ids]").TextContent);
    }

    [Fact]
    public async Task A_test_of_a_real_event_is_logged_as_a_test_with_example_data_not_as_the_webhook_signing_up()
    {
        var endpoint = await CreateEndpointAsync("Event Trigger", receiver.Url.ToString(), events: ["created_membership"]);
        Assert.True((await Get<EndpointService>().SendTestAsync(endpoint.Id, "created_membership", Owner)).Succeeded);

        var page = RenderPage(endpoint.Id);
        OpenTab(page, "Log");

        // Tried before the fix: the catalogue's sentence was filled with the webhook's name, "Event Trigger signed up".
        var row = page.WaitForElement("[data-testid=delivery-log] tbody tr");
        Assert.Equal("New membership", row.QuerySelector("[data-testid=log-event-title]")!.TextContent.Replace("Test", "").Trim());
        Assert.Equal("A test with example data, sent to Event Trigger by “Test”", row.QuerySelector("[data-testid=log-about]")!.TextContent.Trim());
    }

    [Fact]
    public async Task The_delivery_log_finds_a_delivery_by_the_webhook_id_a_receiver_reports()
    {
        var endpoint = await CreateEndpointAsync("CRM", receiver.Url.ToString());
        await AddAdminAsync();
        await AddAdminAsync();
        await PumpAsync();
        var reported = receiver.Received[1].Header("webhook-id")!;
        var page = RenderPage(endpoint.Id);
        OpenTab(page, "Log");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=delivery-log] tbody tr").Count));
        // Tried before: the box was labelled "webhook-id", a header's name; a manager reads "Message ID" and what to paste.
        var box = page.Find("input[data-testid=log-message-id]").Closest(".mud-input-control")!;
        Assert.Equal("Message ID", box.QuerySelector("label")!.TextContent.Trim());
        Assert.Contains("a receiver reports (its webhook-id header)", box.QuerySelector(".mud-input-helper-text")!.TextContent);

        page.Find("input[data-testid=log-message-id]").Change($"  {reported} "); // pasted with the spaces around it
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=delivery-log] tbody tr")));
        page.FindAll("[data-testid=delivery-log] tbody tr")[0].Click();
        page.WaitForAssertion(() => Assert.Contains(reported, page.Find("[data-testid=delivery-details]").TextContent));

        // Tried: an id no delivery of this webhook carried finds nothing, and says so rather than showing them all.
        page.Find("input[data-testid=log-message-id]").Change("msg_doesnotexist");
        page.WaitForAssertion(() => Assert.Equal("No delivery matches these filters.", page.Find("[data-testid=log-empty]").TextContent));
        Assert.DoesNotContain("created_admin", page.Find("[data-testid=delivery-log] tbody").TextContent);
    }

    [Fact]
    public async Task Resend_failed_since_a_moment_confirms_then_reports_how_many_were_queued()
    {
        receiver.Respond = Receiver.Status(410); // fails the delivery for good and deactivates the webhook
        var endpoint = await CreateEndpointAsync("CRM", receiver.Url.ToString());
        await AddAdminAsync();
        await PumpAsync();
        await Get<EndpointService>().EnableAsync(endpoint.Id, releaseHeld: false, Owner);
        receiver.Respond = Receiver.Status(200);
        var page = RenderPage(endpoint.Id);
        OpenTab(page, "Log");

        page.WaitForElement("button[data-testid=resend-failed]").Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("1</b> failed", DialogProvider.Find("[data-testid=resend-preview]").InnerHtml));
        DialogProvider.Find("button[data-testid=resend-confirm]").Click();

        DialogProvider.WaitForAssertion(() => Assert.Contains("1 delivery is queued again", DialogProvider.Find("[data-testid=resend-done]").TextContent));
        await PumpAsync();
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task Enabling_a_webhook_with_held_deliveries_asks_whether_to_send_them()
    {
        var endpoint = await CreateEndpointAsync("CRM", receiver.Url.ToString());
        await Get<EndpointService>().DisableAsync(endpoint.Id, Owner);
        await Get<EndpointService>().EnableAsync(endpoint.Id, false, Owner);
        await AddAdminAsync();                                       // a delivery waits (fanned out, not sent yet)...
        await Get<EndpointService>().DisableAsync(endpoint.Id, Owner); // ...and is held
        var page = RenderPage(endpoint.Id);
        Assert.Contains("1 delivery is held for it.", page.Find("[data-testid=disabled-alert]").TextContent);

        page.Find("button[data-testid=toggle-status]").Click();

        DialogProvider.WaitForAssertion(() => Assert.Contains("Send the 1 held delivery?", DialogProvider.Markup));
        ClickButton(DialogProvider, "Send them");
        page.WaitForAssertion(() => Assert.Equal("Active", page.Find("[data-testid=status]").TextContent.Trim()));
        await PumpAsync();
        Assert.Equal("created_admin", Assert.Single(receiver.Received).Header("X-EasySpace-Event"));
    }

    [Fact]
    public async Task Disable_switches_the_webhook_off_and_new_events_are_not_sent()
    {
        var endpoint = await CreateEndpointAsync("CRM", receiver.Url.ToString());
        var page = RenderPage(endpoint.Id);

        page.Find("button[data-testid=toggle-status]").Click();

        page.WaitForAssertion(() => Assert.Equal("Inactive", page.Find("[data-testid=status]").TextContent.Trim()));
        Assert.Equal("Enable", page.Find("button[data-testid=toggle-status]").TextContent.Trim());
        await AddAdminAsync();
        await PumpAsync();
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task Signature_help_shows_verification_code_with_the_header_names()
    {
        var endpoint = await CreateEndpointAsync("CRM", "https://crm.example.com/easyspace/in");
        var page = RenderPage(endpoint.Id);

        OpenTab(page, "Signatures");

        var csharp = page.WaitForElement("[data-testid=snippet-csharp]").TextContent;
        Assert.Contains("headers[\"webhook-signature\"]", csharp);
        Assert.Contains("app.MapPost(\"/easyspace/in\"", csharp);
        Assert.Contains("HMACSHA256", csharp);
        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Python (standardwebhooks)").Click();
        var python = page.WaitForElement("[data-testid=snippet-python]").TextContent;
        Assert.Contains("@app.post(\"/easyspace/in\")", python);
        Assert.Contains("from standardwebhooks import Webhook", python);
    }
}
