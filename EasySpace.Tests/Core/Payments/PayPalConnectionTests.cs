using EasySpace.Core.Payments;
using EasySpace.Core.Payments.PayPal;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Payments;

/// <summary>The PayPal wizard's service against a fake PayPal that our real PayPal client calls through Payments:PayPal:ApiBase.</summary>
public sealed class PayPalConnectionTests : IAsyncLifetime
{
    private const string Manager = "owner@example.com";
    private const string OurWebhook = "https://space.example.com/payments/paypal/webhook";
    private FakePayPal paypal = null!;
    private CoreHost core = null!;

    public async Task InitializeAsync()
    {
        paypal = await FakePayPal.StartAsync();
        core = await StartCoreAsync("https://space.example.com");
    }

    public async Task DisposeAsync()
    {
        await core.DisposeAsync();
        await paypal.DisposeAsync();
    }

    private Task<CoreHost> StartCoreAsync(string publicBaseUrl, string? apiBase = null) => CoreHost.StartAsync(new Dictionary<string, string?>
    {
        ["Payments:PayPal:ApiBase"] = apiBase ?? paypal.Url,
        ["EasySpace:PublicBaseUrl"] = publicBaseUrl,
    });

    private PayPalCredentials Credentials(PayPalAccount? app = null) =>
        new() { ClientId = (app ?? paypal.Account).ClientId, Secret = (app ?? paypal.Account).Secret };

    private PayPalConnector Connector => core.Get<PayPalConnector>();

    [Fact]
    public async Task Sandbox_credentials_connect_to_Active_with_our_webhook_registered_for_the_events_we_handle()
    {
        var result = await Connector.ConnectAsync(Credentials(), Manager);

        Assert.True(result.Succeeded, result.Errors.ToString());
        var connection = await Connector.CurrentAsync();
        Assert.Equal((ConnectionStatus.Active, ProviderMode.Test, EventDelivery.Webhook), (connection!.Status, connection.Mode, connection.Delivery));
        Assert.Equal("APP-80W284485P519543T", connection.AccountId);   // what PayPal's token answer names
        Assert.Equal(paypal.ClientId, connection.PublishableKey);
        var webhook = Assert.Single(paypal.Webhooks);
        Assert.Equal(OurWebhook, webhook.Url);
        Assert.Equal(PayPalEvents.Handled.Order(), webhook.EventTypes.Order());
        Assert.Equal(webhook.Id, connection.RemoteWebhookId);
        Assert.NotNull(Assert.Single(paypal.Requests, r => r is { Method: "POST", Path: "/v1/notifications/webhooks" }).RequestId);
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'payments.paypal_connected'"));
    }

    [Fact]
    public async Task The_secret_is_encrypted_at_rest_kept_out_of_the_activity_log_and_handed_back_whole_to_checkout()
    {
        await Connector.ConnectAsync(Credentials(), Manager);

        var stored = (string)core.Scalar("SELECT ProtectedSecretKey || ' ' || SecretKeyHint || ' ' || AccountName FROM ProviderConnections")!;
        Assert.DoesNotContain(paypal.Secret, stored);
        Assert.Contains("…" + paypal.Secret[^4..], stored);
        Assert.Contains(paypal.ClientId[..4] + "…" + paypal.ClientId[^4..], stored);   // the client id's ends stand in for a name
        Assert.DoesNotContain(paypal.Secret, (string)core.Scalar("SELECT group_concat(Details, ' ') FROM ActivityLog")!);
        Assert.Equal(paypal.Account, (await core.Get<ConnectedPayPal>().ActiveAsync(default))?.Account);
    }

    [Fact]
    public async Task A_webhook_already_at_our_url_with_our_events_is_reused_not_doubled()
    {
        var earlier = paypal.AddWebhook(OurWebhook, [.. PayPalEvents.Handled]);
        var someoneElses = paypal.AddWebhook("https://crm.example.com/paypal", "PAYMENT.CAPTURE.COMPLETED");

        var result = await Connector.ConnectAsync(Credentials(), Manager);

        Assert.Equal(earlier, result.Value!.Connection.RemoteWebhookId);
        Assert.Equal([earlier, someoneElses], paypal.Webhooks.Select(w => w.Id).Order());
        Assert.DoesNotContain(paypal.Requests, r => r.Method == "POST" && r.Path == "/v1/notifications/webhooks");
    }

    [Fact]
    public async Task A_webhook_at_our_url_that_misses_events_we_handle_is_replaced()
    {
        var partial = paypal.AddWebhook(OurWebhook, "PAYMENT.CAPTURE.COMPLETED");

        var result = await Connector.ConnectAsync(Credentials(), Manager);

        var webhook = Assert.Single(paypal.Webhooks);
        Assert.NotEqual(partial, webhook.Id);
        Assert.Equal(webhook.Id, result.Value!.Connection.RemoteWebhookId);
        Assert.Equal(PayPalEvents.Handled.Count, webhook.EventTypes.Count);
    }

