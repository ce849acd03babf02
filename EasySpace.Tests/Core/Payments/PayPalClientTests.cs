using System.Net;
using System.Net.Sockets;
using System.Text;
using EasySpace.Core.Payments.PayPal;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Core.Payments;

/// <summary>Our PayPal client, wired as Core wires it, against a fake PayPal that really listens on 127.0.0.1.</summary>
public class PayPalClientTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly LogCapture logs = new();
    private readonly List<ServiceProvider> containers = [];
    private FakePayPal paypal = default!;
    private PayPalClient client = default!;

    public async Task InitializeAsync()
    {
        paypal = await FakePayPal.StartAsync();
        client = ClientFor(paypal.Url);
    }

    public async Task DisposeAsync()
    {
        foreach (var container in containers) await container.DisposeAsync();
        await paypal.DisposeAsync();
    }

    private PayPalClient ClientFor(string apiBase)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(clock);
        PayPalSetup.AddPayPal(services, new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Payments:PayPal:ApiBase"] = apiBase }).Build());
        var container = services.BuildServiceProvider();
        containers.Add(container);
        return container.GetRequiredService<PayPalClient>();
    }

    private PayPalAccount Account => paypal.Account;

    private static string NewKey() => Guid.NewGuid().ToString();

    private static PayPalOrderRequest Order(string attemptId, decimal amount = 12.50m) => new(
        [new PayPalPurchaseUnitRequest(PayPalMoney.Of(amount, "eur"), attemptId, "Invoice 2026-0042")],
        new PayPalApplicationContext("https://space.example/me/pay/return", "https://space.example/me/pay/cancel"));

    private async Task<PayPalOrder> CreateOrderAsync(string attemptId)
    {
        var created = await client.CreateOrderAsync(Account, Order(attemptId), NewKey(), default);
        Assert.True(created.Succeeded, created.Error?.Message);
        return created.Value!;
    }

    [Fact]
    public async Task Good_credentials_are_accepted()
    {
        var check = await client.VerifyCredentialsAsync(Account, default);

        Assert.True(check.Succeeded, check.Error?.Message);
        Assert.Equal(1, paypal.TokensIssued);
        Assert.Equal("Basic", paypal.Requests.Single().AuthorizationScheme);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_in_a_plain_sentence()
    {
        var check = await client.VerifyCredentialsAsync(Account with { Secret = "not-the-secret" }, default);

        Assert.Equal(PayPalErrorKind.BadCredentials, check.Error!.Kind);
        Assert.StartsWith("PayPal refused the client id and secret.", check.Error.Message);
        Assert.Equal("invalid_client", check.Error.Issue);
    }

    [Fact]
    public async Task A_token_is_reused_until_shortly_before_it_expires()
    {
        paypal.TokenLifetimeSeconds = 3600;
        Assert.True((await client.ListWebhooksAsync(Account, default)).Succeeded);
        Assert.True((await client.ListWebhooksAsync(Account, default)).Succeeded);
        clock.Advance(TimeSpan.FromMinutes(54));
        Assert.True((await client.ListWebhooksAsync(Account, default)).Succeeded);
        Assert.Equal(1, paypal.TokensIssued);

        clock.Advance(TimeSpan.FromMinutes(2));   // 56 minutes: inside the last five, so a new one is asked for
        Assert.True((await client.ListWebhooksAsync(Account, default)).Succeeded);
        Assert.Equal(2, paypal.TokensIssued);
    }

    [Fact]
    public async Task New_credentials_for_the_same_client_id_are_checked_not_served_the_old_token()
    {
        Assert.True((await client.ListWebhooksAsync(Account, default)).Succeeded);

        var list = await client.ListWebhooksAsync(Account with { Secret = "a-mistyped-new-secret" }, default);

        Assert.Equal(PayPalErrorKind.BadCredentials, list.Error!.Kind);
    }

    [Fact]
    public async Task A_token_PayPal_expired_early_is_renewed_once_and_the_call_succeeds()
    {
        Assert.True((await client.ListWebhooksAsync(Account, default)).Succeeded);
        paypal.ExpireTokens();

        var list = await client.ListWebhooksAsync(Account, default);

        Assert.True(list.Succeeded, list.Error?.Message);
        Assert.Equal(2, paypal.TokensIssued);
        Assert.Equal(3, paypal.Requests.Count(r => r.Path == "/v1/notifications/webhooks"));   // ok, refused, ok
    }

    [Fact]
    public async Task A_token_PayPal_keeps_refusing_ends_in_an_error_after_one_renewal()
    {
        paypal.RefuseEveryToken = true;

        var list = await client.ListWebhooksAsync(Account, default);

        Assert.Equal(PayPalErrorKind.BadCredentials, list.Error!.Kind);
        Assert.Equal(2, paypal.TokensIssued);
        Assert.Equal(2, paypal.Requests.Count(r => r.Path == "/v1/notifications/webhooks"));
    }

    [Fact]
    public async Task An_order_carries_our_attempt_id_and_a_page_for_the_payer_to_approve()
    {
        var key = NewKey();
        var created = await client.CreateOrderAsync(Account, Order("attempt-17"), key, default);

        var order = created.Value!;
        Assert.Equal("CREATED", order.Status);
        Assert.StartsWith(paypal.Url + "/checkoutnow?token=", order.ApproveUrl);
        Assert.Equal(key, paypal.Requests.Single(r => r.Path == "/v2/checkout/orders").RequestId);

        var read = (await client.GetOrderAsync(Account, order.Id, default)).Value!;
        Assert.Equal(order.Id, read.Id);
        var unit = Assert.Single(read.PurchaseUnits!);
        Assert.Equal("attempt-17", unit.CustomId);
        Assert.Equal(new PayPalMoney("EUR", "12.50"), unit.Amount);
    }

    [Fact]
    public async Task An_approved_order_is_captured_and_its_capture_completed()
    {
        var order = await CreateOrderAsync("attempt-18");
        paypal.Approve(order.Id);

        var captured = (await client.CaptureOrderAsync(Account, order.Id, NewKey(), default)).Value!;

        Assert.True(captured.Paid);
        Assert.Equal("COMPLETED", captured.OrderStatus);
        Assert.Equal("attempt-18", captured.Capture!.CustomId);
        Assert.Equal(new PayPalMoney("EUR", "12.50"), captured.Capture.Amount);
    }

    [Fact]
    public async Task A_declined_capture_inside_a_completed_order_is_not_paid()
    {
        var order = await CreateOrderAsync("attempt-19");
        paypal.Approve(order.Id);
        paypal.DeclineCaptures = true;

        var captured = (await client.CaptureOrderAsync(Account, order.Id, NewKey(), default)).Value!;

        Assert.Equal("COMPLETED", captured.OrderStatus);
        Assert.Equal("DECLINED", captured.Capture!.Status);
        Assert.False(captured.Paid);
    }

    [Fact]
    public async Task The_same_request_id_twice_creates_one_order()
    {
        var key = NewKey();
        var first = (await client.CreateOrderAsync(Account, Order("attempt-20"), key, default)).Value!;
        var again = (await client.CreateOrderAsync(Account, Order("attempt-20"), key, default)).Value!;
        var other = (await client.CreateOrderAsync(Account, Order("attempt-21"), NewKey(), default)).Value!;

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, other.Id);
    }

    [Fact]
    public async Task A_capture_retried_with_its_request_id_returns_the_first_capture_not_an_error()
    {
        var order = await CreateOrderAsync("attempt-22");
        paypal.Approve(order.Id);
        var key = NewKey();

        var first = (await client.CaptureOrderAsync(Account, order.Id, key, default)).Value!;
        var retried = await client.CaptureOrderAsync(Account, order.Id, key, default);

        Assert.True(retried.Succeeded, retried.Error?.Message);
        Assert.Equal(first.Capture!.Id, retried.Value!.Capture!.Id);
    }

    [Fact]
    public async Task A_zero_amount_is_refused_with_PayPals_reason()
    {
        var created = await client.CreateOrderAsync(Account, Order("attempt-23", amount: 0m), NewKey(), default);

        Assert.Equal(PayPalErrorKind.Refused, created.Error!.Kind);
        Assert.Equal(422, created.Error.Status);
        Assert.Equal("CANNOT_BE_ZERO_OR_NEGATIVE", created.Error.Issue);
        Assert.StartsWith("PayPal refused to create the order: Must be greater than zero", created.Error.Message);
    }

    [Fact]
    public async Task Capturing_an_order_the_payer_has_not_approved_is_refused_with_PayPals_reason()
    {
        var order = await CreateOrderAsync("attempt-24");

        var captured = await client.CaptureOrderAsync(Account, order.Id, NewKey(), default);

        Assert.Equal(422, captured.Error!.Status);
        Assert.Equal("ORDER_NOT_APPROVED", captured.Error.Issue);
        Assert.Contains("Payer has not yet approved the Order", captured.Error.Message);
    }

    [Fact]
    public async Task An_order_id_PayPal_does_not_know_is_not_found_and_stays_inside_the_orders_route()
    {
        var read = await client.GetOrderAsync(Account, "../../v1/notifications/webhooks", default);

        Assert.Equal(PayPalErrorKind.NotFound, read.Error!.Kind);
        Assert.StartsWith("/v2/checkout/orders/..%2F", paypal.Requests.Last().Path);   // escaped: it cannot climb to another route
    }

    [Fact]
    public async Task A_plan_is_sold_as_a_subscription_that_can_be_read_and_cancelled()
    {
        var product = (await client.CreateProductAsync(Account, new PayPalProductRequest("Hot desk membership"), NewKey(), default)).Value!;
        var plan = (await client.CreatePlanAsync(Account, new PayPalPlanRequest(product.Id, "Hot desk monthly",
            [new PayPalBillingCycle(new PayPalFrequency("MONTH"), new PayPalPricingScheme(PayPalMoney.Of(99m, "EUR")))],
            new PayPalPaymentPreferences()), NewKey(), default)).Value!;
        Assert.Equal(product.Id, plan.ProductId);
        Assert.Equal("ACTIVE", plan.Status);

        var created = (await client.CreateSubscriptionAsync(Account, new PayPalSubscriptionRequest(plan.Id, "attempt-25",
            new PayPalApplicationContext("https://space.example/me/subscribe/return", "https://space.example/me/subscribe/cancel")), NewKey(), default)).Value!;
        Assert.Equal("APPROVAL_PENDING", created.Status);
        Assert.NotNull(created.ApproveUrl);

        paypal.ActivateSubscription(created.Id);
        var active = (await client.GetSubscriptionAsync(Account, created.Id, default)).Value!;
        Assert.Equal("ACTIVE", active.Status);
        Assert.Equal("attempt-25", active.CustomId);
        Assert.Equal(new PayPalMoney("EUR", "99.00"), active.BillingInfo!.LastPayment!.Amount);
        Assert.Equal(new DateTimeOffset(2026, 4, 2, 10, 0, 0, TimeSpan.Zero), active.BillingInfo.NextBillingTime);

        Assert.True((await client.CancelSubscriptionAsync(Account, created.Id, "Cancelled by the member", NewKey(), default)).Succeeded);
        Assert.Equal("CANCELLED", (await client.GetSubscriptionAsync(Account, created.Id, default)).Value!.Status);
        var again = await client.CancelSubscriptionAsync(Account, created.Id, "Cancelled by the member", NewKey(), default);
        Assert.Equal("SUBSCRIPTION_STATUS_INVALID", again.Error!.Issue);

        Assert.All(paypal.Requests.Where(r => r.Method == "POST" && r.Path != "/v1/oauth2/token"), r => Assert.False(string.IsNullOrEmpty(r.RequestId)));
    }

    [Fact]
    public async Task Our_webhook_is_registered_listed_and_deleted()
    {
        const string url = "https://space.example/payments/paypal/webhook";
        Assert.Empty((await client.ListWebhooksAsync(Account, default)).Value!);

        var created = (await client.CreateWebhookAsync(Account, url, ["PAYMENT.CAPTURE.COMPLETED", "BILLING.SUBSCRIPTION.CANCELLED"], NewKey(), default)).Value!;
        var listed = Assert.Single((await client.ListWebhooksAsync(Account, default)).Value!);
        Assert.Equal(created.Id, listed.Id);
        Assert.Equal(url, listed.Url);
        Assert.Equal(["PAYMENT.CAPTURE.COMPLETED", "BILLING.SUBSCRIPTION.CANCELLED"], listed.EventTypes.Select(t => t.Name));

        var twice = await client.CreateWebhookAsync(Account, url, ["PAYMENT.CAPTURE.COMPLETED"], NewKey(), default);
        Assert.Equal("WEBHOOK_URL_ALREADY_EXISTS", twice.Error!.Issue);

        Assert.True((await client.DeleteWebhookAsync(Account, created.Id, default)).Succeeded);
        Assert.Empty((await client.ListWebhooksAsync(Account, default)).Value!);
        Assert.Equal(PayPalErrorKind.NotFound, (await client.DeleteWebhookAsync(Account, created.Id, default)).Error!.Kind);
    }

    [Fact]
    public async Task A_webhook_PayPal_signed_verifies_and_a_tampered_or_foreign_one_does_not()
    {
        var ours = (await client.CreateWebhookAsync(Account, "https://space.example/payments/paypal/webhook", ["PAYMENT.CAPTURE.COMPLETED"], NewKey(), default)).Value!;
        // Spacing and key order as PayPal sent them: the client must forward the body untouched.
        const string body = """{"id":"WH-58D329510W468432D-8HN650336L201105X",  "event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{"amount":{"value":"12.50","currency_code":"EUR"}}}""";
        var transmission = paypal.Sign(ours.Id, body);

        Assert.True((await client.VerifyWebhookSignatureAsync(Account, ours.Id, transmission, body, NewKey(), default)).Value);
        Assert.False((await client.VerifyWebhookSignatureAsync(Account, ours.Id, transmission, body.Replace("12.50", "1250.00"), NewKey(), default)).Value);
        Assert.False((await client.VerifyWebhookSignatureAsync(Account, "WH-NOT-OURS", paypal.Sign("WH-NOT-OURS", body), body, NewKey(), default)).Value);
    }

    [Fact]
    public void A_request_without_every_PayPal_transmission_header_is_not_taken_for_a_PayPal_webhook()
    {
        var sent = paypal.Sign("WH-1", "{}");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["paypal-auth-algo"] = sent.AuthAlgo, ["paypal-cert-url"] = sent.CertUrl, ["paypal-transmission-id"] = sent.TransmissionId,
            ["paypal-transmission-sig"] = sent.TransmissionSig, ["paypal-transmission-time"] = sent.TransmissionTime,
        };

        Assert.Equal(sent, PayPalTransmission.From(headers.GetValueOrDefault));
        headers.Remove("paypal-transmission-sig");
        Assert.Null(PayPalTransmission.From(headers.GetValueOrDefault));
    }

    [Fact]
    public async Task A_webhook_body_that_is_not_JSON_is_refused_without_asking_PayPal()
    {
        var before = paypal.Requests.Count;

        var check = await client.VerifyWebhookSignatureAsync(Account, "WH-1", paypal.Sign("WH-1", "{}"), "not json", NewKey(), default);

        Assert.Equal(PayPalErrorKind.Refused, check.Error!.Kind);
        Assert.Equal(before, paypal.Requests.Count);
    }

    [Fact]
    public async Task A_refused_connection_is_a_plain_sentence()
    {
        var unreachable = ClientFor($"http://127.0.0.1:{ClosedPort()}");

        var check = await unreachable.VerifyCredentialsAsync(Account, default);
        var order = await unreachable.CreateOrderAsync(Account, Order("attempt-26"), NewKey(), default);

        Assert.Equal(PayPalErrorKind.Unavailable, check.Error!.Kind);
        Assert.StartsWith("PayPal could not be reached", check.Error.Message);
        Assert.Equal(PayPalErrorKind.Unavailable, order.Error!.Kind);
    }

    [Fact]
    public async Task No_secret_or_token_reaches_the_log()
    {
        // Every path that logs: a good sign-in, refused credentials, a call that works, a 422, an unreachable PayPal.
        await client.VerifyCredentialsAsync(Account, default);
        await client.VerifyCredentialsAsync(Account with { Secret = paypal.Secret + "x" }, default);
        await CreateOrderAsync("attempt-27");
        await client.CreateOrderAsync(Account, Order("attempt-28", amount: 0m), NewKey(), default);
        await ClientFor($"http://127.0.0.1:{ClosedPort()}").VerifyCredentialsAsync(Account, default);

        var lines = logs.Lines.Select(l => l.Message).ToList();
        Assert.Contains(lines, l => l.Contains("Authorization"));   // the headers were logged, so the check below means something
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{paypal.ClientId}:{paypal.Secret}"));
        foreach (var secret in paypal.IssuedTokens.Append(paypal.Secret).Append(basic))
            Assert.DoesNotContain(lines, l => l.Contains(secret));
    }

    [Fact]
    public async Task A_mistyped_PayPal_address_stops_the_start_with_the_settings_name()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Payments:PayPal:ApiBase"] = "api-m.paypal.com" });
        PayPalSetup.AddPayPal(builder.Services, builder.Configuration);
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Payments:PayPal:ApiBase", refused.Message);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
