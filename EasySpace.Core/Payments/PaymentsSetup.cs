using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Payments;

internal static class PaymentsSetup
{
    /// <summary>The payment providers' connections.</summary>
    public static IServiceCollection AddEasySpacePayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StripeOptions>(configuration.GetSection(StripeOptions.Section));
        services.AddHttpClient(StripeConnector.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<StripeConnector>();
        return services;
    }
}
