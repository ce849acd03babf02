using EasySpace.Core.Events;
using EasySpace.Core.Data;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using EasySpace.Tests.Core.Events;

namespace EasySpace.Tests.Core.Webhooks;

public class EndpointServiceTests() : AppWithReceiverTest(new AppHost())
{
    private EndpointService Endpoints => app.Get<EndpointService>();

    public static TheoryData<string, EndpointDraft, string> BadDrafts => new()
    {
        { "no name", Draft(d => d.Name = ""), "Enter a name." },
        { "a 101-character name", Draft(d => d.Name = new string('n', 101)), "at most 100 characters" },
        { "a name with a newline", Draft(d => d.Name = "a\nb"), "cannot contain control characters" },
        { "a javascript: URL", Draft(d => d.Url = "javascript:alert(1)"), "Url" },
        { "a relative URL", Draft(d => d.Url = "/hook"), "Url" },
        { "no events", Draft(d => d.Events = []), "Choose at least one event." },
        { "an unknown event", Draft(d => d.Events = ["created_unicorn"]), "'created_unicorn' is not an event EasySpace sends." },
        { "test_webhook as a subscription", Draft(d => d.Events = ["test_webhook"]), "is not an event EasySpace sends" },
        { "a resource filter on a non-booking event", Draft(d => d.Filters = new() { ResourceId = "r1" }), "Only booking events can be filtered by resource." },
        { "a lead time of 61 minutes", Draft(d => { d.Events = ["booking_will_begin"]; d.Filters = new() { LeadTimeMinutes = 61 }; }), "The lead time is 0 to 60 minutes." },
        { "a fields filter on created_admin", Draft(d => d.Filters = new() { Fields = ["x"] }), "Only updated_custom_field can be filtered by fields." },
        { "a header with CRLF", Draft(d => d.Headers = [new("X-Evil", "a\r\nInjected: 1")]), "X-Evil" },
        { "a reserved header", Draft(d => d.Headers = [new("X-EasySpace-Event", "x")]), "X-EasySpace-Event" },
        { "a secret without whsec_", Draft(d => d.Secret = "hunter2"), "whsec_" },
    };

    private static EndpointDraft Draft(Action<EndpointDraft> change)
    {
        var draft = new EndpointDraft { Name = "CRM", Url = "https://crm.example.com/hook", Events = ["created_admin"] };
        change(draft);
        return draft;
    }

    [Theory]
    [MemberData(nameof(BadDrafts))]
    public async Task A_bad_draft_is_refused_with_a_message_and_nothing_is_saved(string tried, EndpointDraft draft, string message)
    {
        var result = await Endpoints.CreateAsync(draft, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);

        Assert.False(result.Succeeded, tried);
        Assert.Contains(message, result.Errors.ToString());
        Assert.Empty(await Endpoints.ListAsync());
    }

    [Fact]
    public async Task The_secret_is_generated_and_stored_encrypted_never_in_the_clear()
    {
        var created = await app.CreateEndpointAsync(receiver.Url, ["created_admin"]);

        Assert.Null(Signer.SecretProblem(created.Secret));
        var stored = Scalar<string>($"SELECT ProtectedSecret FROM Endpoints WHERE Id = {created.Endpoint.Id}");
        Assert.DoesNotContain(created.Secret[6..], stored);
        var log = string.Join("\n", Column("SELECT COALESCE(Details, '') FROM ActivityLog"));
        Assert.DoesNotContain(created.Secret[6..], log);
        Assert.Contains("webhook.created", string.Join(",", Column("SELECT Action FROM ActivityLog")));
        Assert.Equal(created.Secret, await Endpoints.RevealSecretAsync(created.Endpoint.Id, WebhookHostExtensions.Owner));
    }

    [Fact]
    public async Task Test_sends_now_even_to_a_disabled_endpoint_and_returns_what_came_back()
    {
        receiver.Respond = Receiver.Status(202, ("X-Receiver", "yes"));
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await Endpoints.DisableAsync(endpoint.Id, WebhookHostExtensions.Owner);

        var attempt = (await Endpoints.SendTestAsync(endpoint.Id, null, WebhookHostExtensions.Owner)).Value!;

        Assert.Equal(202, attempt.StatusCode);
        Assert.True(attempt.Succeeded);
        Assert.Contains("X-Receiver", attempt.ResponseHeadersJson);
        Assert.Contains(attempt.RequestHeaders, h => h.Key == "webhook-signature");
        var request = Assert.Single(receiver.Received);
        Assert.Equal("test_webhook", request.Header("X-EasySpace-Event"));
        Assert.Equal("test_webhook", request.Json.GetProperty("type").GetString());
        await app.PumpAsync();
        Assert.Single(receiver.Received); // never retried, never picked up again by the pump
        Assert.Contains(EventCatalogue.TestWebhook, await PayloadSchemas.AssertSentBodiesMatchAsync(app.Services));
    }

