using EasySpace.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace EasySpace.Core.Scheduling;

/// <summary>Every minute: asks each date-driven source for what is due, and commits its events in one transaction.</summary>
[DisallowConcurrentExecution]
public sealed class DateDrivenEventsJob(
    IDbContextFactory<AppDbContext> dbFactory,
    IEnumerable<IDateDrivenEvents> sources,
    TimeProvider clock,
    ILogger<DateDrivenEventsJob> log) : IJob
{
    public static readonly JobKey Key = new("date-driven-events", "events");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await RunAsync(ct);

    public async Task RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var source in sources)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                await source.RaiseDueAsync(db, now, ct);
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e)
            {
                // Another run claimed the same key first (the unique index): those events already fired.
                log.LogWarning(e, "Date-driven events of {Source} were already raised; skipped", source.GetType().Name);
            }
        }
    }
}
