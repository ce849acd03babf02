using EasySpace.Core.Alerts;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Mail;
using EasySpace.Core.Payments;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Core.Events;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Core.Alerts;

/// <summary>
/// Each condition opens one incident and sends one e-mail; a second look repeats nothing; clearing sends one "resolved"
/// notice. A real app (its pump sends to a receiver that really listens), a real SMTP server, a fake clock.
/// </summary>
public class AlertTests : IAsyncLifetime
{
    private readonly AppHost app = new AppHost().With("Webhooks:PumpIntervalSeconds", "3600");
    private FakeTimeProvider clock = default!;
    private Receiver receiver = default!;
    private SmtpRecorder smtp = default!;

    public async Task InitializeAsync()
    {
        clock = app.UseFakeClock();
        receiver = await Receiver.StartAsync();
        smtp = await SmtpRecorder.StartAsync();
        await app.SetUpSpaceAsync();
        var saved = await app.Get<MailSettingsService>().SaveAsync(new MailServer
        {
            Host = SmtpRecorder.Host, Port = smtp.Port, Security = MailSecurity.None, SenderName = "Co-Up", SenderAddress = "hello@co-up.example",
        }, AppHost.OwnerEmail);
        Assert.True(saved.Succeeded, saved.Errors.ToString());
    }

    public async Task DisposeAsync()
    {
        await smtp.DisposeAsync();
        await receiver.DisposeAsync();
        app.Dispose();
    }

    [Fact]
    public async Task A_webhook_switched_off_by_a_410_alerts_once_by_email_and_in_the_log_and_recovers_once()
    {
        receiver.Respond = Receiver.Status(410);
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        await app.AddAdminAsync();
        await receiver.NextAsync();
        await app.PumpAsync();
        Assert.Equal(EndpointStatus.Deactivated, (await app.EndpointAsync(endpoint.Id)).Status);

        await EvaluateTwiceAsync();

        var incident = Assert.Single(await IncidentsAsync());
        Assert.Equal(AlertKind.WebhookDeactivated, incident.Kind);
        Assert.True(incident.IsOpen);
        Assert.Equal($"settings/integrations/webhooks/{endpoint.Id}", incident.Link);
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal(AppHost.OwnerEmail, mail.To.Mailboxes.Single().Address);
        Assert.Equal("Webhook “CRM” was switched off by EasySpace", mail.Subject);
        Assert.Contains($"/settings/integrations/webhooks/{endpoint.Id}", mail.TextBody);

        receiver.Respond = Receiver.Status(200);
        Assert.True((await app.Get<EndpointService>().EnableAsync(endpoint.Id, releaseHeld: false, WebhookHostExtensions.Owner)).Succeeded);
        await EvaluateTwiceAsync();

        incident = Assert.Single(await IncidentsAsync());
        Assert.True(incident.Recovered);
        Assert.Equal(2, smtp.Messages.Count);
        Assert.Equal("Resolved: Webhook “CRM” was switched off by EasySpace", smtp.Messages[1].Subject);
        Assert.Contains("is switched on again", smtp.Messages[1].TextBody);
        Assert.Equal(["alert.opened", "alert.recovered"], await AlertLogAsync());
        await PayloadSchemas.AssertSentBodiesMatchAsync(app.Services);   // deactivated_webhook and recovered_webhook
    }

    [Fact]
    public async Task A_webhook_failing_most_deliveries_alerts_the_owner_and_opted_in_admins_once_and_recovers_once()
    {
        await app.AddUserAsync("ines@example.com", Roles.Admin, manageIntegrations: true);
        await app.AddUserAsync("otto@example.com", Roles.Admin, manageIntegrations: true);   // did not opt in
        await app.Get<AlertFeed>().SetWantsEmailAsync(await UserIdAsync("ines@example.com"), true);
        receiver.Respond = Receiver.Status(500);
        await app.CreateEndpointAsync(receiver.Url, ["created_admin"]);

        // Four failures in the hour are under the minimum of five attempts: no alert yet.
        await CauseAttemptsAsync(4);
        await app.Get<AlertEvaluator>().EvaluateAsync();
        Assert.Empty(await IncidentsAsync());

        await CauseAttemptsAsync(1);
        await EvaluateTwiceAsync();

        var incident = Assert.Single(await IncidentsAsync());
        Assert.Equal(AlertKind.WebhookFailing, incident.Kind);
        Assert.Contains("only 0 of its 5 delivery attempts in the last hour went through (the latest: HTTP 500)", incident.Problem);
        Assert.Equal(["ines@example.com", AppHost.OwnerEmail], Recipients(smtp.Messages));

        // The receiver is fixed: the five retries go through, half of the hour's attempts did, the latest succeeded.
        receiver.Respond = Receiver.Status(200);
        clock.Advance(TimeSpan.FromMinutes(2));
        await app.PumpAsync();
        await EvaluateTwiceAsync();

        Assert.True(Assert.Single(await IncidentsAsync()).Recovered);
        Assert.Equal(4, smtp.Messages.Count);
        Assert.Equal(["ines@example.com", AppHost.OwnerEmail], Recipients(smtp.Messages.Skip(2)));
        Assert.All(smtp.Messages.Skip(2), m => Assert.Equal("Resolved: Webhook “CRM” is failing", m.Subject));
    }

