using Microsoft.Extensions.DependencyInjection;
using EasySpace.Core.Webhooks;
using Microsoft.Extensions.Configuration;
using Quartz;

namespace EasySpace.Core.Scheduling;

internal static class SchedulingSetup
{
    /// <summary>Quartz with its RAM store: the schedules are fixed at start, and the work queues live in our own tables.</summary>
    public static IServiceCollection AddEasySpaceScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var pumpInterval = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Webhooks:PumpIntervalSeconds", 5)));
        services.AddQuartz(properties: new System.Collections.Specialized.NameValueCollection { ["quartz.scheduler.instanceName"] = "EasySpace" }, q =>
        {
            q.UseInMemoryStore();
            q.UseDefaultThreadPool(pool => pool.MaxConcurrency = 4);

            // A committed event wakes the pump at once (DeliverySignal); this interval is the safety net, and what
            // picks up retries as they fall due and events committed by another process (a management verb).
            q.AddJob<DeliveryPumpJob>(j => j.WithIdentity(DeliveryPumpJob.Key).StoreDurably());
            q.AddTrigger<DeliveryPumpJob>(t => t.ForJob(DeliveryPumpJob.Key).WithIdentity("delivery-pump-interval", "webhooks").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(pumpInterval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));

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

            // Off until Backup:Directory is set; the job itself decides whether the day's copy is due.
            q.AddJob<Backup.DailyBackupJob>(j => j.WithIdentity(Backup.DailyBackupJob.Key).StoreDurably());
            q.AddTrigger<Backup.DailyBackupJob>(t => t.ForJob(Backup.DailyBackupJob.Key).WithIdentity("backup-every-5-minutes", "backup")
                .StartAt(DateTimeOffset.UtcNow.AddMinutes(1))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(5)).RepeatForever()));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
