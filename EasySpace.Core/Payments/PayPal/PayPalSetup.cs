using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Payments.PayPal;

public static class PayPalSetup
{
    /// <summary>The PayPal REST client and its token cache.</summary>
    public static IServiceCollection AddPayPal(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PayPalOptions>(configuration.GetSection(PayPalOptions.Section));
        services.AddSingleton<PayPalTokens>();
        // HttpClientFactory's request logging shows header names with their values redacted: the secret (Basic) and the
        // tokens (Bearer) travel in Authorization. PayPalClientTests.No_secret_or_token_reaches_the_log holds it to that.
        services.AddHttpClient<PayPalClient>(http => http.Timeout = TimeSpan.FromSeconds(30));
        return services;
    }
}
