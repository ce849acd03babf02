using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Payments.PayPal;

public static class PayPalSetup
{
    /// <summary>The PayPal REST client, its token cache, and the connection the wizard makes.</summary>
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
        services.AddHttpClient<PayPalClient>(http => http.Timeout = TimeSpan.FromSeconds(30));
        // Transient like the typed client it holds, so its HttpClient's handler is renewed as the factory intends.
        services.AddTransient<PayPalConnector>();
        return services;
    }
}
