using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Alerts;

public static class AlertsSetup
{
    /// <summary>The alert settings, the evaluator the minute job runs, the e-mails and what the bell reads.</summary>
    public static IServiceCollection AddEasySpaceAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsCheck>();
        services.AddSingleton<AlertFeed>();
        services.AddSingleton<AlertMail>();
        services.AddSingleton<AlertEvaluator>();
        return services;
    }
}
