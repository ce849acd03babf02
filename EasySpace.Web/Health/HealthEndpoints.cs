using System.Text.Json;
using EasySpace.Core.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace EasySpace.Web.Health;

internal static class HealthEndpoints
{
    public static IServiceCollection AddEasySpaceHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<SchedulerHealthCheck>("scheduler");
        return services;
    }

    /// <summary>GET /health: 200 when every part works, 503 otherwise, with each part's state as JSON.</summary>
    public static void MapEasySpaceHealth(this IEndpointRouteBuilder app) =>
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteJson }).AllowAnonymous();

    private static Task WriteJson(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Description,
                data = e.Value.Data,
            }),
        }));
    }
}

internal sealed class DatabaseHealthCheck(IDbContextFactory<AppDbContext> dbFactory, StorageHealth storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
            if (pending > 0) return HealthCheckResult.Unhealthy($"{pending} migration(s) not applied.");
            await StorageHealth.ProveWritableAsync(db, ct);
            storage.Succeeded();
        }
        catch (Exception e) when (StorageHealth.Describe(e) is not null)
        {
            storage.Failed(e);
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy($"The database cannot be read: {e.GetType().Name}.");
        }
        return storage.Problem is { } problem
            ? HealthCheckResult.Unhealthy($"EasySpace cannot write to its database: {problem}.")
            : HealthCheckResult.Healthy("The database answers, takes writes, and its schema is current.");
    }
}

/// <summary>
/// Every scheduler of this node: on SQLite the one that runs every job; on PostgreSQL also the one the nodes share for
/// the jobs that run once across them (Scheduling/SchedulingSetup.cs). A node whose shared scheduler stopped still
/// delivers, but no longer takes its turn at the date-driven events: not healthy.
/// </summary>
internal sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await schedulers.GetScheduler(ct);   // the node's own; the hosted service starts the others beside it
        var all = (await schedulers.GetAllSchedulers(ct)).OrderBy(s => s.SchedulerName).ToList();
        var stopped = all.Where(s => s.Status != SchedulerStatus.Running).Select(s => s.SchedulerName).ToList();
        // "state" says it for the node as a whole; each scheduler's own state follows under its name.
        var data = new Dictionary<string, object> { ["state"] = stopped.Count == 0 ? "running" : "stopped" };
        foreach (var s in all) data[s.SchedulerName] = s.Status.ToString().ToLowerInvariant();
        if (all.Count == 1)
            return stopped.Count == 0
                ? HealthCheckResult.Healthy("The scheduler is running.", data)
                : HealthCheckResult.Unhealthy("The scheduler is not running.", data: data);
        return stopped.Count == 0
            ? HealthCheckResult.Healthy("This node's scheduler and the one the nodes share are running.", data)
            : HealthCheckResult.Unhealthy($"Not running: {string.Join(", ", stopped)}.", data: data);
    }
}
