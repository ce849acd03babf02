using Bunit;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.PayPal;
using EasySpace.Tests.Fakes;
using EasySpace.Web.Components.Pages.Integrations.Payments;
using EasySpace.Web.Components.Pages.Integrations.Payments.Components;
using Microsoft.Extensions.Options;

namespace EasySpace.Tests.Web.Integrations;

/// <summary>The PayPal wizard and card as a manager clicks through them, against the fake PayPal.</summary>
public sealed class PayPalWizardTests : IntegrationsTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private FakePayPal paypal = null!;

    public override async Task InitializeAsync()
    {
        paypal = await FakePayPal.StartAsync();
        await base.InitializeAsync();
        // The component container is built by now; the settings' cache is where Payments:PayPal:ApiBase is read from.
        var settings = Get<IOptionsMonitorCache<PayPalOptions>>();
        settings.TryRemove(Options.DefaultName);
        settings.TryAdd(Options.DefaultName, new PayPalOptions { ApiBase = paypal.Url });
    }

    protected override async Task DisposeTestAsync() => await paypal.DisposeAsync();

    // Find and click in one renderer turn: a render finishing in between (the account check) would retire the handler.
    private static void Next(IRenderedComponent<PayPalWizardPage> page) =>
        page.InvokeAsync(() => page.Find("button[data-testid=wizard-next]").Click()).GetAwaiter().GetResult();

    private static void EnterCredentials(IRenderedComponent<PayPalWizardPage> page, string clientId, string secret)
    {
        page.Find("[data-testid=client-id] input, input[data-testid=client-id]").Input(clientId);   // Immediate boxes: the value as it is typed
        page.Find("[data-testid=secret] input, input[data-testid=secret]").Input(secret);
        Next(page);
    }

    private IRenderedComponent<PayPalWizardPage> OpenCredentialsStep()
    {
        var page = Render<PayPalWizardPage>();
        Assert.Contains("payments are pretend", page.Markup);   // the environment step says what the sandbox is
        Next(page);   // the sandbox is chosen already
        page.WaitForElement("[data-testid=where-credentials]", Wait);
        return page;
    }

    private Task ConnectAsync() => Get<PayPalConnector>().ConnectAsync(new PayPalCredentials { ClientId = paypal.ClientId, Secret = paypal.Secret }, OwnerEmail);

    [Fact]
    public async Task A_manager_goes_from_sandbox_to_Active_and_the_card_shows_it_without_the_secret()
    {
        var page = OpenCredentialsStep();
        var where = page.Find("[data-testid=where-credentials]").TextContent;
        Assert.Contains("Apps & Credentials", where);
        Assert.Contains("Sandbox", where);
        EnterCredentials(page, paypal.ClientId, paypal.Secret);
        page.WaitForAssertion(() => Assert.Contains("APP-80W284485P519543T", page.Find("[data-testid=app]").TextContent), Wait);
        Assert.Contains("https://space.example.com/payments/paypal/webhook", page.Find("[data-testid=webhook-url]").TextContent);
        Next(page);   // Connect

        page.WaitForAssertion(() => Assert.Contains("PayPal is active in the sandbox", page.Find("[data-testid=wizard-done]").TextContent), Wait);
        Assert.DoesNotContain(paypal.Secret, page.Markup);
        Assert.Single(paypal.Webhooks);
        var card = Render<PayPalCard>();
        card.WaitForAssertion(() => Assert.Equal("Active", card.Find("[data-testid=provider-status]").TextContent.Trim()), Wait);
        Assert.Contains("Sandbox", card.Find("[data-testid=provider-mode]").TextContent);
        Assert.Contains("notified by webhook", card.Find("[data-testid=provider-mode]").TextContent);
        Assert.Contains(paypal.ClientId[..4] + "…" + paypal.ClientId[^4..], card.Find("[data-testid=provider-account]").TextContent);
        Assert.Contains("by " + OwnerEmail, card.Find("[data-testid=provider-account]").TextContent);
        Assert.DoesNotContain(paypal.Secret, card.Markup);
        Assert.Equal(ConnectionStatus.Active, (await Get<PayPalConnector>().CurrentAsync())!.Status);
    }

    [Fact]
    public async Task Choosing_live_points_the_manager_at_the_live_credentials_and_the_card_says_Live()
    {
        var page = Render<PayPalWizardPage>();
        Assert.Contains("real money", page.Find("[data-testid=environment]").TextContent);
        page.FindAll("[data-testid=environment] input[type=radio]")[1].Click();   // Live
        Next(page);
        page.WaitForAssertion(() => Assert.Contains("toggle at the top to Live", page.Find("[data-testid=where-credentials]").TextContent), Wait);
        EnterCredentials(page, paypal.ClientId, paypal.Secret);
        page.WaitForElement("[data-testid=app]", Wait);
        Next(page);   // Connect

        page.WaitForAssertion(() => Assert.Contains("PayPal is active in the live", page.Find("[data-testid=wizard-done]").TextContent), Wait);
        Assert.Equal(ProviderMode.Live, (await Get<PayPalConnector>().CurrentAsync())!.Mode);
        var card = Render<PayPalCard>();
        card.WaitForAssertion(() => Assert.StartsWith("Live,", card.Find("[data-testid=provider-mode]").TextContent.Trim()), Wait);
    }

    [Fact]
    public async Task Connecting_another_app_when_PayPal_will_not_delete_the_old_webhook_ends_Active_with_what_to_delete_by_hand()
    {
        await ConnectAsync();
        paypal.FailingPaths.Add("/v1/notifications/webhooks/");   // deleting one webhook fails
        var other = paypal.AddApp();
        var page = OpenCredentialsStep();
        EnterCredentials(page, other.ClientId, other.Secret);
        page.WaitForElement("[data-testid=app]", Wait);
        Next(page);   // Connect

        page.WaitForAssertion(() => Assert.Contains("could not remove its webhook", page.Find("[data-testid=wizard-left-over]").TextContent), Wait);
        Assert.Contains("PayPal is active in the sandbox", page.Find("[data-testid=wizard-done]").TextContent);
    }

    [Theory]
    [InlineData("nothing typed", "", "", "Paste the client id here.")]
    [InlineData("the secret pasted in the client id box", "EFakeSecretPastedInTheWrongBox", "", "looks like the secret")]
    [InlineData("a space inside the client id", "AFake Client", "EFakeSecret", "only letters, digits, dashes and underscores")]
    public void Credentials_that_cannot_be_right_keep_the_manager_on_the_step_with_a_message_and_ask_PayPal_nothing(string tried, string clientId, string secret, string said)
    {
        var page = OpenCredentialsStep();
        EnterCredentials(page, clientId, secret);

        page.WaitForAssertion(() => Assert.Contains(said, string.Join(" ", page.FindAll(".mud-input-helper-text.mud-input-error").Select(e => e.TextContent))), Wait);
        Assert.Empty(page.FindAll("[data-testid=app]"));
        Assert.True(paypal.Requests.Count == 0, tried);
    }

    [Fact]
    public void Credentials_PayPal_refuses_are_a_sentence_in_the_wizard_that_says_where_to_copy_them()
    {
        var page = OpenCredentialsStep();
        EnterCredentials(page, paypal.ClientId, "EWrongSecret");

        page.WaitForAssertion(() => Assert.Contains("PayPal refused the client id and secret", page.Find("[data-testid=wizard-error]").TextContent), Wait);
        Assert.Contains("Apps & Credentials", page.Find("[data-testid=wizard-error]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=app]"));
    }

    [Fact]
    public void PayPal_failing_on_the_last_step_stops_it_with_a_sentence()
    {
        var page = OpenCredentialsStep();
        EnterCredentials(page, paypal.ClientId, paypal.Secret);
        page.WaitForElement("[data-testid=app]", Wait);
        paypal.FailingPaths.Add("/v1/notifications/webhooks");
        Next(page);

        page.WaitForAssertion(() => Assert.Contains("PayPal had a problem on its side", page.Find("[data-testid=wizard-error]").TextContent), Wait);
        Assert.Empty(page.FindAll("[data-testid=wizard-done]"));
    }

    [Fact]
    public async Task Disconnect_asks_first_then_removes_our_webhook_and_the_card_says_Not_connected()
    {
        await ConnectAsync();
        var card = Render<PayPalCard>();
        card.WaitForElement("button[data-testid=provider-disconnect]", Wait).Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("forgets the client id and secret", DialogProvider.Markup), Wait);
        ClickButton(DialogProvider, "Disconnect");

        card.WaitForAssertion(() => Assert.Equal("Not connected", card.Find("[data-testid=provider-status]").TextContent.Trim()), Wait);
        Assert.Empty(paypal.Webhooks);
        Assert.Null(await Get<PayPalConnector>().CurrentAsync());
    }

    [Fact]
    public async Task Test_connection_shows_the_reason_and_what_to_do_on_the_card()
    {
        await ConnectAsync();
        paypal.RemoveWebhook(paypal.Webhooks.Single().Id);
        var card = Render<PayPalCard>();
        card.WaitForElement("button[data-testid=provider-test]", Wait).Click();

        card.WaitForAssertion(() => Assert.Equal("Error", card.Find("[data-testid=provider-status]").TextContent.Trim()), Wait);
        Assert.Contains("Run the PayPal wizard again", card.Find("[data-testid=provider-error]").TextContent);
    }

    [Fact]
    public async Task The_payments_page_and_the_integrations_overview_show_PayPal_as_the_wizard_left_it()
    {
        await ConnectAsync();

        var payments = Render<PaymentsPage>();
        var overview = Render<EasySpace.Web.Components.Pages.Integrations.Overview.IntegrationsPage>();

        payments.WaitForAssertion(() => Assert.Equal("Active", payments.Find("[data-testid=card-paypal] [data-testid=provider-status]").TextContent.Trim()), Wait);
        overview.WaitForAssertion(() => Assert.Equal("Active", overview.Find("[data-testid=card-paypal] [data-testid=provider-status]").TextContent.Trim()), Wait);
    }
}
