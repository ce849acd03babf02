using System.Text;
using EasySpace.Core.Payments.PayPal;
using EasySpace.Tests.Api;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace EasySpace.Tests.Core.Payments;

/// <summary>The whole app with every log category at Trace and our PayPal client pointed at the fake PayPal.</summary>
public sealed class PayPalLoggingFixture : ApiFixture
{
    public LogCapture Logs { get; } = new();
    public FakePayPal PayPal { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        PayPal = await FakePayPal.StartAsync();
        With("Payments:PayPal:ApiBase", PayPal.Url);
        With("Logging:LogLevel:Default", "Trace");
        With("EasySpace:PublicBaseUrl", "https://space.example.com");   // PayPal can reach it: a webhook is registered
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
        await PayPal.DisposeAsync();
    }
}

public class PayPalLoggingTests(PayPalLoggingFixture app) : IClassFixture<PayPalLoggingFixture>
{
    [Fact]
    public async Task Connecting_failing_testing_and_disconnecting_write_neither_the_secret_nor_a_token_to_any_log()
    {
        var connector = app.Get<PayPalConnector>();
        var paypal = app.PayPal;
        var credentials = new PayPalCredentials { ClientId = paypal.ClientId, Secret = paypal.Secret };

        Assert.True((await connector.ConnectAsync(credentials, AppHost.OwnerEmail)).Succeeded);
        Assert.False((await connector.ConnectAsync(new PayPalCredentials { ClientId = paypal.ClientId, Secret = paypal.Secret + "x" }, AppHost.OwnerEmail)).Succeeded);
        paypal.FailingPaths.Add("/v1/notifications/webhooks");
        await connector.TestAsync(AppHost.OwnerEmail);
        await connector.DisconnectAsync(AppHost.OwnerEmail);

        var lines = app.Logs.Lines.Select(l => l.Message).ToList();
        Assert.Contains(lines, l => l.Contains("PayPal refused the credentials", StringComparison.Ordinal));   // the refusals did reach the log
        Assert.Contains(lines, l => l.Contains("Authorization", StringComparison.Ordinal));                   // and the requests' headers
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{paypal.ClientId}:{paypal.Secret}"));
        foreach (var secret in paypal.IssuedTokens.Append(paypal.Secret).Append(basic))
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
    }
}
