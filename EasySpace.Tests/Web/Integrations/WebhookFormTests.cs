using EasySpace.Core.Events;
using Bunit;
using EasySpace.Core.Activity;
using EasySpace.Core.Webhooks;
using EasySpace.Web.Components.Pages.Integrations.Webhooks;

namespace EasySpace.Tests.Web.Integrations;

public class WebhookFormTests : IntegrationsTest
{
    private IRenderedComponent<NewWebhookPage> RenderNew()
    {
        var page = Render<NewWebhookPage>();
        page.WaitForElement("[data-testid=webhook-form], form");
        return page;
    }

    private static void Choose(IRenderedComponent<NewWebhookPage> page, string category, params string[] events)
    {
        page.Find($"[data-testid=category-{category}] .mud-expand-panel-header").Click();
        foreach (var name in events)
            page.WaitForElement($"[data-testid=event-{name}] input, input[data-testid=event-{name}]").Change(true);
    }

    private static void Submit(IRenderedComponent<NewWebhookPage> page) => page.Find("form").Submit();

    /// <summary>The error MudBlazor shows under the field (its helper line, in the error colour).</summary>
    private static string FieldError(IRenderedComponent<NewWebhookPage> page, string testId) =>
        page.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent ?? "";

    private async Task<int> CountEndpointsAsync() => (await Get<EndpointService>().ListAsync()).Count;

    [Fact]
    public async Task A_refused_URL_is_reported_at_the_URL_field_and_nothing_is_saved()
    {
        var page = RenderNew();
        Type(page, "webhook-name-input", "CRM");
        Type(page, "webhook-url-input", "ftp://crm.example.com/hook");
        Choose(page, "space-admins", "created_admin");

        Submit(page);

        page.WaitForAssertion(() => Assert.Contains("EasySpace cannot send webhooks to ftp: addresses", FieldError(page, "webhook-url-input")));
        Assert.Equal(0, await CountEndpointsAsync());
    }

    [Fact]
    public async Task Without_events_the_form_asks_for_at_least_one()
    {
        var page = RenderNew();
        Type(page, "webhook-name-input", "CRM");
        Type(page, "webhook-url-input", "https://crm.example.com/hook");

        Submit(page);

        page.WaitForAssertion(() => Assert.Equal("Choose at least one event.", page.Find("[data-testid=events-error]").TextContent.Trim()));
        Assert.Equal(0, await CountEndpointsAsync());
    }

    [Fact]
    public void A_header_name_with_a_space_is_refused_at_the_header()
    {
        var page = RenderNew();
        page.Find("button[data-testid=header-add]").Click();

        Type(page, "header-name", "X Api Key");

        page.WaitForAssertion(() => Assert.Contains("\"X Api Key\" is not a valid header name.", FieldError(page, "header-name")));
    }

    [Fact]
    public async Task A_header_value_with_a_line_break_is_refused_before_anything_is_saved()
    {
        var page = RenderNew();
        Type(page, "webhook-name-input", "CRM");
        Type(page, "webhook-url-input", "https://crm.example.com/hook");
        Choose(page, "space-admins", "created_admin");
        page.Find("button[data-testid=header-add]").Click();
        Type(page, "header-name", "X-Tenant");
        Type(page, "header-value", "acme\r\nX-Injected: yes");

        Submit(page);

        page.WaitForAssertion(() => Assert.Contains("The value of X-Tenant cannot contain line breaks or NUL characters.", FieldError(page, "header-name")));
        Assert.Equal(0, await CountEndpointsAsync());
    }

    [Fact]
    public void A_lead_time_over_60_minutes_is_refused_at_its_field()
    {
        var page = RenderNew();
        Assert.Empty(page.FindAll("[data-testid=filter-lead-time]"));
        Choose(page, "bookings", "booking_will_begin");

        Type(page, "filter-lead-time", "61");

        page.WaitForAssertion(() => Assert.Contains("The lead time is 0 to 60 minutes.", FieldError(page, "filter-lead-time")));
    }

    [Fact]
    public void Filters_appear_only_for_events_that_allow_them()
    {
        var page = RenderNew();
        Choose(page, "space-admins", "created_admin");
        Assert.Empty(page.FindAll("[data-testid=filter-resource-id]"));
        Assert.Empty(page.FindAll("[data-testid=filter-fields]"));

        Choose(page, "bookings", "created_booking");

        page.WaitForElement("[data-testid=filter-resource-id]");
        Assert.Empty(page.FindAll("[data-testid=filter-lead-time]"));
    }

    [Fact]
    public void Select_all_in_a_category_chooses_each_of_its_events()
    {
        var page = RenderNew();
        page.Find("[data-testid=category-check-ins] .mud-expand-panel-header").Click();

        page.WaitForElement("[data-testid=select-all-check-ins] input, input[data-testid=select-all-check-ins]").Change(true);

        page.WaitForAssertion(() => Assert.Equal("4 events chosen", page.Find("[data-testid=events-count]").TextContent.Trim()));
    }

