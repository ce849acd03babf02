using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Webhooks;

internal static class WebhooksSetup
{
    public static IServiceCollection AddEasySpaceWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.Section));
        services.AddSingleton<EventOutbox>();
        services.AddSingleton<SecretBox>();
        services.AddSingleton<TargetGuard>();
        services.AddSingleton<RetrySchedule>();
        services.AddSingleton<DeliveryRuns>(); // started and stopped beside Quartz (SchedulingSetup)
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<DeliverySender>();
        services.AddSingleton<EndpointTargets>();
        services.AddSingleton<DeliveryStore>(sp => sp.GetRequiredService<DatabaseOptions>().IsPostgres ? new PostgresDeliveryStore() : new SqliteDeliveryStore());
        services.AddHostedService<DeliveryListener>();
        services.AddSingleton<EngineTimes>();
        services.AddSingleton<DeliveryWriter>();
        services.AddSingleton<DeliveryPump>();
        services.AddSingleton<EndpointService>();
        services.AddSingleton<IAccountRemoval>(sp => sp.GetRequiredService<EndpointService>());
        services.AddSingleton<ApiSubscriptions>();
        services.AddSingleton<WebhookQueries>();
        return services;
    }
}
