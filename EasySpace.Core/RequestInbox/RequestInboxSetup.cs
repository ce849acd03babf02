using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.RequestInbox;

internal static class RequestInboxSetup
{
    /// <summary>The built-in request inbox: its pages' service, the receiver and the live feed.</summary>
    public static IServiceCollection AddEasySpaceRequestInbox(this IServiceCollection services)
    {
        services.AddSingleton<RequestInboxFeed>();
        services.AddSingleton<RequestInboxReceiver>();
        services.AddSingleton<IBuiltInReceiver>(sp => sp.GetRequiredService<RequestInboxReceiver>());
        services.AddSingleton<RequestInboxService>();
        return services;
    }
}
