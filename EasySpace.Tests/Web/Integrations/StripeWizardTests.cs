using Bunit;
using EasySpace.Core.Payments;
using EasySpace.Tests.Fakes;
using EasySpace.Web.Components.Pages.Integrations.Payments;
using EasySpace.Web.Components.Pages.Integrations.Payments.Components;
using Microsoft.Extensions.Options;

namespace EasySpace.Tests.Web.Integrations;

/// <summary>The Stripe wizard and card as a manager clicks through them, against the fake Stripe.</summary>
public sealed class StripeWizardTests : IntegrationsTest
{
    private const string RestrictedKey = "rk_test_51PgafTB7WZ01zgkWrestrictedA1b2";
    private const string PublishableKey = "pk_test_51PgafTB7WZ01zgkWpublishable";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private FakeStripe stripe = null!;

    public override async Task InitializeAsync()
    {
        stripe = await FakeStripe.StartAsync();
        await base.InitializeAsync();
        // The component container is built by now; the settings' cache is where Payments:Stripe:ApiBase is read from.
        var settings = Get<IOptionsMonitorCache<StripeOptions>>();
        settings.TryRemove(Options.DefaultName);
        settings.TryAdd(Options.DefaultName, new StripeOptions { ApiBase = stripe.ApiBase });
    }

    protected override async Task DisposeTestAsync() => await stripe.DisposeAsync();

    private static void Type(IRenderedComponent<StripeWizardPage> page, string field, string value) =>
        page.Find($"input[data-testid={field}], [data-testid={field}] input").Input(value);   // the boxes are Immediate: they take the value as it is typed

    private static void EnterKeys(IRenderedComponent<StripeWizardPage> page, string secret = RestrictedKey)
    {
        Type(page, "secret-key", secret);
        Type(page, "publishable-key", PublishableKey);
        Next(page);
    }

    // Find and click in one renderer turn: a render finishing in between (the account check) would retire the handler.
    private static void Next(IRenderedComponent<StripeWizardPage> page) =>
        page.InvokeAsync(() => page.Find("button[data-testid=wizard-next]").Click()).GetAwaiter().GetResult();

    private IRenderedComponent<StripeWizardPage> OpenKeyStep()
    {
        var page = Render<StripeWizardPage>();
        Next(page);   // test mode is chosen already
        page.WaitForElement("[data-testid=permissions]", Wait);
        return page;
    }

    [Fact]
    public async Task A_manager_goes_from_mode_to_Active_and_the_card_shows_it_without_the_key()
    {
        var page = OpenKeyStep();
        Assert.Contains("Webhook Endpoints: Write", page.Find("[data-testid=permissions]").TextContent);
        EnterKeys(page);
        page.WaitForAssertion(() => Assert.Contains("Coworking Co", page.Find("[data-testid=account]").TextContent), Wait);
        Assert.Contains("https://space.example.com/payments/stripe/webhook", page.Find("[data-testid=webhook-url]").TextContent);
        Next(page);   // Connect

        page.WaitForAssertion(() => Assert.Contains("Stripe is active in test mode", page.Find("[data-testid=wizard-done]").TextContent), Wait);
        Assert.DoesNotContain(RestrictedKey, page.Markup);
        Assert.Single(stripe.Endpoints);
        var card = Render<StripeCard>();
        card.WaitForAssertion(() => Assert.Equal("Active", card.Find("[data-testid=provider-status]").TextContent.Trim()), Wait);
        Assert.Contains("Test mode", card.Find("[data-testid=provider-mode]").TextContent);
        Assert.Contains("rk_test_…A1b2", card.Markup);
        Assert.DoesNotContain(RestrictedKey, card.Markup);
        Assert.DoesNotContain("whsec_", card.Markup);
        Assert.Equal(ConnectionStatus.Active, (await Get<StripeConnector>().CurrentAsync())!.Status);
    }

    [Theory]
    [InlineData("a publishable key in the secret field", "pk_test_abc", "starts with rk_test_")]
    [InlineData("a live key in test mode", "rk_live_abc", "live-mode key")]
    public void A_key_that_cannot_be_right_keeps_the_manager_on_the_key_step_with_a_message_and_asks_Stripe_nothing(string tried, string secret, string said)
    {
        var page = OpenKeyStep();
        EnterKeys(page, secret);

        page.WaitForAssertion(() => Assert.Contains(said, string.Join(" ", page.FindAll(".mud-input-helper-text.mud-input-error").Select(e => e.TextContent))), Wait);
        Assert.Empty(page.FindAll("[data-testid=account]"));
        Assert.True(stripe.Calls.Count == 0, tried);
    }

    [Fact]
    public void A_key_Stripe_refuses_is_a_sentence_in_the_wizard()
    {
        stripe.RejectKey = true;
        var page = OpenKeyStep();
        EnterKeys(page);

        page.WaitForAssertion(() => Assert.Contains("Stripe did not accept this key", page.Find("[data-testid=wizard-error]").TextContent), Wait);
        Assert.Empty(page.FindAll("[data-testid=account]"));
    }

    [Fact]
    public void The_endpoint_limit_stops_the_last_step_with_a_sentence()
    {
        stripe.AtEndpointLimit = true;
        var page = OpenKeyStep();
        EnterKeys(page);
        page.WaitForElement("[data-testid=account]", Wait);
        Next(page);

        page.WaitForAssertion(() => Assert.Contains("only 16 webhook endpoints", page.Find("[data-testid=wizard-error]").TextContent), Wait);
        Assert.Empty(page.FindAll("[data-testid=wizard-done]"));
    }

    [Fact]
    public async Task Disconnect_asks_first_then_removes_our_endpoint_and_the_card_says_Not_connected()
    {
        await Get<StripeConnector>().ConnectAsync(new StripeKeys { SecretKey = RestrictedKey, PublishableKey = PublishableKey }, null, OwnerEmail);
        var card = Render<StripeCard>();
        card.WaitForElement("button[data-testid=provider-disconnect]", Wait).Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("forgets the keys", DialogProvider.Markup), Wait);
        ClickButton(DialogProvider, "Disconnect");

        card.WaitForAssertion(() => Assert.Equal("Not connected", card.Find("[data-testid=provider-status]").TextContent.Trim()), Wait);
        Assert.Empty(stripe.Endpoints);
        Assert.Null(await Get<StripeConnector>().CurrentAsync());
    }

    [Fact]
    public async Task The_integrations_overview_shows_Stripe_as_the_wizard_left_it()
    {
        await Get<StripeConnector>().ConnectAsync(new StripeKeys { SecretKey = RestrictedKey, PublishableKey = PublishableKey }, null, OwnerEmail);

        var page = Render<EasySpace.Web.Components.Pages.Integrations.Overview.IntegrationsPage>();

        page.WaitForAssertion(() => Assert.Equal("Active", page.Find("[data-testid=card-stripe] [data-testid=provider-status]").TextContent.Trim()), Wait);
    }

    [Fact]
    public async Task Test_connection_shows_the_reason_and_what_to_do_on_the_card()
    {
        await Get<StripeConnector>().ConnectAsync(new StripeKeys { SecretKey = RestrictedKey, PublishableKey = PublishableKey }, null, OwnerEmail);
        stripe.Endpoints.Clear();
        var card = Render<StripeCard>();
        card.WaitForElement("button[data-testid=provider-test]", Wait).Click();

        card.WaitForAssertion(() => Assert.Equal("Error", card.Find("[data-testid=provider-status]").TextContent.Trim()), Wait);
        Assert.Contains("Run the Stripe wizard again", card.Find("[data-testid=provider-error]").TextContent);
    }
}
