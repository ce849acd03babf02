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
        PayPal.PayPalSetup.AddPayPal(services, configuration);
        return services;
    }
}
