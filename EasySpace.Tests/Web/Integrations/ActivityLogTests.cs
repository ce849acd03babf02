using Bunit;
using EasySpace.Core.Activity;
using EasySpace.Core.Events;
using EasySpace.Core.Identity;
using EasySpace.Core.Payments;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Web.Components.Pages.Integrations.Activity;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Web.Integrations;

/// <summary>The activity log as a manager reads it: sentences, the space's clock, what changed, no secrets.</summary>
public class ActivityLogTests : IntegrationsTest
{
    // 08:00 UTC is 09:00 in Zurich (winter time).
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
    private const string WebhookSecret = "whsec_c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1iZS1zaG93bg==";
    private FakeStripe stripe = null!;

    public ActivityLogTests() : base(new FakeTimeProvider(Now)) { }

    protected override (string TimeZone, string Country) Space => ("Europe/Zurich", "CH");

    public override async Task InitializeAsync()
    {
        stripe = await FakeStripe.StartAsync();
        // bUnit takes no registrations once the base has resolved a service: point the options the connector reads at the fake.
        Get<IOptionsMonitor<StripeOptions>>().CurrentValue.ApiBase = stripe.ApiBase;
        await base.InitializeAsync();
    }

    protected override async Task DisposeTestAsync() => await stripe.DisposeAsync();

    private string Log(IRenderedComponent<ActivityLogPage> page) => page.Find("[data-testid=activity-table] tbody").TextContent;

    [Fact]
    public async Task A_line_reads_as_a_sentence_about_whom_at_the_spaces_time_with_what_changed_before_and_after()
    {
        var room = await Services.AddResourceAsync("Room 1");
        var booking = await Services.BookAsync(room, new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1), memberName: "Ada Keller");
        var moved = await Get<BookingService>().ChangeAsync(booking.Id, new BookingDraft
        {
            ResourceId = room.Id, From = booking.From.AddHours(1), To = booking.To.AddHours(1), Title = "Board meeting", MemberName = "Ada Keller",
            Comments = booking.Comments,
        }, OwnerEmail);
        Assert.True(moved.Succeeded, moved.Errors.ToString());

        var page = Render<ActivityLogPage>();

        page.WaitForAssertion(() => Assert.Contains("Ada Keller's booking of Room 1 on Thu 3 Dec 2026", Log(page)));
        var line = page.FindAll("[data-testid=activity-table] tbody tr")[0];
        Assert.Contains("was changed by owner@example.com", line.TextContent);
        Assert.Contains("Wed 2 Dec 2026, 09:00", line.TextContent); // the space's clock, not UTC's 08:00
        var details = line.QuerySelectorAll("[data-testid=activity-details] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Contains(details, d => d.StartsWith("Time: ", StringComparison.Ordinal) && d.Contains("10:00–11:00 → ", StringComparison.Ordinal) && d.EndsWith("11:00–12:00", StringComparison.Ordinal));
        Assert.Contains("Title: Team sync → Board meeting", details);
        Assert.Equal(2, details.Count); // the unchanged room, member and comments are not listed
        Assert.DoesNotContain("booking.changed", page.Markup);
        Assert.DoesNotContain("UTC", page.Markup);
    }

    [Fact]
    public async Task The_log_can_be_narrowed_to_one_kind_picked_by_its_title()
    {
        var endpoint = await CreateEndpointAsync("CRM");
        await Get<EndpointService>().DisableAsync(endpoint.Id, Owner);
        var page = Render<ActivityLogPage>();
        page.WaitForAssertion(() => Assert.Contains("Webhook CRM was disabled by owner@example.com", Log(page)));
        Assert.Contains("Co-Up was set up", Log(page));

        Pick(page, "activity-action", "Webhook disabled");

        page.WaitForAssertion(() => Assert.DoesNotContain("Co-Up was set up", Log(page)));
        Assert.Single(page.FindAll("[data-testid=activity-table] tbody tr"));
        Assert.DoesNotContain(Popovers.FindAll(".mud-list-item"), i => i.TextContent.Contains("webhook.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_search_for_the_words_of_a_title_finds_its_lines()
    {
        var endpoint = await CreateEndpointAsync("CRM");
        await Get<EndpointService>().DisableAsync(endpoint.Id, Owner);

        var found = await Get<ActivityLogReader>().PageAsync("webhook disabled", 0, 10);

        Assert.Equal([ActivityKinds.WebhookDisabled.Code], found.Items.Select(e => e.Action));
    }

    [Fact]
    public async Task Details_name_the_changed_settings_in_words_and_never_show_a_secret()
    {
        // Tried: a webhook given a typed secret, an API token created, Stripe connected with a secret key.
        var endpoint = await CreateEndpointAsync("CRM");
        var updated = await Get<EndpointService>().UpdateAsync(endpoint.Id, new EndpointDraft
        {
            Name = "CRM", Url = "https://crm.example.com/new", Secret = WebhookSecret, Events = ["created_admin", "created_membership"],
        }, Owner);
        Assert.True(updated.Succeeded, updated.Errors.ToString());
        var token = await Get<ApiTokenService>().CreateAsync(OwnerEmail, "Zapier", [ApiScopes.ReadSubscriptions], OwnerEmail);
        Assert.True(token.Succeeded, token.Errors.ToString());
        const string stripeKey = "rk_test_51PgafTB7WZ01zgkWrestrictedA1b2";
        var stripeConnected = await Get<StripeConnector>().ConnectAsync(
            new StripeKeys { Mode = ProviderMode.Test, SecretKey = stripeKey, PublishableKey = "pk_test_51PgafTB7WZ01zgkWpublishable" }, null, OwnerEmail);
        Assert.True(stripeConnected.Succeeded, stripeConnected.Errors.ToString());

        var page = Render<ActivityLogPage>();

        page.WaitForAssertion(() => Assert.Contains("Webhook CRM was changed by owner@example.com", Log(page)));
        var details = page.FindAll("[data-testid=activity-details] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Contains("Address: https://crm.example.com/hook → https://crm.example.com/new", details);
        string Title(string name) => EventCatalogue.Find(name)!.Title;
        Assert.Contains($"Events: {Title("created_admin")} → {Title("created_admin")}, {Title("created_membership")}", details);
        Assert.Contains("Signing secret: replaced", details);
        Assert.Contains("API token “Zapier” was created by owner@example.com", Log(page));
        Assert.Contains("Stripe was connected by owner@example.com", Log(page));
        foreach (var secret in new[] { WebhookSecret, WebhookSecret[6..], token.Value!.Token, stripeKey, "whsec_" })
            Assert.DoesNotContain(secret, page.Markup);
        Assert.DoesNotContain("{\"", page.Markup); // no raw JSON
    }
}
