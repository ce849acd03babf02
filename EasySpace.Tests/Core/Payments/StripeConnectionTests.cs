using EasySpace.Core.Data;
using EasySpace.Core.Payments;
using EasySpace.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using Stripe;

namespace EasySpace.Tests.Core.Payments;

/// <summary>The Stripe wizard's service against a fake Stripe that the real Stripe.net client calls.</summary>
public sealed class StripeConnectionTests : IAsyncLifetime
{
    private const string Manager = "owner@example.com";
    private const string RestrictedKey = "rk_test_51PgafTB7WZ01zgkWrestrictedA1b2";
    private const string PublishableKey = "pk_test_51PgafTB7WZ01zgkWpublishable";
    private FakeStripe stripe = null!;
    private CoreHost core = null!;

    public async Task InitializeAsync()
    {
        stripe = await FakeStripe.StartAsync();
        core = await StartCoreAsync("https://space.example.com");
    }

    public async Task DisposeAsync()
    {
        await core.DisposeAsync();
        await stripe.DisposeAsync();
    }

    private Task<CoreHost> StartCoreAsync(string publicBaseUrl, string? apiBase = null) => CoreHost.StartAsync(new Dictionary<string, string?>
    {
        ["Payments:Stripe:ApiBase"] = apiBase ?? stripe.ApiBase,
        ["EasySpace:PublicBaseUrl"] = publicBaseUrl,
    });

    private static StripeKeys Keys(string secret = RestrictedKey, string publishable = PublishableKey, ProviderMode mode = ProviderMode.Test) =>
        new() { Mode = mode, SecretKey = secret, PublishableKey = publishable };

    private StripeConnector Connector => core.Get<StripeConnector>();

    [Fact]
    public async Task A_restricted_test_key_connects_to_Active_with_our_webhook_registered_at_the_pinned_api_version()
    {
        var result = await Connector.ConnectAsync(Keys(), null, Manager);

        Assert.True(result.Succeeded, result.Errors.ToString());
        var connection = await Connector.CurrentAsync();
        Assert.Equal(ConnectionStatus.Active, connection!.Status);
        Assert.Equal(EventDelivery.Webhook, connection.Delivery);
        Assert.Equal(("Coworking Co", "DE", "EUR", true), (connection.AccountName, connection.AccountCountry, connection.DefaultCurrency, connection.ChargesEnabled));
        var endpoint = Assert.Single(stripe.Endpoints.Values);
        Assert.Equal("https://space.example.com/payments/stripe/webhook", (string)endpoint["url"]!);
        Assert.Equal(StripeConfiguration.ApiVersion, (string)endpoint["api_version"]!);
        Assert.Equal(StripeConnector.HandledEvents.Order(), endpoint["enabled_events"]!.AsArray().Select(e => (string)e!).Order());
        Assert.Equal((string)endpoint["id"]!, connection.RemoteWebhookId);
        Assert.All(stripe.Calls, c => Assert.Equal(RestrictedKey, c.ApiKey));
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'payments.stripe_connected'"));
    }

    [Fact]
    public async Task The_keys_and_the_signing_secret_are_encrypted_at_rest_and_kept_out_of_the_activity_log()
    {
        await Connector.ConnectAsync(Keys(), null, Manager);

        var stored = (string)core.Scalar("SELECT ProtectedSecretKey || ' ' || ProtectedSigningSecret || ' ' || SecretKeyHint FROM ProviderConnections")!;
        Assert.DoesNotContain(RestrictedKey, stored);
        Assert.DoesNotContain("whsec_", stored);
        Assert.Contains("rk_test_…A1b2", stored);
        var log = (string)core.Scalar("SELECT group_concat(Details, ' ') FROM ActivityLog")!;
        Assert.DoesNotContain(RestrictedKey, log);
    }

    [Fact]
    public async Task Spaces_and_a_newline_a_copy_and_paste_brought_along_at_the_ends_are_dropped_before_the_key_is_sent()
    {
        var result = await Connector.ConnectAsync(Keys(secret: "  " + RestrictedKey + "\n", publishable: PublishableKey + " "), null, Manager);

        Assert.True(result.Succeeded, result.Errors.ToString());
        Assert.All(stripe.Calls, c => Assert.Equal(RestrictedKey, c.ApiKey));
        Assert.Equal(PublishableKey, result.Value!.PublishableKey);
    }

