using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace EasySpace.Core.Scheduling;

internal static class SchedulingSetup
{
    /// <summary>Quartz with its RAM store: the schedules are fixed at start, and the work queues live in our own tables.</summary>
    public static IServiceCollection AddEasySpaceScheduling(this IServiceCollection services)
    {
        services.AddQuartz(properties: new System.Collections.Specialized.NameValueCollection { ["quartz.scheduler.instanceName"] = "EasySpace" }, q =>
        {
            q.UseInMemoryStore();
            q.UseDefaultThreadPool(pool => pool.MaxConcurrency = 4);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
