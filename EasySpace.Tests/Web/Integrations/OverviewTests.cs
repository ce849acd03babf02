using Bunit;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Inbox;
using EasySpace.Web.Components.Pages.Integrations.Overview;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Web.Integrations;

public class OverviewTests : IntegrationsTest
{
    private IRenderedComponent<IntegrationsPage> RenderPage()
    {
        var page = Render<IntegrationsPage>();
        page.WaitForElement("[data-testid=card-webhooks]");
        return page;
    }

    [Fact]
    public async Task The_webhooks_card_counts_them_by_status()
    {
        await CreateEndpointAsync("A");
        await CreateEndpointAsync("B");
        var off = await CreateEndpointAsync("C");
        await Get<EasySpace.Core.Webhooks.EndpointService>().DisableAsync(off.Id, Owner);

        var counts = RenderPage().Find("[data-testid=webhook-counts]").TextContent;

        Assert.Contains("2 active", counts);
        Assert.Contains("1 inactive", counts);
        Assert.Contains("0 deactivated", counts);
    }

    [Fact]
    public async Task A_deactivated_webhook_comes_first_as_a_problem_with_a_link_to_fix_it()
    {
        var endpoint = await CreateEndpointAsync("CRM");
        await using (var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            (await db.Endpoints.SingleAsync(e => e.Id == endpoint.Id)).Deactivate("The receiver answered 410 Gone.", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        var page = RenderPage();

        var problem = page.Find("[data-testid=problem]");
        Assert.Contains("“CRM” was switched off by EasySpace: The receiver answered 410 Gone.", problem.TextContent);
        Assert.Equal($"settings/integrations/webhooks/{endpoint.Id}", problem.QuerySelector("a")!.GetAttribute("href"));
        Assert.True(page.Markup.IndexOf("data-testid=\"problems\"", StringComparison.Ordinal) < page.Markup.IndexOf("data-testid=\"card-webhooks\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_webhook_is_a_problem_with_its_latest_error_and_counted_as_failing_not_active()
    {
        await using var receiver = await EasySpace.Tests.Fakes.Receiver.StartAsync();
        var endpoint = await FailingWebhookAsync(receiver, "CRM");
        await CreateEndpointAsync("Chat");

        var page = RenderPage();

        var problem = page.Find("[data-testid=problem]");
        Assert.Contains("Webhook “CRM” is failing: its last 5 attempts failed, the latest with “HTTP 500”.", problem.TextContent);
        Assert.Equal($"settings/integrations/webhooks/{endpoint.Id}", problem.QuerySelector("a")!.GetAttribute("href"));
        var counts = page.Find("[data-testid=webhook-counts]").TextContent;
        Assert.Contains("1 active", counts);
        Assert.Contains("1 failing", counts);
    }

    [Fact]
    public void Stripe_and_PayPal_are_not_connected_say_where_they_work_and_lead_to_their_wizards()
    {
        var page = RenderPage();

        var stripe = page.Find("[data-testid=card-stripe]");
        Assert.Equal("Not connected", stripe.QuerySelector("[data-testid=provider-status]")!.TextContent.Trim());
        Assert.Contains("Stripe takes payments for businesses in Germany (DE).", stripe.QuerySelector("[data-testid=provider-availability]")!.TextContent);
        Assert.Equal("settings/integrations/payments", stripe.QuerySelector("a[data-testid=provider-connect]")!.GetAttribute("href"));
        var paypal = page.Find("[data-testid=card-paypal]");
        Assert.Contains("PayPal business accounts in Germany (DE) can receive payments.", paypal.QuerySelector("[data-testid=provider-availability]")!.TextContent);
        Assert.Equal("Not connected", paypal.QuerySelector("[data-testid=provider-status]")!.TextContent.Trim());
        Assert.Equal("settings/integrations/payments", paypal.QuerySelector("a[data-testid=provider-connect]")!.GetAttribute("href"));
    }

    [Fact]
    public async Task A_payment_provider_in_Error_is_a_problem_with_its_reason_what_to_do_and_a_link_to_payments()
    {
        await using (var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var stripe = ProviderConnection.ConnectStripe(ProviderMode.Test, new ProviderAccount("acct_1", "Co-Up", "DE", "EUR", true),
                new StoredCredentials("protected", "rk_test_…abcd", "pk_test_1"), new WebhookRegistration(EventDelivery.Local, null, null, null),
                OwnerEmail, DateTimeOffset.UtcNow);
            stripe.Fail("Stripe did not accept this key.", "Copy the key again from your Stripe Dashboard.", DateTimeOffset.UtcNow);
            db.ProviderConnections.Add(stripe);
            await db.SaveChangesAsync();
        }

        var page = RenderPage();

        var problem = page.Find("[data-testid=problem]");
        Assert.Equal("Stripe is not working: Stripe did not accept this key. Copy the key again from your Stripe Dashboard. Open payments",
            System.Text.RegularExpressions.Regex.Replace(problem.TextContent, @"\s+", " ").Trim());
        Assert.Equal("settings/integrations/payments", problem.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("Error", page.Find("[data-testid=card-stripe] [data-testid=provider-status]").TextContent.Trim());
    }

    [Fact]
    public async Task Provider_messages_that_could_not_be_recorded_are_a_warning_until_the_job_records_them()
    {
        await using (var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var stuck = ProviderEvent.Receive(PaymentProvider.PayPal, "WH-1", "PAYMENT.CAPTURE.COMPLETED", "{}", EventSource.Webhook, DateTimeOffset.UtcNow);
            stuck.Failed("PayPal is not connected");
            var done = ProviderEvent.Receive(PaymentProvider.PayPal, "WH-2", "PAYMENT.CAPTURE.COMPLETED", "{}", EventSource.Webhook, DateTimeOffset.UtcNow);
            done.Processed("recorded", DateTimeOffset.UtcNow);
            var waiting = ProviderEvent.Receive(PaymentProvider.PayPal, "WH-3", "PAYMENT.CAPTURE.COMPLETED", "{}", EventSource.Webhook, DateTimeOffset.UtcNow);
            db.ProviderEvents.AddRange(stuck, done, waiting);   // only the one that failed and is not yet done counts
            await db.SaveChangesAsync();
        }

        var problem = RenderPage().Find("[data-testid=problem]");

        Assert.StartsWith("1 message from PayPal could not be recorded yet; EasySpace tries again every 10 minutes.", problem.TextContent.Trim());
        Assert.Equal("settings/integrations/activity", problem.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task The_API_card_counts_active_tokens()
    {
        await Get<ApiTokenService>().CreateAsync(Owner.UserId, "one", [ApiScopes.Read], OwnerEmail);
        var two = await Get<ApiTokenService>().CreateAsync(Owner.UserId, "two", [ApiScopes.Read], OwnerEmail);
        await Get<ApiTokenService>().RevokeAsync(two.Value!.Entity.Id, OwnerEmail);

        Assert.Equal("1 active token.", RenderPage().Find("[data-testid=token-count]").TextContent.Trim());
    }
}
