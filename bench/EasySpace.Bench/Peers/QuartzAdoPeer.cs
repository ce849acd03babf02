using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;
using Microsoft.Data.Sqlite;
using Quartz;
using Quartz.Extensibility;

namespace EasySpace.Bench.Peers;

/// <summary>
/// Quartz.NET 4.7 with its ADO job store on SQLite (provider "SQLite-Microsoft", schema made by Quartz's own
/// <c>ProvisionSchema</c>): one job per delivery, fired at once, on 16 threads. An event's jobs go to the store in one
/// <c>ScheduleJobs</c> call, which Quartz writes in one transaction. Quartz forces every store operation on SQLite through
/// one in-process lock, and picks up to 16 due triggers per acquisition (<c>MaxBatchSize</c>, default 1).
/// A failed POST schedules the job again a minute later (Quartz itself would drop it).
/// </summary>
public sealed class QuartzAdoPeer : Peer
{
    public const int Threads = 16;
    private readonly IScheduler scheduler;
    private long jobs;

    private QuartzAdoPeer(string dataDirectory, PeerSender sender, IScheduler scheduler) : base(dataDirectory, sender) => this.scheduler = scheduler;

    public static async Task<QuartzAdoPeer> CreateAsync(string dataDirectory, PeerSender sender)
    {
        Directory.CreateDirectory(dataDirectory);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "quartz.db") }.ToString();
        var sender0 = sender;
        var scheduler = await QuartzSchedulerBuilder.Create(q =>
        {
            q.UseDefaultThreadPool(Threads);
            q.UseJobFactory(new Factory(sender0));
            q.UsePersistentStore(store =>
            {
                store.UseSqlite(connectionString); // Microsoft.Data.Sqlite: the provider "SQLite-Microsoft"
                store.ProvisionSchema();
                store.ConfigureStore(o => o.StoreJobDataAsStrings = true); // job data are strings: no serializer
            });
        }).BuildScheduler();
        // Standby: jobs are stored, none is fired until StartWorkersAsync.
        await scheduler.Standby();
        return new QuartzAdoPeer(dataDirectory, sender, scheduler);
    }

    public override async Task EnqueueAsync(string eventKey)
    {
        var batch = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>(Sender.Urls.Count);
        for (var endpoint = 0; endpoint < Sender.Urls.Count; endpoint++)
        {
            var messageId = MessageIds.New();
            var name = "d" + Interlocked.Increment(ref jobs);
            var job = JobBuilder.Create<QuartzDelivery>().WithIdentity(name)
                .UsingJobData(QuartzDelivery.Endpoint, endpoint.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .UsingJobData(QuartzDelivery.MessageId, messageId)
                .UsingJobData(QuartzDelivery.Body, Sender.Body(messageId, eventKey))
                .Build();
            batch[job] = [TriggerBuilder.Create().WithIdentity(name).StartNow().Build()];
        }
        await scheduler.ScheduleJobs(batch);
    }

    public override async Task StartWorkersAsync() => await scheduler.Start();

    public override async Task StopWorkersAsync() => await scheduler.Standby();

    public override async ValueTask DisposeAsync() => await scheduler.Shutdown(waitForJobsToComplete: true);

    private sealed class Factory(PeerSender sender) : IJobFactory
    {
        public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken ct) => ValueTask.FromResult(new JobScope(new QuartzDelivery(sender), null));
        public ValueTask ReturnJob(JobScope scope, CancellationToken ct) => ValueTask.CompletedTask;
    }
}

/// <summary>The job: sign and POST one delivery; on failure, fire again in a minute.</summary>
public sealed class QuartzDelivery(PeerSender sender) : IJob
{
    public const string Endpoint = "endpoint", MessageId = "messageId", Body = "body";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var data = context.MergedJobDataMap;
        try
        {
            await sender.SendAsync(int.Parse(data.GetString(Endpoint)!, System.Globalization.CultureInfo.InvariantCulture), data.GetString(MessageId)!, data.GetString(Body)!, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            await context.Scheduler.ScheduleJob(TriggerBuilder.Create().ForJob(context.JobDetail).StartAt(DateTimeOffset.UtcNow.AddMinutes(1)).Build());
        }
    }
}