    [Fact]
    public void An_http_address_gets_a_warning_as_it_is_typed()
    {
        var page = RenderNew();

        Type(page, "webhook-url-input", "http://crm.example.com/hook");

        page.WaitForAssertion(() => Assert.Equal(TargetGuard.HttpWarning, page.Find("[data-testid=url-warning]").TextContent.Trim()));
        Type(page, "webhook-url-input", "https://crm.example.com/hook");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=url-warning]")));
    }

    [Fact]
    public async Task Create_Webhook_saves_it_active_and_opens_its_page()
    {
        var page = RenderNew();
        Type(page, "webhook-name-input", "CRM Integration");
        Type(page, "webhook-url-input", "https://crm.example.com/hook");
        Choose(page, "space-admins", "created_admin", "deleted_admin");
        page.Find("button[data-testid=header-add]").Click();
        Type(page, "header-name", "X-Api-Key");
        Type(page, "header-value", "k-123");

        Assert.Equal("Create Webhook", page.Find("button[data-testid=webhook-submit]").TextContent.Trim());
        Submit(page);

        page.WaitForAssertion(() => Assert.Matches("/settings/integrations/webhooks/[0-9]+$", CurrentUri));
        var saved = Assert.Single(await Get<EndpointService>().ListAsync());
        Assert.Equal("CRM Integration", saved.Name);
        Assert.Equal(EndpointStatus.Active, saved.Status);
        Assert.Equal(["created_admin", "deleted_admin"], saved.Events);
        Assert.Equal([new CustomHeader("X-Api-Key", "k-123")], Get<EndpointService>().HeadersOf(saved)); // stored encrypted
        Assert.Equal(PayloadFormat.Full, saved.Format);
        Assert.Equal(EndpointOrigin.SettingsUi, saved.Origin);
        Assert.Equal(OwnerEmail, saved.CreatedByEmail);
        Assert.Equal(Owner.UserId, saved.CreatedByUserId);
        Assert.EndsWith($"/settings/integrations/webhooks/{saved.Id}", CurrentUri);
    }

    [Fact]
    public async Task A_webhook_marked_critical_on_the_form_is_saved_critical()
    {
        var page = RenderNew();
        Type(page, "webhook-name-input", "Door system");
        Type(page, "webhook-url-input", "https://doors.example.com/hook");
        Choose(page, "space-admins", "created_admin");
        page.Find("[data-testid=webhook-critical] input, input[data-testid=webhook-critical]").Change(true);

        Submit(page);

        page.WaitForAssertion(() => Assert.Matches("/settings/integrations/webhooks/[0-9]+$", CurrentUri));
        Assert.True(Assert.Single(await Get<EndpointService>().ListAsync()).IsCritical);
    }

    [Fact]
    public void The_generated_secret_is_not_in_the_page_until_the_manager_reveals_it()
    {
        var page = RenderNew();
        var masked = page.Find("[data-testid=secret-masked]").TextContent;
        Assert.StartsWith("whsec_••", masked);
        var before = page.Markup;

        page.Find("button[data-testid=secret-reveal]").Click();
        var secret = page.Find("[data-testid=secret-input] input, input[data-testid=secret-input]").GetAttribute("value")!;
        Assert.StartsWith("whsec_", secret);
        Assert.True(secret.Length > 40);
        Assert.DoesNotContain(secret, before);
        Assert.DoesNotContain(secret["whsec_".Length..], before);

        page.Find("button[data-testid=secret-reveal]").Click();
        Assert.DoesNotContain(secret, page.Markup);
    }

    [Fact]
    public async Task Editing_shows_the_stored_secret_only_after_Reveal_and_logs_that_it_was_revealed()
    {
        var created = await Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "CRM", Url = "https://crm.example.com/hook", Events = ["created_admin"],
        }, EndpointOrigin.SettingsUi, Owner);
        var secret = created.Value!.Secret;

        var page = Render<EditWebhookPage>(p => p.Add(x => x.Id, created.Value.Endpoint.Id));
        page.WaitForElement("[data-testid=secret-masked]");
        Assert.DoesNotContain(secret, page.Markup);
        Assert.Equal("Save changes", page.Find("button[data-testid=webhook-submit]").TextContent.Trim());

        page.Find("button[data-testid=secret-reveal]").Click();

        page.WaitForAssertion(() => Assert.Equal(secret, page.Find("[data-testid=secret-masked]").TextContent.Trim()));
        var log = await Get<ActivityLogReader>().PageAsync(null, "webhook.secret_revealed", 0, 10);
        Assert.Equal(OwnerEmail, Assert.Single(log.Items).Actor);
    }

    [Fact]
    public async Task Rotating_the_secret_says_the_old_one_keeps_signing_for_24_hours()
    {
        var endpoint = await CreateEndpointAsync();
        var page = Render<EditWebhookPage>(p => p.Add(x => x.Id, endpoint.Id));
        page.WaitForElement("button[data-testid=secret-rotate]").Click();

        DialogProvider.WaitForAssertion(() => Assert.Contains("For the next 24 hours every request is also signed with the current secret", DialogProvider.Markup));
        ClickButton(DialogProvider, "Rotate secret");

        page.WaitForElement("[data-testid=rotation-note]");
        var rotated = (await Get<EndpointService>().GetAsync(endpoint.Id))!;
        Assert.NotNull(rotated.PreviousSecretExpiresAt);
    }

    [Fact]
    public async Task Saving_an_edit_changes_the_webhook_and_keeps_its_secret()
    {
        var created = await Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "CRM", Url = "https://crm.example.com/hook", Events = ["created_admin"],
        }, EndpointOrigin.SettingsUi, Owner);
        var (endpoint, secret) = created.Value!;
        var page = Render<EditWebhookPage>(p => p.Add(x => x.Id, endpoint.Id));
        page.WaitForElement("form");

        Type(page, "webhook-name-input", "CRM (new)");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.EndsWith($"/settings/integrations/webhooks/{endpoint.Id}", CurrentUri));
        Assert.Equal("CRM (new)", (await Get<EndpointService>().GetAsync(endpoint.Id))!.Name);
        Assert.Equal(secret, await Get<EndpointService>().RevealSecretAsync(endpoint.Id, Owner));
    }
}
