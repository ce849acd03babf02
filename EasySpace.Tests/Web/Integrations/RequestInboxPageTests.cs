using Bunit;
using EasySpace.Core.RequestInbox;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using EasySpace.Web.Components.Pages.Integrations.RequestInbox;
using Microsoft.AspNetCore.Components;

namespace EasySpace.Tests.Web.Integrations;

public class RequestInboxPageTests : IntegrationsTest
{
    private async Task<Inbox> NewInboxAsync(string name = "CRM trial") => (await Get<RequestInboxService>().CreateAsync(name, OwnerEmail)).Value!;

    [Fact]
    public async Task A_request_appears_on_the_open_page_as_it_arrives_pretty_printed_with_its_signature_verdict()
    {
        var inbox = await NewInboxAsync();
        var page = Render<InboxPage>(p => p.Add(x => x.Id, inbox.Id));
        page.WaitForElement("[data-testid=requests-empty]");
        Assert.Equal($"https://space.example.com/inbox/{inbox.Token}", page.Find("[data-testid=inbox-url]").TextContent);

        // Arrives from another thread, as the engine or Kestrel would deliver it: the page is not reloaded.
        await Task.Run(() => Get<RequestInboxReceiver>().ReceiveAsync(inbox.Token, "POST",
            new Dictionary<string, string> { ["Content-Type"] = "application/json" }, """{"type":"created_admin","data":{"id":"7"}}"""u8.ToArray(), default));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=inbox-request]")));
        Assert.Contains("\"type\": \"created_admin\"", page.Find("[data-testid=request-body]").TextContent); // indented
        Assert.Equal("Signature not checked: no webhook sends to this inbox", page.Find("[data-testid=request-signature]").TextContent.Trim());
        Assert.Contains("Content-Type", page.Find(".header-table").TextContent);
    }

    [Fact]
    public async Task A_body_over_the_kept_size_says_it_was_cut()
    {
        var inbox = await NewInboxAsync();
        await Get<RequestInboxReceiver>().ReceiveAsync(inbox.Token, "POST", new Dictionary<string, string>(), new byte[InboxRequest.MaxBodyBytes + 10], default);
        var page = Render<InboxPage>(p => p.Add(x => x.Id, inbox.Id));
        Assert.Contains("Only the first 64 KB are kept", page.WaitForElement("[data-testid=body-cut]").TextContent);
    }

    [Fact]
    public async Task Create_a_webhook_that_sends_here_opens_the_new_webhook_form_with_this_address_and_clear_empties_the_list()
    {
        var inbox = await NewInboxAsync();
        await Get<RequestInboxReceiver>().ReceiveAsync(inbox.Token, "POST", new Dictionary<string, string>(), "hello"u8.ToArray(), default);
        var page = Render<InboxPage>(p => p.Add(x => x.Id, inbox.Id));

        var href = page.WaitForElement("[data-testid=new-webhook-here]").GetAttribute("href")!;
        Assert.Contains("settings/integrations/webhooks/new?", href);
        Assert.Contains(Uri.EscapeDataString($"https://space.example.com/inbox/{inbox.Token}"), href);

        await page.InvokeAsync(() => page.Find("[data-testid=clear-inbox]").Click());
        await DialogProvider.InvokeAsync(() => DialogProvider.FindAll("button").Single(b => b.TextContent.Trim() == "Clear").Click());
        page.WaitForElement("[data-testid=requests-empty]");
        Assert.Empty(await Get<RequestInboxService>().RequestsAsync(inbox.Id));
    }

    [Fact]
    public async Task Creating_an_inbox_without_a_name_says_so_and_with_one_opens_it()
    {
        var page = Render<RequestInboxesPage>();
        page.WaitForElement("[data-testid=inboxes-empty]");
        await page.InvokeAsync(() => page.Find("form").Submit());
        page.WaitForAssertion(() => Assert.Contains("Enter a name.", page.Markup));

        page.Find("[data-testid=inbox-name] input, input[data-testid=inbox-name]").Input("CRM trial");
        await page.InvokeAsync(() => page.Find("form").Submit());
        page.WaitForAssertion(() => Assert.Matches("settings/integrations/request-inbox/[0-9]+$", Get<NavigationManager>().Uri));
    }
}
