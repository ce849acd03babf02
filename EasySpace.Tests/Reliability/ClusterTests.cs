using System.Net;
using EasySpace.Core.Alerts;
using EasySpace.Core.Backup;
using EasySpace.Core.Payments.Inbox;
using EasySpace.Core.Scheduling;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Quartz;

namespace EasySpace.Tests.Reliability;

/// <summary>Several nodes on one PostgreSQL database: who runs which job, and what one node made that another must read.</summary>
[Trait("Store", "Named")]
public class ClusterTests
{
    private static readonly JobKey[] OnceJobs = [DateDrivenEventsJob.Key, PaymentReconciliationJob.Key, AlertJob.Key, RetentionJob.Key];

    [Fact]
    public async Task On_SQLite_every_job_stays_in_the_one_in_memory_scheduler()
    {
        await using var core = await CoreHost.StartAsync(store: Store.Sqlite);
        var schedulers = core.Get<ISchedulerFactory>();
        var node = await schedulers.GetScheduler();
        Assert.False((await node.GetMetadata()).JobStorePersistent);
        Assert.Equal(Names([DeliveryPumpJob.Key, .. OnceJobs, DailyBackupJob.Key]), await JobsAsync(node));
        Assert.Null(await schedulers.LookupScheduler(SchedulingSetup.ClusterScheduler));
    }

    [Fact]
    public async Task On_PostgreSQL_the_pump_runs_on_every_node_and_the_once_jobs_in_the_clustered_store()
    {
        await using var core = await CoreHost.StartAsync(store: Store.Postgres, settings: new Dictionary<string, string?> { ["Scheduling:ClusterCheckinSeconds"] = "1" });
        var schedulers = core.Get<ISchedulerFactory>();

        // Each node pumps its own claims: the pump stays in memory, where a commit's signal triggers it in-process.
        var node = await schedulers.GetScheduler();
        Assert.False((await node.GetMetadata()).JobStorePersistent);
        Assert.Equal(Names([DeliveryPumpJob.Key]), await JobsAsync(node));

        // The backup copies a SQLite file, so on PostgreSQL it is not scheduled at all.
        var cluster = await schedulers.LookupScheduler(SchedulingSetup.ClusterScheduler);
        Assert.NotNull(cluster);
        var meta = await cluster.GetMetadata();
        Assert.True(meta.JobStorePersistent && meta.JobStoreClustered, "the once jobs are in Quartz's clustered store");
        Assert.Equal(Names(OnceJobs), await JobsAsync(cluster));

        // Started, the node checks in under a generated id, in tables Quartz made itself in the same database.
        await cluster.Start();
        try
        {
            Assert.NotEqual(QuartzSchedulerOptions.DefaultInstanceId, cluster.SchedulerInstanceId);
            var tables = new QuartzCluster(core.PostgresConnectionString!);
            await QuartzCluster.WaitUntilAsync(async () => (await tables.NodesAsync()).Contains(cluster.SchedulerInstanceId), 30, "the node's check-in row");
            Assert.Equal(OnceJobs.Length, (await tables.TriggersAsync()).Count);
        }
        finally { await cluster.Shutdown(waitForJobsToComplete: true); }
    }

    [Fact]
    public async Task A_cookie_made_on_one_node_opens_pages_on_another_and_a_secret_saved_through_one_decrypts_on_the_other()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        using var a = OnPostgres(database);
        using var b = OnPostgres(database);
        await a.SetUpSpaceAsync();

        // Logged in on A; B (its own process's key ring, the same database) gets the same cookie and opens a staff page.
        // Cookies belong to the host, not the port, so one container hands A's cookie to B.
        var cookies = new CookieContainer();
        using var onA = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = a.BaseAddress };
        await a.LogInAsync(onA, AppHost.OwnerEmail);
        using var onB = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = b.BaseAddress };
        var page = await onB.GetAsync("/settings/integrations/webhooks");
        Assert.True(page.StatusCode == HttpStatusCode.OK,
            $"B answered {(int)page.StatusCode} {page.Headers.Location} to A's login cookie: B cannot read what A's keys protected");

        var created = await a.Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "Door system", Url = "https://doors.example.com/hook", Events = ["created_booking"],
        }, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);
        Assert.True(created.Succeeded, created.Errors.ToString());
        Assert.Equal(created.Value!.Secret, await b.Get<EndpointService>().RevealSecretAsync(created.Value.Endpoint.Id, WebhookHostExtensions.Owner));
    }

    private static AppHost OnPostgres(string connectionString)
    {
        return new AppHost(Store.Postgres, connectionString).With("Scheduling:ClusterCheckinSeconds", "1");
    }

    private static async Task<List<string>> JobsAsync(IScheduler scheduler) => Names((await scheduler.QueryJobs(new JobQuery())).Items.Select(j => j.Key));

    private static List<string> Names(IEnumerable<JobKey> keys) => keys.Select(k => k.ToString()).Order(StringComparer.Ordinal).ToList();
}