    [Fact]
    public async Task Connecting_again_with_the_same_app_keeps_its_webhook()
    {
        var first = await Connector.ConnectAsync(Credentials(), Manager);
        var again = await Connector.ConnectAsync(Credentials(), Manager);

        Assert.Equal(first.Value!.Connection.RemoteWebhookId, again.Value!.Connection.RemoteWebhookId);
        Assert.Single(paypal.Webhooks);
    }

    [Fact]
    public async Task Connecting_another_app_deletes_the_webhook_the_old_credentials_registered()
    {
        await Connector.ConnectAsync(Credentials(), Manager);
        var old = paypal.Webhooks.Single();
        var other = paypal.AddApp();

        var result = await Connector.ConnectAsync(Credentials(other), Manager);

        Assert.True(result.Succeeded, result.Errors.ToString());
        var now = Assert.Single(paypal.Webhooks);   // the old app's is gone (deleted with the old credentials: each app sees only its own)
        Assert.NotEqual(old.Id, now.Id);
        Assert.Equal((other.ClientId, OurWebhook), (now.ClientId, now.Url));
        Assert.Equal(now.Id, result.Value!.Connection.RemoteWebhookId);
        Assert.Equal(other, (await core.Get<ConnectedPayPal>().ActiveAsync(default))?.Account);
    }

    [Fact]
    public async Task When_PayPal_will_not_delete_the_old_apps_webhook_the_new_app_is_connected_and_the_manager_is_told_what_to_delete()
    {
        await Connector.ConnectAsync(Credentials(), Manager);
        paypal.FailingPaths.Add("/v1/notifications/webhooks/");   // deleting one webhook fails; listing and creating work
        var other = paypal.AddApp();

        var result = await Connector.ConnectAsync(Credentials(other), Manager);

        Assert.True(result.Succeeded, result.Errors.ToString());
        Assert.Equal(ConnectionStatus.Active, result.Value!.Connection.Status);
        Assert.Contains(OurWebhook, result.Value.LeftOver);
        Assert.Contains($"client id {paypal.ClientId[..4]}…{paypal.ClientId[^4..]}", result.Value.LeftOver);   // the old app, not the new one
        Assert.Contains("could not remove", (string)core.Scalar("SELECT Details FROM ActivityLog WHERE Action = 'payments.paypal_connected' ORDER BY Id DESC LIMIT 1")!);
    }

