using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space.CheckIns;

internal static class CheckInsSetup
{
    /// <summary>Check-ins and the badges (check-in tokens) that make them.</summary>
    public static IServiceCollection AddEasySpaceCheckIns(this IServiceCollection services)
    {
        services.AddSingleton<CheckInService>();
        services.AddSingleton<CheckInDirectory>();
        return services;
    }
}
