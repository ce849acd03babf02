using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Payments.PayPal;

public static class PayPalSetup
{
    /// <summary>The PayPal REST client and its token cache, the connection the wizard makes; PayPal checkout, its webhook events and its reconciliation.</summary>
    public static IServiceCollection AddPayPal(this IServiceCollection services, IConfiguration configuration)
    {
        // A mistyped address stops the start with the setting's name, rather than failing each payment later.
        services.AddOptions<PayPalOptions>().Bind(configuration.GetSection(PayPalOptions.Section))
            .Validate(o => o.ApiBase == "" || Uri.TryCreate(o.ApiBase, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http",
                "Payments:PayPal:ApiBase must be empty or an absolute http(s) address such as https://api-m.paypal.com.")
            .ValidateOnStart();
        services.AddSingleton<PayPalTokens>();
        // HttpClientFactory's request logging shows header names with their values redacted: the secret (Basic) and the
        // tokens (Bearer) travel in Authorization. PayPalClientTests.No_secret_or_token_reaches_the_log holds it to that.
        // The checkout, events and reconciler are singletons that keep their client: connections are recycled by the
        // handler itself (so DNS changes are seen) instead of by the factory, which would never reach a kept client.
        services.AddHttpClient<PayPalClient>(http => http.Timeout = TimeSpan.FromSeconds(30))
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<PayPalConnector>();
        services.AddSingleton<ConnectedPayPal>();
        services.AddSingleton<PayPalCheckout>();
        services.AddSingleton<PayPalWebhookReceiver>();
        services.AddSingleton<Checkout.ICheckoutProvider>(sp => sp.GetRequiredService<PayPalCheckout>());
        services.AddSingleton<Inbox.IProviderEventHandler, PayPalEvents>();
        services.AddSingleton<Inbox.IProviderReconciler, PayPalReconciler>();
        return services;
    }
}
