using EasySpace.Core.Identity;
using EasySpace.Core.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space.Members;

public static class MembersSetup
{
    /// <summary>Plans, memberships, custom fields, the member's own account, and the membership dates for the minute job.</summary>
    public static IServiceCollection AddEasySpaceMembers(this IServiceCollection services)
    {
        services.AddSingleton<PlanService>();
        services.AddSingleton<MembershipService>();
        services.AddSingleton<MemberAccounts>();
        services.AddSingleton<MembershipDirectory>();
        services.AddSingleton<CustomFieldService>();
        services.AddSingleton<AdminList>();
        services.AddSingleton<IDateDrivenEvents, MembershipDates>();
        return services;
    }
}
