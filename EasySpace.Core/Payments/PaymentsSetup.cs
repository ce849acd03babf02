using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Payments;

internal static class PaymentsSetup
{
    /// <summary>The payment providers: Stripe's connection and our PayPal client.</summary>
    public static IServiceCollection AddEasySpacePayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StripeOptions>(configuration.GetSection(StripeOptions.Section));
        services.AddHttpClient(StripeConnector.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<StripeConnector>();
        // Stripe Checkout, its events and its reconciliation.
        services.AddSingleton<StripeCheckout>().AddSingleton<Checkout.ICheckoutProvider>(sp => sp.GetRequiredService<StripeCheckout>());
        services.AddSingleton<Inbox.IProviderEventHandler, StripeEvents>().AddSingleton<Inbox.IProviderReconciler, StripeReconciler>();
        services.AddSingleton<Checkout.CheckoutService>();
        services.AddSingleton<Checkout.CheckoutCompletion>();
        services.AddSingleton<Inbox.ProviderInbox>();
        PayPal.PayPalSetup.AddPayPal(services, configuration);
        return services;
    }
}