    [Fact]
    public async Task A_secret_key_works_with_a_warning_that_a_restricted_key_is_safer()
    {
        var check = await Connector.VerifyAsync(Keys(secret: "sk_test_51PgafTB7WZ01zgkWsecret"));

        Assert.True(check.Succeeded, check.Errors.ToString());
        Assert.Contains(check.Value!.Warnings, w => w.Contains("restricted key", StringComparison.Ordinal) && w.Contains("safer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_account_in_another_currency_than_the_space_gets_a_warning()
    {
        await using (var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            db.SpaceProfiles.Add(SpaceProfile.Create("Hub", "DE", "EUR", "Europe/Berlin", "https://space.example.com", core.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
        stripe.DefaultCurrency = "usd";

        var check = await Connector.VerifyAsync(Keys());

        Assert.True(check.Succeeded, check.Errors.ToString());
        Assert.Contains(check.Value!.Warnings, w => w.Contains("USD", StringComparison.Ordinal) && w.Contains("EUR", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_Stripe_does_not_accept_is_a_plain_sentence_and_nothing_is_stored()
    {
        stripe.RejectKey = true;

        var result = await Connector.ConnectAsync(Keys(), null, Manager);

        Assert.Contains("did not accept this key", result.Errors.For(StripeConnector.ConnectionField));
        Assert.Null(await Connector.CurrentAsync());
        Assert.Empty(stripe.Endpoints);
    }

    [Fact]
    public async Task A_restricted_key_without_the_webhook_permission_is_a_plain_sentence_naming_what_it_tried()
    {
        stripe.ForbiddenPaths.Add("/v1/webhook_endpoints");

        var result = await Connector.ConnectAsync(Keys(), null, Manager);

        var error = result.Errors.For(StripeConnector.ConnectionField);
        Assert.Contains("not allowed to register our webhook endpoint", error);
        Assert.Contains("permission", error);
        Assert.Null(await Connector.CurrentAsync());
    }

    [Fact]
    public async Task The_16_endpoint_limit_is_a_plain_sentence()
    {
        stripe.AtEndpointLimit = true;

        var result = await Connector.ConnectAsync(Keys(), null, Manager);

        Assert.Contains("only 16 webhook endpoints in test mode", result.Errors.For(StripeConnector.ConnectionField));
        Assert.Null(await Connector.CurrentAsync());
    }

    [Fact]
    public async Task Stripe_out_of_reach_is_a_plain_sentence()
    {
        int closedPort;
        await using (var gone = await FakeStripe.StartAsync()) closedPort = new Uri(gone.ApiBase).Port;
        await using var offline = await StartCoreAsync("https://space.example.com", $"http://127.0.0.1:{closedPort}");

        var result = await offline.Get<StripeConnector>().VerifyAsync(Keys());

        Assert.Contains("could not reach Stripe", result.Errors.For(StripeConnector.ConnectionField));
    }

    [Fact]
    public async Task An_endpoint_already_at_our_url_whose_secret_we_lack_is_replaced_so_events_never_come_twice()
    {
        var old = stripe.AddEndpoint("https://space.example.com/payments/stripe/webhook");
        var someoneElses = stripe.AddEndpoint("https://crm.example.com/stripe");

        await Connector.ConnectAsync(Keys(), null, Manager);

        Assert.DoesNotContain(old, stripe.Endpoints.Keys);
        Assert.Contains(someoneElses, stripe.Endpoints.Keys);
        Assert.Single(stripe.Endpoints.Values, e => (string)e["url"]! == "https://space.example.com/payments/stripe/webhook");
    }

    [Fact]
    public async Task Connecting_again_reuses_the_endpoint_we_registered_and_keeps_its_signing_secret()
    {
        await Connector.ConnectAsync(Keys(), null, Manager);
        var first = await Connector.CurrentAsync();

        var again = await Connector.ConnectAsync(Keys(), null, Manager);

        Assert.True(again.Succeeded, again.Errors.ToString());
        Assert.Single(stripe.Endpoints);
        Assert.Equal(first!.RemoteWebhookId, again.Value!.RemoteWebhookId);
        Assert.Equal(first.ProtectedSigningSecret, again.Value.ProtectedSigningSecret);
        Assert.Equal(1, stripe.Calls.Count(c => c.Method == "POST" && c.Path == "/v1/webhook_endpoints"));
    }

    [Theory]
    [InlineData("http://space.example.com", "not https")]
    [InlineData("https://localhost:5080", "local or private")]
    [InlineData("https://192.168.1.20", "local or private")]
    [InlineData("https://hub.local", "local or private")]
    public async Task A_box_Stripe_cannot_reach_connects_in_local_mode_and_registers_nothing(string publicBaseUrl, string said)
    {
        await using var local = await StartCoreAsync(publicBaseUrl);
        var connector = local.Get<StripeConnector>();

        var route = await connector.EventRouteAsync();
        var result = await connector.ConnectAsync(Keys(), null, Manager);

        Assert.Contains(said, route.LocalReason);
        Assert.True(result.Succeeded, result.Errors.ToString());
        Assert.Equal((ConnectionStatus.Active, EventDelivery.Local), (result.Value!.Status, result.Value.Delivery));
        Assert.Null(result.Value.RemoteWebhookId);
        Assert.DoesNotContain(stripe.Calls, c => c.Path.StartsWith("/v1/webhook_endpoints", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_local_mode_a_pasted_signing_secret_is_kept_encrypted_and_a_wrong_one_is_refused()
    {
        await using var local = await StartCoreAsync("http://localhost:5080");
        var connector = local.Get<StripeConnector>();

        var wrong = await connector.ConnectAsync(Keys(), "sk_test_notasecret", Manager);
        var right = await connector.ConnectAsync(Keys(), " whsec_abc123DEF456 ", Manager);

        Assert.NotNull(wrong.Errors.For("SigningSecret"));
        Assert.True(right.Succeeded, right.Errors.ToString());
        Assert.NotNull(right.Value!.ProtectedSigningSecret);
        Assert.DoesNotContain("whsec_", right.Value.ProtectedSigningSecret);
    }

    [Fact]
    public async Task Test_connection_turns_to_Error_with_what_to_do_when_our_endpoint_was_deleted_on_Stripe_and_back_to_Active()
    {
        await Connector.ConnectAsync(Keys(), null, Manager);
        var endpointId = stripe.Endpoints.Keys.Single();
        stripe.Endpoints.TryRemove(endpointId, out var removed);

        var broken = await Connector.TestAsync(Manager);
        stripe.Endpoints[endpointId] = removed!;
        var repaired = await Connector.TestAsync(Manager);

        Assert.Equal(ConnectionStatus.Error, broken!.Status);
        Assert.Contains("deleted in Stripe", broken.ErrorReason);
        Assert.Contains("wizard again", broken.ErrorFix);
        Assert.Equal(ConnectionStatus.Active, repaired!.Status);
        Assert.Null(repaired.ErrorReason);
    }

    [Fact]
    public async Task Test_connection_with_a_key_rolled_on_Stripe_says_so_on_the_card()
    {
        await Connector.ConnectAsync(Keys(), null, Manager);
        stripe.RejectKey = true;

        var tested = await Connector.TestAsync(Manager);

        Assert.Equal(ConnectionStatus.Error, tested!.Status);
        Assert.Contains("did not accept this key", tested.ErrorReason);
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'payments.stripe_error'"));
    }

    [Fact]
    public async Task Disconnect_removes_our_endpoint_on_Stripe_and_forgets_the_keys()
    {
        var someoneElses = stripe.AddEndpoint("https://crm.example.com/stripe");
        await Connector.ConnectAsync(Keys(), null, Manager);

        var leftOver = await Connector.DisconnectAsync(Manager);

        Assert.Null(leftOver);
        Assert.Equal([someoneElses], stripe.Endpoints.Keys);
        Assert.Null(await Connector.CurrentAsync());
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM ProviderConnections"));
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'payments.stripe_disconnected'"));
    }

    [Fact]
    public async Task Disconnect_when_Stripe_refuses_still_forgets_the_keys_and_says_what_to_delete_by_hand()
    {
        await Connector.ConnectAsync(Keys(), null, Manager);
        stripe.RejectKey = true;

        var leftOver = await Connector.DisconnectAsync(Manager);

        Assert.Contains("Developers > Webhooks", leftOver);
        Assert.Null(await Connector.CurrentAsync());
    }
}