    [Fact]
    public async Task Test_with_a_chosen_event_sends_that_event_type_and_reports_a_failure()
    {
        receiver.Respond = Receiver.Status(500);
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"], PayloadFormat.Thin)).Endpoint;

        var attempt = (await Endpoints.SendTestAsync(endpoint.Id, "created_booking", WebhookHostExtensions.Owner)).Value!;

        Assert.Equal(500, attempt.StatusCode);
        Assert.False(attempt.Succeeded);
        var request = Assert.Single(receiver.Received);
        Assert.Equal("created_booking", request.Header("X-EasySpace-Event"));
        Assert.StartsWith($"{app.BaseAddress.ToString().TrimEnd('/')}/api/bookings/", request.Json.GetProperty("url").GetString());
        // The catalogue's example, so it meets the event's published schema like a real booking's body.
        Assert.Contains("created_booking", await PayloadSchemas.AssertSentBodiesMatchAsync(app.Services));
        // The activity log names the event as the manager reads it in the picker, not by its code (it said "created_booking").
        Assert.Equal(EventCatalogue.Find("created_booking")!.Title, Assert.Single(Column("SELECT Details FROM ActivityLog WHERE Action = 'webhook.tested'")));
        Assert.False((await Endpoints.SendTestAsync(endpoint.Id, "no_such_event", WebhookHostExtensions.Owner)).Succeeded);
    }

    [Fact]
    public async Task Redeliver_sends_the_same_webhook_id_and_body_again()
    {
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await app.AddAdminAsync();
        var first = await receiver.NextAsync();
        await app.PumpAsync();
        var delivery = Assert.Single(await app.DeliveriesAsync(endpoint.Id));

        Assert.True((await Endpoints.RedeliverAsync(delivery.Id, WebhookHostExtensions.Owner)).Succeeded);
        var again = await receiver.NextAsync();

        Assert.Equal(first.Header("webhook-id"), again.Header("webhook-id"));
        Assert.Equal(first.BodyText, again.BodyText);
        Assert.Equal("2", again.Header("X-EasySpace-Attempt"));
    }

    [Fact]
    public async Task Resend_sends_every_failed_or_held_delivery_in_the_range_and_nothing_else()
    {
        receiver.Respond = Receiver.Status(410);
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();                                            // 410: failed, endpoint deactivated
        Assert.False((await Endpoints.ResendAsync(endpoint.Id, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), WebhookHostExtensions.Owner)).Succeeded);

        receiver.Respond = Receiver.Status(200);
        await Endpoints.EnableAsync(endpoint.Id, releaseHeld: false, WebhookHostExtensions.Owner);
        var outside = await Endpoints.ResendAsync(endpoint.Id, DateTimeOffset.UtcNow.AddHours(-3), DateTimeOffset.UtcNow.AddHours(-2), WebhookHostExtensions.Owner);
        var inside = await Endpoints.ResendAsync(endpoint.Id, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), WebhookHostExtensions.Owner);

        Assert.Equal(0, outside.Value);
        Assert.Equal(1, inside.Value);
        await receiver.NextAsync();
        await app.PumpAsync();
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await app.DeliveriesAsync(endpoint.Id)).Status);
    }

    [Fact]
    public async Task Stats_count_each_attempt_in_its_hour()
    {
        var calls = 0;
        receiver.Respond = (_, http) => { http.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? 500 : 200; return Task.CompletedTask; };
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();
        await Endpoints.RedeliverAsync(Assert.Single(await app.DeliveriesAsync(endpoint.Id)).Id, WebhookHostExtensions.Owner);
        await receiver.NextAsync();
        await app.PumpAsync();

        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var hour = await db.WebhookStats.SingleAsync(s => s.EndpointId == endpoint.Id);
        Assert.Equal((1, 1), (hour.Succeeded, hour.Failed));
        Assert.Equal(2, hour.LatencyBuckets.Sum());
        Assert.Equal(1, hour.ErrorCounts[AttemptError.HttpStatus]);
    }

    [Fact]
    public async Task Deleting_an_endpoint_removes_its_deliveries_and_logs_who_did_it()
    {
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();

        Assert.True(await Endpoints.DeleteAsync(endpoint.Id, WebhookHostExtensions.Owner));

        Assert.Empty(await app.DeliveriesAsync(endpoint.Id));
        Assert.Equal(0L, Scalar<long>("SELECT COUNT(*) FROM Attempts"));
        Assert.Contains($"{AppHost.OwnerEmail}|webhook.deleted", Column("SELECT Actor || '|' || Action FROM ActivityLog"));
    }

    private T Scalar<T>(string sql) => (T)Convert.ChangeType(Column(sql).Single(), typeof(T));

    private List<object> Column(string sql)
    {
        using var connection = app.OpenDatabase();
        return connection.Column(sql);
    }
}

public class PrivateTargetTests() : AppWithReceiverTest(new AppHost().With("Webhooks:AllowPrivateNetworks", "false"))
{
    [Fact]
    public async Task A_loopback_address_is_refused_when_the_webhook_is_saved()
    {
        var result = await app.Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "local", Url = receiver.Url.ToString(), Events = ["created_admin"],
        }, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);

        Assert.Contains("private or local network", result.Errors.For("Url"));
    }

    [Fact]
    public async Task A_name_that_resolves_to_a_private_address_is_blocked_when_dialled()
    {
        // The machine's own name passes the check at save time; what it resolves to is checked when we connect.
        var url = new Uri($"http://{System.Net.Dns.GetHostName()}:{receiver.Port}/hook");
        var endpoint = (await app.CreateEndpointAsync(url, ["created_admin"])).Endpoint;

        await app.AddAdminAsync();
        await app.PumpAsync();

        var attempt = Assert.Single(await app.AttemptsAsync(Assert.Single(await app.DeliveriesAsync(endpoint.Id)).Id));
        Assert.Equal(AttemptError.BlockedAddress, attempt.Error);
        Assert.Empty(receiver.Received);
    }
}
