using System.Text;
using EasySpace.Core.Payments.PayPal;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Payments;

/// <summary>The PayPal wizard's service with every log category at Trace (the fixture is Stripe's logging test's).</summary>
public class PayPalLoggingTests(PaymentsLoggingFixture app) : IClassFixture<PaymentsLoggingFixture>
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
