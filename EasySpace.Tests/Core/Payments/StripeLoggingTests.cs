using EasySpace.Core.Payments;
using EasySpace.Tests.Api;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace EasySpace.Tests.Core.Payments;

/// <summary>The whole app with every log category at Trace and the payment clients pointed at the fake Stripe and PayPal.</summary>
public sealed class PaymentsLoggingFixture : ApiFixture
{
    public LogCapture Logs { get; } = new();
    public FakeStripe Stripe { get; private set; } = null!;
    public FakePayPal PayPal { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Stripe = await FakeStripe.StartAsync();
        PayPal = await FakePayPal.StartAsync();
        With("Payments:Stripe:ApiBase", Stripe.ApiBase);
        With("Payments:PayPal:ApiBase", PayPal.Url);
        With("Logging:LogLevel:Default", "Trace");
        With("EasySpace:PublicBaseUrl", "https://space.example.com");   // the providers can reach it: webhooks (and Stripe's secret) are made
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
        await PayPal.DisposeAsync();
    }
}

public class StripeLoggingTests(PaymentsLoggingFixture app) : IClassFixture<PaymentsLoggingFixture>
{
    private const string RestrictedKey = "rk_test_51PgafTB7WZ01zgkWloggedNever9z";

    [Fact]
    public async Task Connecting_failing_and_disconnecting_write_neither_the_key_nor_the_signing_secret_to_any_log()
    {
        var connector = app.Get<StripeConnector>();
        var keys = new StripeKeys { SecretKey = RestrictedKey, PublishableKey = "pk_test_51PgafTB7WZ01zgkW" };

        Assert.True((await connector.ConnectAsync(keys, null, AppHost.OwnerEmail)).Succeeded);
        app.Stripe.ForbiddenPaths.Add("/v1/webhook_endpoints");
        Assert.False((await connector.ConnectAsync(keys, null, AppHost.OwnerEmail)).Succeeded);
        app.Stripe.RejectKey = true;
        await connector.TestAsync(AppHost.OwnerEmail);
        await connector.DisconnectAsync(AppHost.OwnerEmail);

        Assert.Contains(app.Logs.Lines, l => l.Message.Contains("Stripe refused", StringComparison.Ordinal));   // the refusals did reach the log
        Assert.DoesNotContain(app.Logs.Lines, l => l.Message.Contains(RestrictedKey[8..], StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Message.Contains("whsec_", StringComparison.Ordinal));
    }
}
