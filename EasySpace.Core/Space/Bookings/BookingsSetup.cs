using EasySpace.Core.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space.Bookings;

internal static class BookingsSetup
{
    /// <summary>Resources and bookings: their services, readers, and the minute job's booking source.</summary>
    public static IServiceCollection AddEasySpaceBookings(this IServiceCollection services)
    {
        services.AddSingleton<ResourceService>();
        services.AddSingleton<BookingService>();
        services.AddSingleton<BookingDirectory>();
        services.AddSingleton<IDateDrivenEvents, BookingSchedule>();
        return services;
    }
}
