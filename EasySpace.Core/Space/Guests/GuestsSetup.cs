using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space.Guests;

internal static class GuestsSetup
{
    /// <summary>Wifi guest accounts.</summary>
    public static IServiceCollection AddEasySpaceGuests(this IServiceCollection services)
    {
        services.AddSingleton<GuestAccountService>();
        return services;
    }
}
