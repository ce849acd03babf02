using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Quartz;
using Xunit.Abstractions;

namespace EasySpace.Tests.Core.Webhooks;

/// <summary>The engine on each store: every test here runs on SQLite and on PostgreSQL (the two classes at the end).</summary>
[Trait("Store", "Named")]
public abstract class DeliveryEngineTests(Store store) : AppWithReceiverTest(new AppHost(store).With("Webhooks:TimeoutSeconds", "2"))
{
    [Fact]
    public async Task A_committed_event_reaches_the_endpoint_at_once_with_the_standard_webhook_headers()
    {
        var created = await app.CreateEndpointAsync(receiver.Url, ["created_admin"], headers: [new("X-Api-Key", "k-123")]);

        var admin = await app.AddAdminAsync();

        var request = await receiver.NextAsync(); // woken by the commit, not by a test call
        Assert.StartsWith("msg_", request.Header("webhook-id"));
        Assert.InRange(long.Parse(request.Header("webhook-timestamp")), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(Signer.Sign(created.Secret, request.Header("webhook-id"), long.Parse(request.Header("webhook-timestamp")), request.Body), request.Header("webhook-signature"));
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        Assert.StartsWith("EasySpace-Webhooks/", request.Header("User-Agent"));
        Assert.Equal("created_admin", request.Header("X-EasySpace-Event"));
        Assert.Equal("1", request.Header("X-EasySpace-Attempt"));
        Assert.Equal("k-123", request.Header("X-Api-Key"));

        var body = request.Json;
        Assert.Equal(request.Header("webhook-id"), body.GetProperty("id").GetString());
        Assert.Equal("created_admin", body.GetProperty("type").GetString());
        Assert.Equal($"{app.BaseAddress.ToString().TrimEnd('/')}/api/admins/{admin.Id}", body.GetProperty("url").GetString());
        Assert.Equal(admin.Email, body.GetProperty("data").GetProperty("email").GetString());
        Assert.True(DateTimeOffset.TryParse(body.GetProperty("timestamp").GetString(), out _));
    }

    [Fact]
    public async Task An_attempt_s_log_lists_every_header_the_receiver_got_while_storing_only_what_the_row_does_not_say()
    {
        var created = await app.CreateEndpointAsync(receiver.Url, ["created_admin"], headers: [new("X-Api-Key", "k-123"), new("X-Team", "ops")]);
        await app.AddAdminAsync();
        var request = await receiver.NextAsync();
        await app.PumpAsync();

        var attempt = Assert.Single(await app.AttemptsAsync(Assert.Single(await app.DeliveriesAsync(created.Endpoint.Id)).Id));
        string[] names = ["Content-Type", "User-Agent", "webhook-id", "webhook-timestamp", "webhook-signature", "X-EasySpace-Event", "X-EasySpace-Attempt", "X-Api-Key", "X-Team"];
        Assert.Equal(names, attempt.RequestHeaders.Select(h => h.Key));
        foreach (var (name, value) in attempt.RequestHeaders)
        {
            if (name is "webhook-signature") Assert.Equal("v1,<redacted>", value);
            else if (name is "X-Api-Key" or "X-Team") Assert.Equal("<redacted>", value);
            else Assert.Equal(request.Header(name), value);
        }
        // The timestamp, the attempt's number and the content type are on the row already or the same every time.
        foreach (var derived in new[] { "webhook-timestamp", "X-EasySpace-Attempt", "Content-Type", "k-123", "ops" })
            Assert.DoesNotContain(derived, attempt.RequestHeadersJson);
    }

    [Fact]
    public void A_record_written_before_session_9_with_every_header_reads_back_as_it_was()
    {
        const string old = """{"Content-Type":"application/json; charset=utf-8","User-Agent":"EasySpace-Webhooks/0.9","webhook-id":"msg_1","webhook-timestamp":"1700000000","webhook-signature":"v1,<redacted> v1,<redacted>","X-EasySpace-Event":"created_admin","X-EasySpace-Attempt":"3","X-Team":"<redacted>"}""";
        var read = SentHeaders.Read(old, DateTimeOffset.FromUnixTimeSeconds(1700000999), attemptNumber: 7);
        Assert.Equal(System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(old)!.ToList(), read);
    }

    [Fact]
    public async Task The_thin_format_sends_only_the_url_and_a_deleted_admin_travels_with_its_last_state()
    {
        await app.CreateEndpointAsync(receiver.Url, ["created_admin", "deleted_admin"], PayloadFormat.Thin);
        var admin = await app.AddAdminAsync();
        var created = await receiver.NextAsync();

        Assert.Equal($$"""{"url":"{{app.BaseAddress.ToString().TrimEnd('/')}}/api/admins/{{admin.Id}}"}""", created.BodyText);

        Assert.True((await app.Get<EasySpace.Core.Identity.UserAdministration>().RemoveAdminAsync(admin.Id, "test")).Succeeded);
        // Cobot's example shows the url alone, which answers 404 once the admin is gone: the last state travels beside it
        // (DESIGN §5; a Cobot client reads url and ignores the rest).
        var deleted = (await receiver.NextAsync()).Json;
        Assert.Equal(admin.Email, deleted.GetProperty("admin").GetProperty("email").GetString());
        Assert.EndsWith($"/api/admins/{admin.Id}", deleted.GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_rolled_back_change_sends_nothing()
    {
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;

        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await app.Get<EventOutbox>().RaiseAsync(db, "created_admin", new EventSubject("x", "x", new() { ["url"] = "http://x/api/admins/x" }));
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }
        await app.PumpAsync();

        Assert.Empty(await app.DeliveriesAsync(endpoint.Id));
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_save_that_fails_keeps_neither_the_change_nor_its_event()
    {
        // Tried: the database refuses the page's change (a trigger aborts its activity entry) after the event was raised
        // on the same unit of work; the event must not commit without the change it reports.
        await app.CreateEndpointAsync(receiver.Url, ["created_admin"]);
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(store == Store.Sqlite
            ? "CREATE TRIGGER refuse_fan_out_test BEFORE INSERT ON ActivityLog WHEN NEW.Subject = 'fan-out test' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            : """
              CREATE FUNCTION refuse_fan_out_test() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN IF NEW."Subject" = 'fan-out test' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
              CREATE TRIGGER refuse_fan_out_test BEFORE INSERT ON "ActivityLog" FOR EACH ROW EXECUTE FUNCTION refuse_fan_out_test();
              """);
        var raised = await app.Get<EventOutbox>().RaiseAsync(db, "created_admin", new EventSubject("x", "x", new() { ["url"] = "http://x/api/admins/x" }));
        db.ActivityLog.Add(EasySpace.Core.Activity.ActivityEntry.Record("test", EasySpace.Core.Activity.ActivityKinds.PlanCreated, "fan-out test", DateTimeOffset.UtcNow));

        await Assert.ThrowsAnyAsync<Exception>(() => db.SaveChangesAsync());

        await app.PumpAsync();
        await using var read = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await read.ActivityLog.AnyAsync(a => a.Subject == "fan-out test"));
        Assert.False(await read.Events.AnyAsync(e => e.ResourceId == "x"));
        Assert.False(await read.Deliveries.AnyAsync());
        Assert.Equal(EntityState.Added, db.Entry(raised).State); // not taken for saved: the caller may still retry
    }

    [Fact]
    public async Task An_endpoint_deleted_before_its_event_is_fanned_out_gets_nothing_and_the_event_stands()
    {
        // Tried: the endpoint is deleted between raising the event and saving. The page's save no longer writes deliveries,
        // so it succeeds; the fan-out finds no endpoint to send to.
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await app.Get<EventOutbox>().RaiseAsync(db, "created_admin", new EventSubject("x", "x", new() { ["url"] = "http://x/api/admins/x" }));
        Assert.True(await app.Get<EndpointService>().DeleteAsync(endpoint.Id, WebhookHostExtensions.Owner));

        await db.SaveChangesAsync();
        await app.PumpAsync();

        await using var read = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.True(await read.Events.AnyAsync(e => e.ResourceId == "x" && e.FannedOut));
        Assert.False(await read.Deliveries.AnyAsync());
    }

    [Fact]
    public async Task A_context_given_back_without_saving_hands_none_of_its_deliveries_to_the_next_operation()
    {
        // Tried: a page raises an event, then gives up on its unit of work (say its validation failed) without saving.
        // Contexts are pooled: the next lease is this very instance, and its save must not carry the abandoned fan-out.
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        var dbs = app.Get<IDbContextFactory<AppDbContext>>();
        AppDbContext abandoned;
        await using (var db = await dbs.CreateDbContextAsync())
        {
            abandoned = db;
            await app.Get<EventOutbox>().RaiseAsync(db, "created_admin", new EventSubject("x", "x", new() { ["url"] = "http://x/api/admins/x" }));
        }

        // The pool hands out its oldest context first: lease until this one comes back.
        var leased = new List<AppDbContext>();
        AppDbContext next;
        do leased.Add(next = await dbs.CreateDbContextAsync());
        while (!ReferenceEquals(next, abandoned) && leased.Count < 200);
        Assert.Same(abandoned, next);
        next.ActivityLog.Add(EasySpace.Core.Activity.ActivityEntry.Record("test", EasySpace.Core.Activity.ActivityKinds.PlanCreated, "unrelated", DateTimeOffset.UtcNow));
        await next.SaveChangesAsync();

        await using var read = await dbs.CreateDbContextAsync();
        Assert.True(await read.ActivityLog.AnyAsync(a => a.Subject == "unrelated"));
        Assert.Equal(0, await read.Deliveries.CountAsync(d => d.EndpointId == endpoint.Id));
        Assert.False(await read.Events.AnyAsync(e => e.ResourceId == "x"));
        foreach (var db in leased) await db.DisposeAsync();
    }

    [Fact]
    public async Task Only_active_endpoints_subscribed_to_the_event_get_a_delivery()
    {
        var subscribed = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"], name: "subscribed")).Endpoint;
        var other = (await app.CreateEndpointAsync(receiver.Url, ["deleted_admin"], name: "other event")).Endpoint;
        var off = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"], name: "off")).Endpoint;
        await app.Get<EndpointService>().DisableAsync(off.Id, WebhookHostExtensions.Owner);

        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();

        Assert.Single(await app.DeliveriesAsync(subscribed.Id));
        Assert.Empty(await app.DeliveriesAsync(other.Id));
        Assert.Empty(await app.DeliveriesAsync(off.Id));
        Assert.Single(receiver.Received);
    }

    [Theory]
    [InlineData("room-1", null, true)]
    [InlineData("room-2", null, false)]
    [InlineData(null, "company", true)]
    [InlineData(null, "phone", false)]
    public async Task Filters_select_which_events_reach_an_endpoint(string? resourceFilter, string? fieldFilter, bool expected)
    {
        var eventName = resourceFilter is not null ? "created_booking" : "updated_custom_field";
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, [eventName],
            filters: new EndpointFilters { ResourceId = resourceFilter, Fields = fieldFilter is null ? null : [fieldFilter] })).Endpoint;

        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            // The booking and membership features raise these for real; here the subject carries what the filters read.
            await app.Get<EventOutbox>().RaiseAsync(db, eventName, new EventSubject("b1", "b1", new() { ["url"] = "http://x/api/bookings/b1" })
            {
                ResourceId = "room-1",
                ChangedFields = ["company", "website"],
            });
            await db.SaveChangesAsync();
        }
        await app.PumpAsync();

        Assert.Equal(expected ? 1 : 0, (await app.DeliveriesAsync(endpoint.Id)).Count);
    }

    [Fact]
    public async Task A_410_deactivates_the_endpoint_at_once_and_holds_its_other_deliveries()
    {
        var gate = new TaskCompletionSource();
        receiver.Respond = async (_, http) => { await gate.Task; http.Response.StatusCode = 410; };
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.AddAdminAsync();     // the second waits behind the first (same endpoint, answer pending)...
        await app.FanOutAsync();       // ...as a delivery: fanned out while the endpoint is still active
        gate.SetResult();
        await app.PumpAsync();

        var after = await app.EndpointAsync(endpoint.Id);
        Assert.Equal(EndpointStatus.Deactivated, after.Status);
        Assert.Contains("410 Gone", after.DeactivationReason);
        // Both were on their way; the first answer recorded deactivates and holds what is left.
        var deliveries = await app.DeliveriesAsync(endpoint.Id);
        Assert.Equal(2, deliveries.Count);
        Assert.Contains(deliveries, d => d.Status == DeliveryStatus.Failed && d.LastStatusCode == 410);
        Assert.All(deliveries, d => Assert.True(d.Status is DeliveryStatus.Failed or DeliveryStatus.Held, $"{d.Status}"));
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failure()
    {
        receiver.Respond = (req, http) =>
        {
            if (req.Path == "/hook") { http.Response.StatusCode = 301; http.Response.Headers.Location = "/elsewhere"; }
            return Task.CompletedTask;
        };
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;

        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();

        Assert.All(receiver.Received, r => Assert.Equal("/hook", r.Path));
        var delivery = Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(301, delivery.LastStatusCode);
        var attempt = Assert.Single(await app.AttemptsAsync(delivery.Id));
        Assert.Equal(AttemptError.Redirect, attempt.Error);
        Assert.Contains("redirects are not followed", attempt.ErrorMessage);
    }

    [Fact]
    public async Task A_receiver_that_hangs_past_the_timeout_fails_the_attempt_as_a_timeout()
    {
        receiver.Respond = receiver.Hang;
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;

        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();

        var delivery = Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        var attempt = Assert.Single(await app.AttemptsAsync(delivery.Id));
        Assert.Equal(AttemptError.Timeout, attempt.Error);
        Assert.InRange(attempt.DurationMs, 1900, 10_000);
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
    }

    [Fact]
    public async Task A_refused_connection_is_recorded_as_refused()
    {
        var port = receiver.Port;
        await receiver.DisposeAsync();
        receiver = await Receiver.StartAsync();
        var endpoint = (await app.CreateEndpointAsync(new Uri($"http://127.0.0.1:{port}/hook"), ["created_admin"])).Endpoint;

        await app.AddAdminAsync();
        await app.PumpAsync();

        var delivery = Assert.Single(await app.DeliveriesAsync(endpoint.Id));
        var attempt = Assert.Single(await app.AttemptsAsync(delivery.Id));
        Assert.Equal(AttemptError.ConnectionRefused, attempt.Error);
    }

    [Fact]
    public async Task A_dropped_connection_is_recorded_as_reset()
    {
        receiver.Respond = Receiver.Abort;
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;

        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();

        var attempt = Assert.Single(await app.AttemptsAsync(Assert.Single(await app.DeliveriesAsync(endpoint.Id)).Id));
        Assert.Equal(AttemptError.ConnectionReset, attempt.Error);
    }

    [Fact]
    public async Task Every_attempt_keeps_headers_with_secrets_and_custom_header_values_redacted_and_the_start_of_the_answer()
    {
        receiver.Respond = async (_, http) => { http.Response.StatusCode = 500; http.Response.Headers["X-Trace"] = "t-1"; await http.Response.WriteAsync(new string('e', 5000)); };
        var created = await app.CreateEndpointAsync(receiver.Url, ["created_admin"], headers: [new("Authorization", "Bearer very-secret"), new("X-Team", "ops")]);

        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();

        var attempt = Assert.Single(await app.AttemptsAsync(Assert.Single(await app.DeliveriesAsync(created.Endpoint.Id)).Id));
        Assert.Equal(500, attempt.StatusCode);
        Assert.DoesNotContain("very-secret", attempt.RequestHeadersJson);
        Assert.DoesNotContain(created.Secret, attempt.RequestHeadersJson);
        // Any custom header value may be a credential, whatever its name: the record keeps the name only.
        Assert.DoesNotContain("ops", attempt.RequestHeadersJson);
        Assert.Equal("<redacted>", attempt.RequestHeaders.Single(h => h.Key == "X-Team").Value);
        Assert.Contains("t-1", attempt.ResponseHeadersJson);
        Assert.Equal(4096, attempt.ResponseBody!.Length);
    }

    [Fact]
    public async Task An_answer_in_any_script_is_kept_as_it_came()
    {
        // Tried: accents, a typographic apostrophe, CJK and an emoji (4 bytes in UTF-8) in the receiver's body; the
        // attempt's row is written by SQLite's own API with the text encoded by us (RowWriter.WriteEach).
        const string answer = "Réponse : d’accord ✓ 日本語 🚀";
        receiver.Respond = async (_, http) => { http.Response.StatusCode = 500; http.Response.Headers["X-Note"] = "n-1"; await http.Response.WriteAsync(answer); };
        var created = await app.CreateEndpointAsync(receiver.Url, ["created_admin"]);

        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();

        var attempt = Assert.Single(await app.AttemptsAsync(Assert.Single(await app.DeliveriesAsync(created.Endpoint.Id)).Id));
        Assert.Equal(answer, attempt.ResponseBody);
        Assert.Contains("X-Note", attempt.ResponseHeadersJson);
        Assert.Equal("HTTP 500", attempt.Summary);
    }

    [Fact]
    public async Task Commits_made_while_the_scheduler_is_on_standby_start_no_run_and_one_run_delivers_them_all_once_it_runs_again()
    {
        // Tried: 30 commits, each waking the pump, while the node's scheduler is on standby (as the bench builds a
        // backlog). A wake starts a run straight away, not through Quartz, so standby has to stop those runs too; and
        // once it runs again, one run takes the lot (a trigger per commit once made 31 runs of 30 commits).
        await app.CreateEndpointAsync(receiver.Url, ["created_booking"]);
        var scheduler = await app.Get<ISchedulerFactory>().GetScheduler();
        var signal = app.Get<DeliverySignal>();
        await scheduler.Standby();
        await signal.WhenIdle;
        var before = signal.RunsStarted;

        for (var i = 0; i < 30; i++) await app.CommitBookingAsync(i);
        await signal.WhenIdle;
        Assert.Equal(before, signal.RunsStarted);
        Assert.Empty(receiver.Received);

        await scheduler.Start();
        signal.Wake();
        await receiver.WaitForDistinctAsync(30, 30);
        await signal.WhenIdle;
        // The interval trigger (every 5 s) may add a run of its own.
        Assert.InRange(signal.RunsStarted - before, 1, 2);
    }
}

[Trait("Store", "Named")]
public sealed class DeliveryEngineOnSqliteTests() : DeliveryEngineTests(Store.Sqlite)
{
    [Fact]
    public async Task Claims_and_records_give_their_connections_back_with_fsync_on_every_commit()
    {
        await app.CreateEndpointAsync(receiver.Url, ["created_admin"]);
        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync(); // claimed, sent, recorded: each without waiting for the disk (decision 0006)

        // The pool hands these connections to pages next: every one must wait for the disk again (decision 0014).
        var contexts = new List<AppDbContext>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
                contexts.Add(db);
                await db.Database.OpenConnectionAsync();
                Assert.True(GroupCommit.WaitsForDisk((SqliteConnection)db.Database.GetDbConnection()), $"connection {i}");
            }
        }
        finally
        {
            foreach (var db in contexts) await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_page_save_returns_once_a_sync_that_began_after_its_commit_has_ended()
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var file = GroupCommit.FileOf(db.Database.GetDbConnection().DataSource)!;
        var before = file.Counts;

        await app.AddAdminAsync();

        // Counted before the save returned: at least its own commit, whatever else the pump committed meanwhile.
        Assert.True(file.Counts.Commits > before.Commits, $"{before} then {file.Counts}");
    }

    [Fact]
    public async Task A_save_of_one_row_is_synced_too_though_SQLite_commits_it_when_the_reader_is_reset()
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var file = GroupCommit.FileOf(db.Database.GetDbConnection().DataSource)!;
        var before = file.Counts;

        // One INSERT … RETURNING: without a transaction SQLite commits it when EF disposes the reader, and runs no commit hook.
        await app.CommitBookingAsync(1);

        Assert.True(file.Counts.Commits > before.Commits, $"{before} then {file.Counts}");
    }
}

[Trait("Store", "Named")]
public sealed class DeliveryEngineOnPostgresTests() : DeliveryEngineTests(Store.Postgres);

/// <summary>
/// Several nodes on one PostgreSQL database (decision 0012): two real hosts in this process, each with its own pump,
/// writer, listener and lease owner, delivering to a real receiver.
/// </summary>
[Trait("Store", "Named")]
public sealed class DeliveryNodesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly AppHost a = new(Store.Postgres);
    private AppHost b = default!;
    private Receiver receiver = default!;

    public async Task InitializeAsync()
    {
        receiver = await Receiver.StartAsync();
        await a.SetUpSpaceAsync();
        // The second node: the same database, its own process state; its interval trigger far off, so a wake is NOTIFY's.
        b = new AppHost(Store.Postgres, a.PostgresConnectionString).With("Webhooks:PumpIntervalSeconds", "3600");
        // A's keys, which the webhook secrets are encrypted with (a data folder belongs to one server; nodes share the key ring).
        var keys = Directory.CreateDirectory(Path.Combine(b.DataDirectory, "keys"));
        foreach (var file in Directory.GetFiles(Path.Combine(a.DataDirectory, "keys"))) File.Copy(file, Path.Combine(keys.FullName, Path.GetFileName(file)));
        _ = b.BaseAddress;
        await Listener(b).Listening.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        b.Dispose();
        a.Dispose();
    }

    [Fact]
    public async Task Two_nodes_pumping_one_backlog_send_every_delivery_once_and_keep_each_endpoint_s_limit_between_them()
    {
        const int events = 500;
        var inFlight = new ConcurrentDictionary<string, int>();
        var peak = new ConcurrentDictionary<string, int>();
        var sent = new ConcurrentDictionary<(string Path, string Id), int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = async (request, http) =>
        {
            var now = inFlight.AddOrUpdate(request.Path, 1, (_, n) => n + 1);
            peak.AddOrUpdate(request.Path, now, (_, p) => Math.Max(p, now));
            if (sent.AddOrUpdate((request.Path, request.Header("webhook-id")), 1, (_, n) => n + 1) == 1 && sent.Count == 2 * events) all.TrySetResult();
            await Task.Delay(20, http.RequestAborted); // the receiver's work: slots fill up, and requests to one endpoint overlap if the nodes let them
            // Counted out before the answer leaves: the sender cannot have started another on this slot yet.
            inFlight.AddOrUpdate(request.Path, 0, (_, n) => n - 1);
            await http.Response.WriteAsync("ok");
        };
        foreach (var path in new[] { "/hook/one", "/hook/two" })
            await a.CreateEndpointAsync(new Uri($"http://127.0.0.1:{receiver.Port}{path}"), ["created_booking"], name: path);

        // One commit on node A: A is woken by its commit, B by the notification; both fan out and claim at once.
        var started = Stopwatch.StartNew();
        await using (var db = await a.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var outbox = a.Get<EventOutbox>();
            for (var i = 0; i < events; i++)
                await outbox.RaiseAsync(db, "created_booking", new EventSubject($"b{i}", $"b{i}", new() { ["id"] = $"b{i}", ["url"] = $"http://x/api/bookings/b{i}" }));
            await db.SaveChangesAsync();
        }
        await all.Task.WaitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine($"{2 * events} deliveries by two nodes in {started.ElapsedMilliseconds} ms; peak in flight per endpoint: {string.Join(", ", peak.Select(p => $"{p.Key} {p.Value}"))}");

        await a.PumpAsync();
        await b.PumpAsync();
        Assert.Equal(2 * events, sent.Count);
        Assert.DoesNotContain(sent, s => s.Value > 1);     // leases of 275 s never expired here: nothing sent twice
        Assert.All(peak.Values, p => Assert.InRange(p, 1, 4));
        await using var read = await a.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(2 * events, await read.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Delivered));
        Assert.Equal(events, await read.Events.CountAsync(e => e.FannedOut));
        Assert.Equal(2 * events, await read.Attempts.CountAsync());
    }

    [Fact]
    public async Task A_commit_on_one_node_wakes_the_other_at_once_and_its_delivery_arrives_through_it()
    {
        // A's pump is kept from running: what arrives was sent by B, which only NOTIFY can have woken (its interval is an hour).
        await (await a.Get<ISchedulerFactory>().GetScheduler()).Standby();
        await a.CreateEndpointAsync(receiver.Url, ["created_booking"]);
        var signalA = a.Get<DeliverySignal>();
        var signalB = b.Get<DeliverySignal>();
        var wokeA = new List<double>();
        var wokeB = new List<double>();
        var arrived = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            signalA.TakeRequest();
            signalB.TakeRequest();
            var clock = Stopwatch.StartNew();
            var woken = (A: Elapsed(signalA.WhenWoken, clock), B: Elapsed(signalB.WhenWoken, clock));
            await using (var db = await a.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            {
                await a.Get<EventOutbox>().RaiseAsync(db, "created_booking", new EventSubject($"b{i}", $"b{i}", new() { ["id"] = $"b{i}", ["url"] = $"http://x/api/bookings/b{i}" }));
                await db.SaveChangesAsync();
            }
            await receiver.NextAsync(seconds: 10);
            arrived.Add(clock.Elapsed.TotalMilliseconds);
            wokeA.Add(await woken.A.WaitAsync(TimeSpan.FromSeconds(10)));
            wokeB.Add(await woken.B.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        output.WriteLine($"from the start of the save (commit included), median [min–max] of 10: A woken {Describe(wokeA)}, B woken {Describe(wokeB)}, " +
            $"delivered through B {Describe(arrived)}");
        Assert.InRange(Median(wokeB), 0, 1000);
        Assert.InRange(Median(arrived), 0, 3000);
    }

    [Fact]
    public async Task A_listener_whose_connection_drops_listens_again_and_catches_up()
    {
        // Tried: the server ends B's listening connection (as a restart of PostgreSQL or a network cut would).
        await (await a.Get<ISchedulerFactory>().GetScheduler()).Standby();
        await a.CreateEndpointAsync(receiver.Url, ["created_booking"]);
        var listener = Listener(b);
        var pid = listener.ServerProcessId!.Value;
        await using (var admin = new NpgsqlConnection(a.PostgresConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", admin);
            kill.Parameters.AddWithValue("pid", pid);
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }

        await using (var db = await a.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await a.Get<EventOutbox>().RaiseAsync(db, "created_booking", new EventSubject("b", "b", new() { ["id"] = "b", ["url"] = "http://x/api/bookings/b" }));
            await db.SaveChangesAsync();
        }

        // Heard through the new connection, or found by the look it takes once it listens again; never the hour's interval.
        await receiver.NextAsync(seconds: 20);
        Assert.NotEqual(pid, listener.ServerProcessId);
    }

    private static DeliveryListener Listener(AppHost host) => host.Services.GetServices<IHostedService>().OfType<DeliveryListener>().Single();

    private static async Task<double> Elapsed(Task woken, Stopwatch clock)
    {
        await woken;
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Describe(List<double> values) => $"{Median(values):0.0} ms [{values.Min():0.0}–{values.Max():0.0}]";
}
