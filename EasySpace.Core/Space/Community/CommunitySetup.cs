using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space.Community;

internal static class CommunitySetup
{
    /// <summary>Community events and who comes to them.</summary>
    public static IServiceCollection AddEasySpaceCommunity(this IServiceCollection services)
    {
        services.AddSingleton<CommunityService>();
        return services;
    }
}