    [Theory]
    [InlineData("http://space.example.com", "not https")]
    [InlineData("https://localhost:5080", "local or private")]
    [InlineData("https://192.168.1.20", "local or private")]
    public async Task A_box_PayPal_cannot_reach_connects_in_local_mode_and_registers_nothing(string publicBaseUrl, string said)
    {
        await using var local = await StartCoreAsync(publicBaseUrl);
        var connector = local.Get<PayPalConnector>();

        var route = await connector.EventRouteAsync();
        var result = await connector.ConnectAsync(Credentials(), Manager);

        Assert.Contains(said, route.LocalReason);
        Assert.True(result.Succeeded, result.Errors.ToString());
        var connection = result.Value!.Connection;
        Assert.Equal((ConnectionStatus.Active, EventDelivery.Local), (connection.Status, connection.Delivery));
        Assert.Null(connection.RemoteWebhookId);
        Assert.Null(connection.ProtectedSigningSecret);
        Assert.DoesNotContain(paypal.Requests, r => r.Path.StartsWith("/v1/notifications/webhooks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Credentials_PayPal_refuses_are_a_plain_sentence_and_nothing_is_stored()
    {
        var result = await Connector.ConnectAsync(new PayPalCredentials { ClientId = paypal.ClientId, Secret = "EWrongSecret123" }, Manager);

        var error = result.Errors.For(PayPalConnector.ConnectionField);
        Assert.Contains("PayPal refused the client id and secret", error);
        Assert.Contains("Apps & Credentials", error);
        Assert.Null(await Connector.CurrentAsync());
        Assert.Empty(paypal.Webhooks);
    }

    [Fact]
    public async Task PayPal_failing_on_its_side_is_a_plain_sentence_and_nothing_is_stored()
    {
        paypal.FailingPaths.Add("/v1/notifications/webhooks");

        var result = await Connector.ConnectAsync(Credentials(), Manager);

        var error = result.Errors.For(PayPalConnector.ConnectionField);
        Assert.Contains("PayPal had a problem on its side", error);
        Assert.Contains("paypal-status.com", error);
        Assert.Null(await Connector.CurrentAsync());
    }

    [Fact]
    public async Task A_request_PayPal_refuses_with_422_is_a_plain_sentence_quoting_its_reason()
    {
        paypal.RefusedRequests["POST /v1/notifications/webhooks"] = ("INVALID_WEBHOOK_URL", "The webhook URL is not allowed for this app.");

        var result = await Connector.ConnectAsync(Credentials(), Manager);

        var error = result.Errors.For(PayPalConnector.ConnectionField);
        Assert.Contains("PayPal refused to register the webhook: The webhook URL is not allowed for this app (INVALID_WEBHOOK_URL).", error);
        Assert.Contains("Apps & Credentials", error);
        Assert.Null(await Connector.CurrentAsync());
    }

    [Fact]
    public async Task PayPal_out_of_reach_is_a_plain_sentence()
    {
        int closedPort;
        await using (var gone = await FakePayPal.StartAsync()) closedPort = new Uri(gone.Url).Port;
        await using var offline = await StartCoreAsync("https://space.example.com", $"http://127.0.0.1:{closedPort}");

        var result = await offline.Get<PayPalConnector>().VerifyAsync(Credentials());

        Assert.Contains("PayPal could not be reached", result.Errors.For(PayPalConnector.ConnectionField));
    }

    [Fact]
    public async Task The_10_webhook_limit_is_a_plain_sentence()
    {
        for (var i = 0; i < 10; i++) paypal.AddWebhook($"https://tool{i}.example.com/paypal", "PAYMENT.CAPTURE.COMPLETED");

        var result = await Connector.ConnectAsync(Credentials(), Manager);

        Assert.Contains("only 10 webhooks per app", result.Errors.For(PayPalConnector.ConnectionField));
        Assert.Null(await Connector.CurrentAsync());
    }

    [Fact]
    public async Task Test_connection_turns_to_Error_with_what_to_do_when_our_webhook_was_deleted_and_back_to_Active_after_the_wizard()
    {
        await Connector.ConnectAsync(Credentials(), Manager);
        paypal.RemoveWebhook(paypal.Webhooks.Single().Id);

        var broken = await Connector.TestAsync(Manager);
        await Connector.ConnectAsync(Credentials(), Manager);
        var repaired = await Connector.TestAsync(Manager);

        Assert.Equal(ConnectionStatus.Error, broken!.Status);
        Assert.Contains("deleted in PayPal", broken.ErrorReason);
        Assert.Contains("wizard again", broken.ErrorFix);
        Assert.Equal(ConnectionStatus.Active, repaired!.Status);
        Assert.Null(repaired.ErrorReason);
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'payments.paypal_error'"));
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'payments.paypal_tested'"));
    }

    [Fact]
    public async Task Test_connection_asks_PayPal_for_a_fresh_token_so_revoked_credentials_show_on_the_card()
    {
        await Connector.ConnectAsync(Credentials(), Manager);
        var tokensBefore = paypal.TokensIssued;

        var working = await Connector.TestAsync(Manager);
        paypal.FailingPaths.Add("/v1/oauth2/token");
        var failing = await Connector.TestAsync(Manager);

        Assert.Equal(ConnectionStatus.Active, working!.Status);
        Assert.Equal(tokensBefore + 1, paypal.TokensIssued);
        Assert.Equal(ConnectionStatus.Error, failing!.Status);
        Assert.Contains("PayPal had a problem", failing.ErrorReason);
    }

    [Fact]
    public async Task Disconnect_removes_our_webhook_on_PayPal_and_forgets_the_credentials()
    {
        var someoneElses = paypal.AddWebhook("https://crm.example.com/paypal", "PAYMENT.CAPTURE.COMPLETED");
        await Connector.ConnectAsync(Credentials(), Manager);

        var leftOver = await Connector.DisconnectAsync(Manager);

        Assert.Null(leftOver);
        Assert.Equal([someoneElses], paypal.Webhooks.Select(w => w.Id));
        Assert.Null(await Connector.CurrentAsync());
        Assert.Null((await core.Get<ConnectedPayPal>().ActiveAsync(default))?.Account);
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM ProviderConnections"));
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'payments.paypal_disconnected'"));
    }

    [Fact]
    public async Task Disconnect_when_PayPal_fails_still_forgets_the_credentials_and_says_what_to_delete_by_hand()
    {
        await Connector.ConnectAsync(Credentials(), Manager);
        paypal.FailingPaths.Add("/v1/notifications/webhooks");

        var leftOver = await Connector.DisconnectAsync(Manager);

        Assert.Contains("Webhooks in the PayPal developer dashboard", leftOver);
        Assert.Contains(OurWebhook, leftOver);
        Assert.Null(await Connector.CurrentAsync());
    }
}