    [Fact]
    public async Task Failures_that_fell_out_of_the_window_do_not_count_though_their_hour_is_still_in_it()
    {
        // Five failures at 10:05; at 11:06 the last 60 minutes hold none of them, while the hour they were counted in
        // (10:00–11:00) still reaches into the window: the alert counts attempts, not whole hours.
        clock.SetUtcNow(WebhookStatsHour.HourOf(clock.GetUtcNow()).AddHours(1).AddMinutes(5));
        receiver.Respond = Receiver.Status(500);
        await app.CreateEndpointAsync(receiver.Url, ["created_admin"]);
        await CauseAttemptsAsync(5);
        // A run of the pump that a commit's wake queued behind PumpAsync's may still start after the clock moves and
        // retry them at 11:06 (seen under a loaded suite): those retries must not be new failures in the window.
        receiver.Respond = Receiver.Status(200);
        clock.Advance(TimeSpan.FromMinutes(61));

        await EvaluateTwiceAsync();

        // Their retries, not pumped here, are late by now: that is another alert.
        Assert.DoesNotContain(await IncidentsAsync(), i => i.Kind == AlertKind.WebhookFailing);
    }

    [Fact]
    public async Task A_critical_webhook_alerts_at_its_first_failed_delivery_and_an_ordinary_one_does_not()
    {
        receiver.Respond = Receiver.Status(503);
        var critical = await app.Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "Door system", Url = receiver.Url.ToString(), Events = ["created_admin"], Critical = true,
        }, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);
        await app.CreateEndpointAsync(receiver.Url, ["created_admin"], name: "Newsletter");
        await CauseAttemptsAsync(1, perEvent: 2);

        await EvaluateTwiceAsync();

        var incident = Assert.Single(await IncidentsAsync());
        Assert.Equal(critical.Value!.Endpoint.Id, incident.WebhookId);
        Assert.Equal("Webhook “Door system” is failing: a delivery failed (HTTP 503), and it is marked critical.", incident.Sentence);
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task Operational_events_reach_another_webhook_signed_and_never_the_webhook_they_are_about()
    {
        await using var monitor = await Receiver.StartAsync();
        receiver.Respond = Receiver.Status(500);
        var crm = (await app.Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "CRM", Url = receiver.Url.ToString(), Critical = true,
            Events = ["created_admin", "failing_webhook", "recovered_webhook"],   // subscribed to news about itself, too
        }, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner)).Value!.Endpoint;
        var watcher = await app.CreateEndpointAsync(monitor.Url, ["failing_webhook", "recovered_webhook"], name: "Monitoring");
        await CauseAttemptsAsync(1);

        await app.Get<AlertEvaluator>().EvaluateAsync();
        await app.PumpAsync();

        var failing = await monitor.NextAsync();
        Assert.Equal("failing_webhook", failing.Json.GetProperty("type").GetString());
        Assert.Equal(crm.Id.ToString(), failing.Json.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal("CRM", failing.Json.GetProperty("data").GetProperty("name").GetString());
        Assert.Equal(Signer.Sign(watcher.Secret, failing.Header("webhook-id"), long.Parse(failing.Header("webhook-timestamp")), failing.Body),
            failing.Header("webhook-signature"));

        receiver.Respond = Receiver.Status(200);
        clock.Advance(TimeSpan.FromMinutes(2));
        await app.PumpAsync();
        await app.Get<AlertEvaluator>().EvaluateAsync();
        await app.PumpAsync();

        var recovered = await monitor.NextAsync();
        Assert.Equal("recovered_webhook", recovered.Json.GetProperty("type").GetString());
        Assert.Equal(crm.Id.ToString(), recovered.Json.GetProperty("data").GetProperty("id").GetString());
        Assert.All(await app.DeliveriesAsync(crm.Id), d => Assert.Equal("created_admin", d.EventName));
        await PayloadSchemas.AssertSentBodiesMatchAsync(app.Services);   // failing_webhook and recovered_webhook
    }

    [Fact]
    public async Task Deliveries_waiting_past_their_time_alert_once_and_recover_when_they_go_out()
    {
        receiver.Respond = Receiver.Status(500);
        await app.CreateEndpointAsync(receiver.Url, ["created_admin"]);
        await CauseAttemptsAsync(1);   // its retry is due a minute later

        clock.Advance(TimeSpan.FromMinutes(17));   // nothing sent it: 16 minutes late
        await EvaluateTwiceAsync();

        var incident = Assert.Single(await IncidentsAsync());
        Assert.Equal(AlertKind.DeliveriesWaiting, incident.Kind);
        Assert.Equal("settings/integrations/deliveries", incident.Link);
        Assert.Contains("1 delivery has waited more than 15 minutes past its time", incident.Problem);

        receiver.Respond = Receiver.Status(200);
        await app.PumpAsync();
        await EvaluateTwiceAsync();

        Assert.True(Assert.Single(await IncidentsAsync()).Recovered);
        Assert.Equal(2, smtp.Messages.Count);
    }

    [Fact]
    public async Task A_payment_provider_in_error_alerts_once_and_recovers_when_it_works_again()
    {
        var account = new ProviderAccount("acct_1", "Co-Up", "DE", "EUR", true);
        var now = clock.GetUtcNow();
        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var stripe = ProviderConnection.ConnectStripe(ProviderMode.Test, account, new StoredCredentials("protected", "sk_test_…1234", "pk_test_1"),
                new WebhookRegistration(EventDelivery.Local, null, null, null), AppHost.OwnerEmail, now);
            stripe.Fail("Stripe refused the secret key.", "Paste a new key in the Stripe wizard.", now);
            db.ProviderConnections.Add(stripe);
            await db.SaveChangesAsync();
        }

        await EvaluateTwiceAsync();

        var incident = Assert.Single(await IncidentsAsync());
        Assert.Equal("Stripe payments are not working: Stripe refused the secret key. Paste a new key in the Stripe wizard.", incident.Sentence);
        Assert.Equal("settings/integrations/payments", incident.Link);
        Assert.Single(smtp.Messages);

        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            (await db.ProviderConnections.SingleAsync()).Confirm(account, clock.GetUtcNow());
            await db.SaveChangesAsync();
        }
        await EvaluateTwiceAsync();

        Assert.True(Assert.Single(await IncidentsAsync()).Recovered);
        Assert.Equal("Resolved: Stripe payments are not working", smtp.Messages[1].Subject);
    }

    [Fact]
    public async Task A_full_disk_alerts_once_and_recovers_when_the_database_takes_writes_again()
    {
        var storage = app.Get<StorageHealth>();
        storage.Failed(new SqliteException("database or disk is full", 13));

        await app.Get<AlertEvaluator>().EvaluateAsync();
        storage.Failed(new SqliteException("database or disk is full", 13));   // still full at the next look
        await app.Get<AlertEvaluator>().EvaluateAsync();

        var incident = Assert.Single(await IncidentsAsync());
        Assert.Equal(AlertKind.StorageUnhealthy, incident.Kind);
        Assert.StartsWith("EasySpace cannot save to its database: the disk is full.", incident.Sentence);
        Assert.Single(smtp.Messages);

        storage.Succeeded();
        await EvaluateTwiceAsync();

        Assert.True(Assert.Single(await IncidentsAsync()).Recovered);
        Assert.Equal(2, smtp.Messages.Count);
    }

    private async Task EvaluateTwiceAsync()
    {
        await app.Get<AlertEvaluator>().EvaluateAsync();
        await app.Get<AlertEvaluator>().EvaluateAsync();   // the second look finds nothing new to say
    }

    /// <summary>Raises <paramref name="events"/> created_admin events and lets the pump make their first attempts.</summary>
    private async Task CauseAttemptsAsync(int events, int perEvent = 1)
    {
        for (var i = 0; i < events; i++)
        {
            await app.AddAdminAsync();
            for (var j = 0; j < perEvent; j++) await receiver.NextAsync();
        }
        await app.PumpAsync();
    }

    private async Task<List<Incident>> IncidentsAsync()
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Incidents.AsNoTracking().OrderBy(i => i.Id).ToListAsync();
    }

    private async Task<List<string>> AlertLogAsync()
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.ActivityLog.Where(a => a.Action.StartsWith("alert.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    private static List<string> Recipients(IEnumerable<MimeKit.MimeMessage> messages) =>
        messages.SelectMany(m => m.To.Mailboxes).Select(m => m.Address).Order(StringComparer.Ordinal).ToList();
}

public class AlertSettingsTests
{
    [Theory]
    [InlineData("Alerts:FailingBelowPercent", "0")]
    [InlineData("Alerts:FailingWindowMinutes", "2")]
    [InlineData("Alerts:FailingMinimumAttempts", "0")]
    [InlineData("Alerts:WaitingMinutes", "-5")]
    public async Task A_setting_out_of_range_stops_the_start_with_its_name(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddEasySpaceAlerts(builder.Configuration);
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(key, refused.Message);
    }
}
