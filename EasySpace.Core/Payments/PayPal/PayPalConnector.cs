using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Payments.PayPal;

/// <summary>A connection made, and what the manager still has to remove by hand (the old app's webhook PayPal would not delete), or null.</summary>
public sealed record PayPalConnected(ProviderConnection Connection, string? LeftOver);

/// <summary>
/// The PayPal connection: verify a REST app's credentials with an OAuth token, register our webhook through the
/// Notifications API (or run in local mode), test it, disconnect it, and hand checkout the stored credentials.
/// Every PayPal failure comes back as a sentence for the wizard or the card, never an exception.
/// </summary>
public sealed class PayPalConnector(
    IDbContextFactory<AppDbContext> dbFactory,
    PayPalClient paypal,
    IDataProtectionProvider dataProtection,
    PublicUrls urls,
    TimeProvider clock)
{
    public const string WebhookPath = "/payments/paypal/webhook";
    /// <summary>Where a wizard's general (not field) error is reported.</summary>
    public const string ConnectionField = "Connection";

    private readonly IDataProtector protector = dataProtection.CreateProtector(ProviderConnection.CredentialsProtection);

    public async Task<ProviderConnection?> CurrentAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ProviderConnections.AsNoTracking().FirstOrDefaultAsync(c => c.Provider == PaymentProvider.PayPal, ct);
    }

    /// <summary>The credentials step: their shape, then a token from PayPal. The answer is the app they belong to.</summary>
    public async Task<Result<ProviderAccount>> VerifyAsync(PayPalCredentials credentials, CancellationToken ct = default)
    {
        var errors = credentials.Validate();
        if (!errors.IsEmpty) return errors;
        var account = credentials.Account();
        var app = await paypal.VerifyCredentialsAsync(account, ct);
        if (app.Error is { } error) return Refused(error);
        return App(app.Value!.AppId ?? "", Hint(account.ClientId));
    }

    /// <summary>Whether PayPal can call us; the wizard shows it before the last step.</summary>
    public Task<EventRoute> EventRouteAsync(CancellationToken ct = default) => ProviderReach.RouteAsync(urls, WebhookPath, ct);

    /// <summary>
    /// The last step: verify again (the wizard's state is not trusted), register our webhook or settle on local mode,
    /// store the connection as Active, then remove the webhook the previous credentials had registered, if it is not
    /// the one kept (another app's, or one local mode no longer needs).
    /// </summary>
    public async Task<Result<PayPalConnected>> ConnectAsync(PayPalCredentials credentials, string by, CancellationToken ct = default)
    {
        var verified = await VerifyAsync(credentials, ct);
        if (!verified.Succeeded) return verified.Errors;
        var account = credentials.Account();
        var route = await EventRouteAsync(ct);
        var previous = await CurrentAsync(ct);

        WebhookRegistration webhook;
        if (route.IsLocal) webhook = new WebhookRegistration(EventDelivery.Local, null, null, null);
        else
        {
            var registered = await RegisterWebhookAsync(account, route.WebhookUrl!, ct);
            if (registered.Error is { } error) return Refused(error);
            webhook = new WebhookRegistration(EventDelivery.Webhook, registered.Value!, route.WebhookUrl, null);
        }

        string? leftOver = null;
        if (previous?.RemoteWebhookId is { } oldWebhook && oldWebhook != webhook.RemoteId)
            leftOver = await RemoveWebhookAsync(previous, ct);

        var now = clock.GetUtcNow();
        var stored = new StoredCredentials(protector.Protect(account.Secret), "…" + (account.Secret.Length > 8 ? account.Secret[^4..] : ""), account.ClientId);
        var connection = ProviderConnection.ConnectPayPal(credentials.Mode, verified.Value!, stored, webhook, by, now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.ProviderConnections.Where(c => c.Provider == PaymentProvider.PayPal).ExecuteDeleteAsync(ct);
        db.ProviderConnections.Add(connection);
        db.ActivityLog.Add(ActivityEntry.Record(by, ActivityKinds.PayPalConnected, "PayPal", now,
            $"app {FirstText(connection.AccountId, connection.AccountName)} (client id {Hint(account.ClientId)}), {Words(credentials.Environment)}, " +
            (webhook.Delivery == EventDelivery.Webhook ? $"webhook {webhook.RemoteId}" : "local mode") + (leftOver is null ? "" : ". " + leftOver)));
        await db.SaveChangesAsync(ct);
        return new PayPalConnected(connection, leftOver);
    }

    /// <summary>"Test connection" on the card: the credentials still get a token and our webhook is still there.</summary>
    public async Task<ProviderConnection?> TestAsync(string by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await db.ProviderConnections.FirstOrDefaultAsync(c => c.Provider == PaymentProvider.PayPal, ct);
        if (connection is null) return null;
        var account = AccountOf(connection);
        var now = clock.GetUtcNow();

        var app = await paypal.VerifyCredentialsAsync(account, ct);
        var failure = app.Error is { } error ? Explain(error) : null;
        if (failure is null && connection.RemoteWebhookId is { } webhookId)
        {
            var webhooks = await paypal.ListWebhooksAsync(account, ct);
            if (webhooks.Error is { } listError) failure = Explain(listError);
            else if (!webhooks.Value!.Any(w => w.Id == webhookId))
                failure = new Failure("Our webhook was deleted in PayPal, so payments made will not be reported to EasySpace.",
                    "Run the PayPal wizard again to register it anew.");
        }

        if (failure is null)
        {
            connection.Confirm(App(app.Value!.AppId ?? connection.AccountId, connection.AccountName), now);
            db.ActivityLog.Add(ActivityEntry.Record(by, ActivityKinds.PayPalTested, "PayPal", now, "Connection works."));
        }
        else
        {
            connection.Fail(failure.Reason, failure.Fix, now);
            db.ActivityLog.Add(ActivityEntry.Record(by, ActivityKinds.PayPalError, "PayPal", now, failure.Reason));
        }
        await db.SaveChangesAsync(ct);
        return connection;
    }

    /// <summary>
    /// Removes our webhook from PayPal and forgets the credentials. When PayPal cannot be reached or refuses, the
    /// credentials are forgotten all the same and the answer says what is left to remove by hand.
    /// </summary>
    public async Task<string?> DisconnectAsync(string by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await db.ProviderConnections.FirstOrDefaultAsync(c => c.Provider == PaymentProvider.PayPal, ct);
        if (connection is null) return null;
        var leftOver = connection.RemoteWebhookId is null ? null : await RemoveWebhookAsync(connection, ct);
        var now = clock.GetUtcNow();
        db.ProviderConnections.Remove(connection);
        db.ActivityLog.Add(ActivityEntry.Record(by, ActivityKinds.PayPalDisconnected, "PayPal", now,
            leftOver is null ? "Credentials forgotten and webhook removed." : "Credentials forgotten; the webhook is left on PayPal."));
        await db.SaveChangesAsync(ct);
        return leftOver;
    }

    private sealed record Failure(string Reason, string Fix);

    /// <summary>
    /// One webhook for our URL, never two (PayPal would send every event twice). One already there (an earlier install,
    /// a wizard run whose result was lost) is kept when it subscribes to every event we handle, and replaced otherwise.
    /// </summary>
    private async Task<PayPalResult<string>> RegisterWebhookAsync(PayPalAccount account, string url, CancellationToken ct)
    {
        var listed = await paypal.ListWebhooksAsync(account, ct);
        if (listed.Error is { } listError) return listError;
        var ours = listed.Value!.Where(w => string.Equals(w.Url, url, StringComparison.Ordinal)).ToList();
        var reusable = ours.FirstOrDefault(w => w.EventTypes.Any(t => t.Name == "*") || PayPalEvents.Handled.All(e => w.EventTypes.Any(t => t.Name == e)));
        if (reusable is not null) return reusable.Id;
        foreach (var stale in ours)
            if (await paypal.DeleteWebhookAsync(account, stale.Id, ct) is { Error: { Kind: not PayPalErrorKind.NotFound } deleteError }) return deleteError;
        var created = await paypal.CreateWebhookAsync(account, url, PayPalEvents.Handled, Guid.NewGuid().ToString(), ct);
        return created.Value is { } webhook ? webhook.Id : created.Error!;
    }

    /// <summary>Deletes the webhook <paramref name="connection"/> registered, with its own credentials; what is left to do by hand, or null.</summary>
    private async Task<string?> RemoveWebhookAsync(ProviderConnection connection, CancellationToken ct)
    {
        var deleted = await paypal.DeleteWebhookAsync(AccountOf(connection), connection.RemoteWebhookId!, ct);
        // Not found: gone already, which is what we wanted.
        if (deleted.Error is not { } error || error.Kind == PayPalErrorKind.NotFound) return null;
        return $"EasySpace could not remove its webhook for {connection.WebhookUrl} from PayPal ({error.Message.TrimEnd('.')}). " +
            $"Delete it under Apps & Credentials > your app (client id {Hint(connection.PublishableKey)}) > Webhooks in the PayPal developer dashboard.";
    }

    private PayPalAccount AccountOf(ProviderConnection connection) => new(
        connection.Mode == ProviderMode.Live ? PayPalEnvironment.Live : PayPalEnvironment.Sandbox,
        connection.PublishableKey, protector.Unprotect(connection.ProtectedSecretKey));

    private static ValidationErrors Refused(PayPalError error)
    {
        var failure = Explain(error);
        return new ValidationErrors().Add(ConnectionField, failure.Reason + " " + failure.Fix);
    }

    /// <summary>The client's sentence says what went wrong; this adds where the manager can put it right.</summary>
    private static Failure Explain(PayPalError error) => error switch
    {
        { Kind: PayPalErrorKind.BadCredentials } => new(error.Message,
            "In the PayPal developer dashboard (developer.paypal.com), open Apps & Credentials, pick Sandbox or Live as in the wizard, open your app and copy its Client ID and Secret again."),
        { Issue: "WEBHOOK_NUMBER_LIMIT_EXCEEDED" } => new("PayPal allows only 10 webhooks per app, and this app already has them all.",
            "Delete a webhook you no longer use under Apps & Credentials > your app > Webhooks in the PayPal developer dashboard, then try again."),
        { Kind: PayPalErrorKind.NotPermitted } => new(error.Message,
            "Edit the app under Apps & Credentials in the PayPal developer dashboard, then try again."),
        { Kind: PayPalErrorKind.Unavailable } => new(error.Message,
            "www.paypal-status.com says whether PayPal is having an outage."),
        { Kind: PayPalErrorKind.NotFound } => new(error.Message, "Run the PayPal wizard again."),
        // PayPal's own reason is in the message: the manager may be able to act on it, or PayPal's support can.
        _ => new(error.Message, "Check the app under Apps & Credentials in the PayPal developer dashboard, then try again; if PayPal's reason is unclear, its merchant support can explain it."),
    };

    // PayPal's token names the app, nothing more: no account name, country or currency, and nothing that says it cannot
    // take payments (a refusal shows at checkout). What PayPal does not say is left empty; the client id's ends stand in for a name.
    private static ProviderAccount App(string appId, string name) => new(appId, name, Country: "", DefaultCurrency: "", ChargesEnabled: true);

    /// <summary>"AFak…3f2a": enough to tell apps apart at a glance.</summary>
    private static string Hint(string clientId) => clientId.Length <= 8 ? clientId : clientId[..4] + "…" + clientId[^4..];

    private static string Words(PayPalEnvironment environment) => environment == PayPalEnvironment.Live ? "live" : "sandbox";

    private static string FirstText(params string?[] candidates) => candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c)) ?? "";
}
