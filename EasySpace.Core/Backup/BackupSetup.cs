using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Backup;

internal static class BackupSetup
{
    public static IServiceCollection AddEasySpaceBackup(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BackupOptions>().Bind(configuration.GetSection(BackupOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BackupOptions>, BackupOptionsCheck>();
        services.AddSingleton<BackupService>();
        services.AddSingleton<RestoreService>();
        services.AddSingleton<DailyBackups>();
        // The move builds the target's services from these same settings, with the store switched.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<MoveToPostgres>(sp, configuration));
        return services;
    }
}
