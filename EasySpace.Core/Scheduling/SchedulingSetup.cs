using EasySpace.Core.Data;
using EasySpace.Core.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace EasySpace.Core.Scheduling;

internal static class SchedulingSetup
{
    /// <summary>The scheduler every node runs for itself, in memory: the delivery pump (and on SQLite every job).</summary>
    public const string NodeScheduler = "EasySpace";

    /// <summary>On PostgreSQL, the scheduler the nodes share through the database: each of its jobs runs once across the cluster.</summary>
    public const string ClusterScheduler = "EasySpaceCluster";

    /// <summary>
    /// Quartz in two parts. The delivery pump runs on every node (each pumps its own claims), so it stays on the RAM
    /// store, where <see cref="DeliverySignal"/> triggers it in-process. The jobs that must run once (date-driven events,
    /// retention, alerts, payment reconciliation) share the node's RAM scheduler on SQLite, one process; on PostgreSQL
    /// they live in Quartz's clustered store in the same database, so a node's death hands them to another.
    /// </summary>
    public static IServiceCollection AddEasySpaceScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var database = DatabaseOptions.From(configuration);
        var pumpInterval = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Webhooks:PumpIntervalSeconds", 5)));
        services.AddQuartz(properties: new System.Collections.Specialized.NameValueCollection { ["quartz.scheduler.instanceName"] = NodeScheduler }, q =>
        {
            q.UseInMemoryStore();
            q.UseDefaultThreadPool(pool => pool.MaxConcurrency = 4);

            // A committed event wakes the pump at once (DeliverySignal); this interval is the safety net, and what
            // picks up retries as they fall due and events committed by another process (a management verb, another node).
            q.AddJob<DeliveryPumpJob>(j => j.WithIdentity(DeliveryPumpJob.Key).StoreDurably());
            q.AddTrigger<DeliveryPumpJob>(t => t.ForJob(DeliveryPumpJob.Key).WithIdentity("delivery-pump-interval", "webhooks").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(pumpInterval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));

            if (database.IsPostgres) return;
            AddOnceJobs(q);
            // Off until Backup:Directory is set; the job itself decides whether the day's copy is due. A copy of the
            // SQLite file: PostgreSQL is backed up with its own tools (operations.md).
            q.AddJob<Backup.DailyBackupJob>(j => j.WithIdentity(Backup.DailyBackupJob.Key).StoreDurably());
            q.AddTrigger<Backup.DailyBackupJob>(t => t.ForJob(Backup.DailyBackupJob.Key).WithIdentity("backup-every-5-minutes", "backup")
                .StartAt(DateTimeOffset.UtcNow.AddMinutes(1))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(5)).RepeatForever()));
        });

        if (database.IsPostgres)
        {
            var checkin = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Scheduling:ClusterCheckinSeconds", 10)));
            services.AddQuartz(ClusterScheduler, q =>
            {
                // Check-ins are compared with the other nodes' clocks, so they run on real time even where a test
                // hands the app a fake clock.
                q.UseTimeProvider(TimeProvider.System);
                q.UseDefaultThreadPool(pool => pool.MaxConcurrency = 4);
                // An idle node looks for due triggers this often (Quartz's default is 30 s): a trigger a dead node held
                // is fired by a survivor about one check-in after it is found dead, not up to half a minute later.
                q.ConfigureScheduler(o => o.IdleWaitTime = checkin);
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(database.ConnectionString!);
                    store.UseSystemTextJsonSerializer();
                    // Quartz's own PostgreSQL script, run only for the tables that are missing; nodes starting together
                    // race harmlessly (the loser finds the winner's tables).
                    store.ProvisionSchema();
                    // The instance id is generated (host name and start time); a node that stops checking in for
                    // the interval and the same again is dead, and its triggers go to another.
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = checkin;
                        c.CheckinMisfireThreshold = checkin;
                    });
                });
                AddOnceJobs(q);
            });
        }
        services.AddQuartzHostedService(o =>
        {
            o.WaitForJobsToComplete = true;
            // Started with the app, before it listens, not after (Quartz's default): /health answered 503 to a request
            // that came in between, saying the scheduler was not running (CI, PostgreSQL, BeforeSetupTests).
            o.AwaitApplicationStarted = false;
        });
        // After Quartz's, so it stops first: the pump's woken runs are cancelled before Quartz waits for its interval run,
        // which would otherwise wait for them to run out of work.
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryRuns>());
        return services;
    }

    /// <summary>The jobs that must run once for the whole installation, however many nodes serve it.</summary>
    private static void AddOnceJobs(IQuartzBuilder q)
    {
        q.AddJob<DateDrivenEventsJob>(j => j.WithIdentity(DateDrivenEventsJob.Key).StoreDurably());
        q.AddTrigger<DateDrivenEventsJob>(t => t.ForJob(DateDrivenEventsJob.Key).WithIdentity("date-driven-every-minute", "events").StartNow()
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever()));

        // Payments a webhook did not bring (downtime, local mode) are found by asking the providers.
        q.AddJob<Payments.Inbox.PaymentReconciliationJob>(j => j.WithIdentity(Payments.Inbox.PaymentReconciliationJob.Key).StoreDurably());
        q.AddTrigger<Payments.Inbox.PaymentReconciliationJob>(t => t.ForJob(Payments.Inbox.PaymentReconciliationJob.Key)
            .WithIdentity("reconciliation-every-10-minutes", "payments").StartAt(DateTimeOffset.UtcNow.AddMinutes(1))
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(10)).RepeatForever()));

        // Alerts look at the integrations once a minute: a condition is announced when it starts and when it ends.
        q.AddJob<Alerts.AlertJob>(j => j.WithIdentity(Alerts.AlertJob.Key).StoreDurably());
        q.AddTrigger<Alerts.AlertJob>(t => t.ForJob(Alerts.AlertJob.Key).WithIdentity("alerts-every-minute", "alerts")
            .StartAt(DateTimeOffset.UtcNow.AddMinutes(1))
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever()));

        q.AddJob<RetentionJob>(j => j.WithIdentity(RetentionJob.Key).StoreDurably());
        q.AddTrigger<RetentionJob>(t => t.ForJob(RetentionJob.Key).WithIdentity("retention-daily", "webhooks")
            .StartAt(DateTimeOffset.UtcNow.AddMinutes(10))
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(24)).RepeatForever()));
    }
}
