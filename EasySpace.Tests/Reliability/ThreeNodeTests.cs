using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using EasySpace.Core;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Space;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Core.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EasySpace.Tests.Reliability;

/// <summary>
/// The issue's several-nodes test: three real server processes on loopback ports against one PostgreSQL database, one
/// SIGKILLed mid-delivery. Events come two ways: bulk created_booking events this test commits itself while the nodes
/// deliver, and invoices paid through each node's Stripe webhook (a signed checkout.session.completed posted to each of
/// the three in turn before the kill, to the two survivors after it), which makes that node record the payment and raise
/// created_payment and updated_invoice. Every event arrives at least once, each invoice is paid once, the date-driven
/// confirmations fire once, and the dead node's check-in row goes and its trigger fires on a survivor.
/// </summary>
[Trait("Store", "Named")]
public class ThreeNodeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int AfterKill = 50;
    private const int Memberships = 5;
    private const int CheckinSeconds = 1;
    /// <summary>Invoices paid through each node's webhook before the kill, and through each survivor after it.</summary>
    private const int PaymentsPerNode = 10;
    private static readonly string[] Subscribed = ["created_booking", "confirmed_membership", "created_payment", "updated_invoice"];
    // The minute triggers: a node holds each for up to 30 s before it fires (Quartz acquires ahead), so one is soon held.
    private static readonly string[] MinuteTriggers = ["events.date-driven-every-minute", "alerts.alerts-every-minute"];

    private readonly TempDirectory data = new();
    private readonly List<TempDirectory> nodeFolders = [];
    private readonly List<ServerProcess> servers = [];
    private Receiver receiver = default!;
    private FakeStripe stripe = default!;
    private ServiceProvider services = default!;
    private string database = "";

    public async Task InitializeAsync()
    {
        receiver = await Receiver.StartAsync();
        // A receiver that takes a moment, so the kill lands while deliveries are on their way.
        receiver.Respond = async (_, http) => { await Task.Delay(3, http.RequestAborted); await http.Response.WriteAsync("ok"); };
        database = await PostgresServer.CreateDatabaseAsync();
        // Stripe makes the payment events but sends no webhook: the test posts each one to the node it chooses.
        stripe = await FakeStripe.StartAsync();
        stripe.DeliverWebhooks = false;

        // This test's own Core on the same database commits the events, as a management verb would. Its clock is a day
        // behind, so the memberships it makes start "tomorrow" for it and today for the nodes: their minute job confirms them.
        var settings = PostgresServer.Settings(database);
        settings["EasySpace:DataDirectory"] = data.Path;
        settings["Webhooks:AllowPrivateNetworks"] = "true";
        settings["Payments:Stripe:ApiBase"] = stripe.ApiBase;
        services = new ServiceCollection().AddLogging()
            .AddEasySpaceCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-1)))
            .BuildServiceProvider();
        await services.MigrateDatabaseAsync();
        var setup = await services.GetRequiredService<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = AppHost.OwnerEmail, Password = AppHost.Password, SpaceName = "Three nodes", PublicBaseUrl = "http://127.0.0.1",
        }, "test");
        Assert.True(setup.Succeeded);
        // The space's address is 127.0.0.1, so Stripe is connected in local mode with a forwarding tool's signing secret.
        await services.ConnectStripeAsync(StripeCheckoutKit.ForwardingSecret);
    }

    public async Task DisposeAsync()
    {
        foreach (var server in servers) await server.DisposeAsync();
        await receiver.DisposeAsync();
        await stripe.DisposeAsync();
        await services.DisposeAsync();
        data.Dispose();
        nodeFolders.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task Nothing_is_lost_date_driven_events_fire_once_and_a_killed_node_s_triggers_go_to_another()
    {
        var created = await services.GetRequiredService<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "cluster", Url = receiver.Url.ToString(), Events = [.. Subscribed],
        }, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);
        Assert.True(created.Succeeded);
        Queue<OpenCheckout> checkouts;
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var nodesToday = (await SpaceClock.LoadAsync(db)).Today(DateTimeOffset.UtcNow);
            var plan = await services.AddPlanAsync();
            for (var i = 0; i < Memberships; i++) await services.AddMemberAsync(plan.Id, confirmationDate: MembersKit.Day(nodesToday));
            // The member who pays is confirmed next month, so the only confirmations in the test stay the date-driven ones.
            var payer = (await services.AddMemberAsync(plan.Id, confirmationDate: MembersKit.Day(nodesToday.AddDays(30)))).Membership;
            checkouts = await OpenCheckoutsAsync(new PayingMember(payer.Id, payer.UserId, plan.Id), (3 + 2) * PaymentsPerNode);   // three nodes, then two
        }

        // One node at a time, so each new check-in row names the node just started.
        var quartz = new QuartzCluster(database);
        var instances = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var before = await quartz.NodesAsync();
            var folder = new TempDirectory();
            nodeFolders.Add(folder);
            servers.Add(await ServerProcess.StartAsync(folder.Path, NodeSettings, database));
            string? instance = null;
            await QuartzCluster.WaitUntilAsync(async () => (instance = (await quartz.NodesAsync()).Except(before).FirstOrDefault()) is not null, 60, $"node {i} to check in");
            instances.Add(instance!);
        }

        var outbox = services.GetRequiredService<EventOutbox>();
        var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        // Commits go on in bursts (each once the receiver is within 20 of them) until the kill and for AfterKill more,
        // so the kill lands while deliveries are on their way.
        var committed = 0;
        var killed = new TaskCompletionSource();
        var committer = Task.Run(async () =>
        {
            var last = int.MaxValue;
            while (committed < last)
            {
                if (last == int.MaxValue && killed.Task.IsCompleted) last = committed + AfterKill;
                for (var burst = 10; burst > 0; burst--)
                {
                    await using var db = await dbFactory.CreateDbContextAsync();
                    var id = $"b{committed}";
                    await outbox.RaiseAsync(db, "created_booking", new EventSubject(id, id, new() { ["id"] = id, ["url"] = $"http://127.0.0.1/api/bookings/{id}" }));
                    await db.SaveChangesAsync();
                    Interlocked.Increment(ref committed);
                }
                await receiver.WaitForDistinctAsync(Math.Max(0, committed - 20), seconds: 120);
            }
        });

        // Invoices paid through node 1, 2 and 3 in turn while the bookings are committed and delivered.
        var paid = await PayThroughAsync(checkouts, [0, 1, 2], 3 * PaymentsPerNode, afterKill: false);
        // Stripe retries an event whose answer it did not see, and the proxy may send the retry to another node: the
        // shared inbox knows it there (the payment-once assertions below would catch a second recording).
        Assert.True(await PostToNodeAsync(1, paid.First(p => p.Node == 0).Event), "a retry through another node was not known to the inbox");

        // Mid-delivery, and while the victim holds a minute trigger, so its scheduled work has somewhere to go.
        await receiver.WaitForDistinctAsync(50, seconds: 120);
        var victim = -1;
        List<string> held = [];
        await QuartzCluster.WaitUntilAsync(async () =>
        {
            var holding = await quartz.HeldAsync();
            victim = instances.FindIndex(i => holding.TryGetValue(i, out var t) && t.Intersect(MinuteTriggers).Any());
            if (victim >= 0) held = holding[instances[victim]].Intersect(MinuteTriggers).ToList();
            return victim >= 0;
        }, 90, "a node to hold a minute trigger");
        var atKill = await quartz.TriggersAsync();
        var clock = Stopwatch.StartNew();
        await servers[victim].KillAsync();
        var dead = instances[victim];
        killed.SetResult();
        // More invoices paid through the two survivors, while the cluster finds the dead node and takes its triggers over.
        var paidAfterKill = PayThroughAsync(checkouts, [.. Enumerable.Range(0, 3).Where(n => n != victim)], 2 * PaymentsPerNode, afterKill: true);

        await QuartzCluster.WaitUntilAsync(async () => !(await quartz.NodesAsync()).Contains(dead), 60, "the killed node's check-in row to be removed");
        var foundDead = clock.Elapsed;
        Assert.Empty(await quartz.HeldByAsync(dead));
        await QuartzCluster.WaitUntilAsync(async () =>
        {
            var now = await quartz.TriggersAsync();
            return held.All(t => now[t].Previous >= atKill[t].Next);
        }, 120, $"{string.Join(", ", held)}, held by the killed node, to fire on another");
        var firedElsewhere = clock.Elapsed;
        Assert.Equal(instances.Where((_, i) => i != victim).ToHashSet(), await quartz.NodesAsync());

        await committer;
        paid.AddRange(await paidAfterKill);
        // Each paid invoice raised two events (created_payment, updated_invoice), committed before its post was answered.
        await receiver.WaitForDistinctAsync(committed + Memberships + 2 * paid.Count, seconds: 120);

        await using var check = await dbFactory.CreateDbContextAsync();
        var bookings = await check.Events.Where(e => e.Name == "created_booking").Select(e => e.MessageId).ToListAsync();
        var confirmations = await check.Events.Where(e => e.Name == "confirmed_membership").Select(e => e.MessageId).ToListAsync();
        Assert.Equal(committed, bookings.Count);
        // Every node ran the minute job (each start fires it at once): the memberships were still confirmed once each.
        Assert.Equal(Memberships, confirmations.Count);
        Assert.Equal(Memberships, await check.FiredEvents.CountAsync(f => f.Key.StartsWith("confirmed_membership:")));

        // Each invoice paid once, and its payment's two events raised once each, whichever node took the webhook.
        var invoiceIds = paid.Select(p => p.InvoiceId).ToList();
        var payments = await check.Payments.AsNoTracking().Where(p => invoiceIds.Contains(p.InvoiceId)).ToListAsync();
        Assert.Equal(invoiceIds.Order(), payments.Select(p => p.InvoiceId).Order());
        Assert.All(payments, p => Assert.False(p.Failed));
        Assert.Equal(paid.Count, await check.Invoices.CountAsync(i => invoiceIds.Contains(i.Id) && i.PaidAt != null));
        var subjects = payments.Select(p => ("created_payment", p.Id.ToString())).Concat(invoiceIds.Select(id => ("updated_invoice", id.ToString()))).ToList();
        var paymentEvents = (await check.Events.Where(e => e.Name == "created_payment" || e.Name == "updated_invoice")
            .Select(e => new { e.Name, e.ResourceId, e.MessageId }).ToListAsync()).Where(e => subjects.Contains((e.Name, e.ResourceId))).ToList();
        Assert.Equal(subjects.Order(), paymentEvents.Select(e => (e.Name, e.ResourceId)).Order());

        var lostBulk = bookings.Concat(confirmations).Count(id => !receiver.ByMessageId.ContainsKey(id));
        var lostPayments = paymentEvents.Count(e => !receiver.ByMessageId.ContainsKey(e.MessageId));
        var duplicates = receiver.ByMessageId.Values.Sum(n => n - 1);
        var paymentDuplicates = paymentEvents.Sum(e => Math.Max(0, receiver.ByMessageId.GetValueOrDefault(e.MessageId) - 1));
        output.WriteLine($"{committed} events committed while three nodes delivered, node {victim} killed with {string.Join(", ", held)} held: " +
            $"found dead after {foundDead.TotalSeconds:0.0} s, its trigger fired on another node after {firedElsewhere.TotalSeconds:0.0} s " +
            $"(check-in every {CheckinSeconds} s); {receiver.Received.Count} requests, {duplicates} duplicates, {lostBulk + lostPayments} lost");
        output.WriteLine($"{paid.Count} invoices paid through the nodes' Stripe webhook, each post answered 200: {paymentEvents.Count} " +
            $"created_payment and updated_invoice events, {paymentDuplicates} duplicates among them, {lostPayments} lost");
        for (var n = 0; n < 3; n++)
        {
            var through = paid.Where(p => p.Node == n).ToList();
            output.WriteLine($"  node {n}{(n == victim ? " (killed)" : "")} answered {through.Count(p => !p.AfterKill)} before the kill and " +
                $"{through.Count(p => p.AfterKill)} after ({through.Count(p => p.AlreadyKnown)} already known to the inbox): " +
                $"invoices {string.Join(", ", through.Select(p => p.InvoiceId))}");
        }
        Assert.Equal(0, lostBulk);
        Assert.Equal(0, lostPayments);
        // A dead node is written off after missing its check-in interval and the threshold (one each here); the rest is
        // the survivors' own check-in timers and this machine's load.
        Assert.True(foundDead < TimeSpan.FromSeconds(15), $"the killed node was found dead only after {foundDead.TotalSeconds:0.0} s");
    }

    // Processing a one-time checkout's event asks Stripe nothing, but the cluster's reconciliation job does: the fake answers it.
    private Dictionary<string, string> NodeSettings => new()
    {
        ["Scheduling:ClusterCheckinSeconds"] = CheckinSeconds.ToString(),
        ["Webhooks:AllowPrivateNetworks"] = "true",
        ["Webhooks:TimeoutSeconds"] = "1",
        ["Webhooks:PumpIntervalSeconds"] = "1",
        ["Payments:Stripe:ApiBase"] = stripe.ApiBase,
    };

    /// <summary>An invoice with a Stripe checkout opened for it, not yet paid.</summary>
    private sealed record OpenCheckout(long InvoiceId, string SessionId);

    /// <summary>An invoice paid through one node's webhook: the node that answered, and whether its inbox already had the event.</summary>
    private sealed record PaidThrough(long InvoiceId, int Node, bool AfterKill, bool AlreadyKnown, string Event);

    /// <summary>Opens the invoices and their checkouts up front, so the nodes' phase is spent paying them.</summary>
    private async Task<Queue<OpenCheckout>> OpenCheckoutsAsync(PayingMember payer, int count)
    {
        var open = new Queue<OpenCheckout>();
        for (var i = 0; i < count; i++)
        {
            var invoice = await services.OpenInvoiceAsync(payer);
            var start = await services.StartStripeCheckoutAsync(payer, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id));
            open.Enqueue(new OpenCheckout(invoice.Id, start.SessionId()));
        }
        return open;
    }

    /// <summary>
    /// Pays <paramref name="count"/> open checkouts at the fake, posting each signed checkout.session.completed to the
    /// next of <paramref name="nodes"/> in turn; a node answers once the payment and its events are committed.
    /// </summary>
    private async Task<List<PaidThrough>> PayThroughAsync(Queue<OpenCheckout> open, int[] nodes, int count, bool afterKill)
    {
        var paid = new List<PaidThrough>();
        for (var i = 0; i < count; i++)
        {
            var node = nodes[i % nodes.Length];
            var checkout = open.Dequeue();
            await stripe.CompleteCheckoutAsync(checkout.SessionId);
            var completed = stripe.Events.Single(e => (string)e["type"]! == "checkout.session.completed" && (string)e["data"]!["object"]!["id"]! == checkout.SessionId);
            paid.Add(new PaidThrough(checkout.InvoiceId, node, afterKill, await PostToNodeAsync(node, completed.ToJsonString()), completed.ToJsonString()));
        }
        return paid;
    }

    /// <summary>Posts a Stripe event to a node's webhook, signed now; true when the node's answer says the inbox already had it.</summary>
    private async Task<bool> PostToNodeAsync(int node, string payload)
    {
        HttpResponseMessage answered;
        try
        {
            // A guard against a hang, not a promise about speed: in CI (load average 12–17) a node once took over 30 s.
            answered = await FakeStripe.PostSignedAsync(new Uri(servers[node].Url, StripeConnector.WebhookPath).ToString(),
                payload, StripeCheckoutKit.ForwardingSecret, DateTimeOffset.UtcNow, wait: TimeSpan.FromSeconds(120));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"node {node} did not answer a Stripe webhook within 120 s; what it wrote last:{Environment.NewLine}{servers[node].RecentOutput}");
        }
        using var answer = answered;
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"node {node} answered {(int)answer.StatusCode} to a Stripe webhook");
        return (bool)JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["duplicate"]!;
    }
}
