using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space.Passes;

internal static class PassesSetup
{
    /// <summary>Drop-in day passes.</summary>
    public static IServiceCollection AddEasySpacePasses(this IServiceCollection services)
    {
        services.AddSingleton<DropInPassService>();
        return services;
    }
}
