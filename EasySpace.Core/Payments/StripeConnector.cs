using System.Net;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;

namespace EasySpace.Core.Payments;

/// <summary>What the key step found: the account behind the key, and what the manager should know before going on.</summary>
public sealed record StripeAccountCheck(ProviderAccount Account, IReadOnlyList<string> Warnings);

/// <summary>
/// The Stripe connection: verify a key against the account API, register our webhook endpoint (or run in local mode),
/// test it, disconnect it. Every Stripe failure comes back as a sentence for the wizard or the card, never an exception.
/// </summary>
public sealed class StripeConnector(
    IDbContextFactory<AppDbContext> dbFactory,
    IHttpClientFactory httpClients,
    IOptionsMonitor<StripeOptions> options,
    IDataProtectionProvider dataProtection,
    PublicUrls urls,
    TimeProvider clock,
    ILogger<StripeConnector> log)
{
    public const string HttpClientName = "Stripe";
    public const string WebhookPath = "/payments/stripe/webhook";
    /// <summary>Where a wizard's general (not field) error is reported.</summary>
    public const string ConnectionField = "Connection";

    /// <summary>What a restricted key needs, as the Stripe Dashboard names the permissions.</summary>
    public static readonly IReadOnlyList<string> RequiredPermissions =
    [
        "Checkout Sessions: Write",
        "Customers: Write",
        "Products: Write",
        "Prices: Write",
        "Subscriptions: Write",
        "Webhook Endpoints: Write",
        "Account: Read",
        "Events: Read",
        // Reading what a checkout, a renewal or a refund did (the return page, webhooks, reconciliation).
        "PaymentIntents: Read",
        "Charges: Read",
        "Invoices: Read",
    ];

    /// <summary>The Stripe events our webhook subscribes to: payments, refunds, invoices and subscriptions.</summary>
    public static readonly IReadOnlyList<string> HandledEvents =
    [
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "charge.refunded",
        "invoice.paid",
        "invoice.payment_failed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "payment_method.attached",
    ];

    private const string SigningSecretField = "SigningSecret";
    private readonly IDataProtector protector = dataProtection.CreateProtector(ProviderConnection.CredentialsProtection);

    public async Task<ProviderConnection?> CurrentAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ProviderConnections.AsNoTracking().FirstOrDefaultAsync(c => c.Provider == PaymentProvider.Stripe, ct);
    }

    /// <summary>The key step: the keys' shape, then the account they open.</summary>
    public async Task<Result<StripeAccountCheck>> VerifyAsync(StripeKeys keys, CancellationToken ct = default)
    {
        var errors = keys.Validate(out var warnings);
        if (!errors.IsEmpty) return errors;
        var account = await RetrieveAccountAsync(StripeKeys.Key(keys.SecretKey), ct);
        if (account.Failure is { } failure) return new ValidationErrors().Add(ConnectionField, failure.Reason + " " + failure.Fix);

        var all = warnings.ToList();
        var spaceCurrency = await SpaceCurrencyAsync(ct);
        if (spaceCurrency is not null && !string.Equals(spaceCurrency, account.Account!.DefaultCurrency, StringComparison.OrdinalIgnoreCase))
            all.Add($"This Stripe account's default currency is {account.Account!.DefaultCurrency}, but the space bills in {spaceCurrency}. Stripe converts the payments, which costs a fee; check the account's currency in the Stripe Dashboard.");
        if (!account.Account!.ChargesEnabled)
            all.Add("Stripe does not let this account take payments yet. Finish the account's details in the Stripe Dashboard; until then members cannot pay.");
        return new StripeAccountCheck(account.Account, all);
    }

    /// <summary>Whether Stripe can call us; the wizard shows it before the last step.</summary>
    public Task<EventRoute> EventRouteAsync(CancellationToken ct = default) => ProviderReach.RouteAsync(urls, WebhookPath, ct);

    /// <summary>
    /// The last step: verify again (the wizard's state is not trusted), register our webhook endpoint or settle on local
    /// mode, and store the connection as Active. <paramref name="localSigningSecret"/> is used only in local mode.
    /// </summary>
    public async Task<Result<ProviderConnection>> ConnectAsync(StripeKeys keys, string? localSigningSecret, string by, CancellationToken ct = default)
    {
        var verified = await VerifyAsync(keys, ct);
        if (!verified.Succeeded) return verified.Errors;
        var secretKey = StripeKeys.Key(keys.SecretKey);
        var route = await EventRouteAsync(ct);
        var previous = await CurrentAsync(ct);

        WebhookRegistration webhook;
        if (route.IsLocal)
        {
            var pasted = (localSigningSecret ?? "").Trim();
            if (pasted.Length > 0 && !IsSigningSecret(pasted))
                return new ValidationErrors().Add(SigningSecretField, "A Stripe signing secret starts with whsec_ followed by letters and digits. Copy it again from your forwarding tool.");
            webhook = new WebhookRegistration(EventDelivery.Local, null, null, pasted.Length > 0 ? protector.Protect(pasted) : null);
        }
        else
        {
            var registered = await RegisterWebhookAsync(secretKey, keys.Mode, route.WebhookUrl!, previous, ct);
            if (registered.Failure is { } failure) return new ValidationErrors().Add(ConnectionField, failure.Reason + " " + failure.Fix);
            webhook = registered.Registration!;
        }

        var now = clock.GetUtcNow();
        var credentials = new StoredCredentials(protector.Protect(secretKey), Hint(secretKey), StripeKeys.Key(keys.PublishableKey));
        var connection = ProviderConnection.ConnectStripe(keys.Mode, verified.Value!.Account, credentials, webhook, by, now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.ProviderConnections.Where(c => c.Provider == PaymentProvider.Stripe).ExecuteDeleteAsync(ct);
        db.ProviderConnections.Add(connection);
        db.ActivityLog.Add(ActivityEntry.Record(by, ActivityKinds.StripeConnected, "Stripe", now,
            $"{connection.AccountName} ({connection.AccountId}), {Words(keys.Mode)} mode, " +
            (webhook.Delivery == EventDelivery.Webhook ? $"webhook {webhook.RemoteId}" : "local mode") + $", key {credentials.SecretKeyHint}"));
        await db.SaveChangesAsync(ct);
        return connection;
    }

    /// <summary>"Test connection" on the card: the key still opens the account and our endpoint is still there.</summary>
    public async Task<ProviderConnection?> TestAsync(string by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await db.ProviderConnections.FirstOrDefaultAsync(c => c.Provider == PaymentProvider.Stripe, ct);
        if (connection is null) return null;
        var secretKey = protector.Unprotect(connection.ProtectedSecretKey);
        var now = clock.GetUtcNow();

        var account = await RetrieveAccountAsync(secretKey, ct);
        var failure = account.Failure;
        if (failure is null && connection.RemoteWebhookId is { } webhookId)
            failure = await CheckWebhookAsync(secretKey, webhookId, ct);

        if (failure is null)
        {
            connection.Confirm(account.Account!, now);
            db.ActivityLog.Add(ActivityEntry.Record(by, ActivityKinds.StripeTested, "Stripe", now, "Connection works."));
        }
        else
        {
            connection.Fail(failure.Reason, failure.Fix, now);
            db.ActivityLog.Add(ActivityEntry.Record(by, ActivityKinds.StripeError, "Stripe", now, failure.Reason));
        }
        await db.SaveChangesAsync(ct);
        return connection;
    }

    /// <summary>
    /// Removes our webhook endpoint from Stripe and forgets the keys. When Stripe cannot be reached or refuses, the keys
    /// are forgotten all the same and the answer says what is left to remove by hand.
    /// </summary>
    public async Task<string?> DisconnectAsync(string by, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await db.ProviderConnections.FirstOrDefaultAsync(c => c.Provider == PaymentProvider.Stripe, ct);
        if (connection is null) return null;
        string? leftOver = null;
        if (connection.RemoteWebhookId is { } webhookId)
        {
            var failure = await CallAsync(protector.Unprotect(connection.ProtectedSecretKey), "remove our webhook endpoint", async client =>
            {
                try { await new WebhookEndpointService(client).DeleteAsync(webhookId, cancellationToken: ct); }
                catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.NotFound) { }   // already gone: what we wanted
                return true;
            }, ct);
            if (failure.Failure is { } f)
                leftOver = $"EasySpace forgot the keys, but could not remove its webhook endpoint from Stripe ({f.Reason}) Delete the endpoint for {connection.WebhookUrl} in Developers > Webhooks in your Stripe Dashboard.";
        }
        var now = clock.GetUtcNow();
        db.ProviderConnections.Remove(connection);
        db.ActivityLog.Add(ActivityEntry.Record(by, ActivityKinds.StripeDisconnected, "Stripe", now,
            leftOver is null ? "Keys forgotten and webhook endpoint removed." : "Keys forgotten; the webhook endpoint is left on Stripe."));
        await db.SaveChangesAsync(ct);
        return leftOver;
    }

    /// <summary>
    /// The signing secret our webhook checks Stripe's events with; null when Stripe is not connected, or runs in local
    /// mode and no secret was pasted (then no event can be verified, so none is accepted).
    /// </summary>
    public async Task<string?> SigningSecretAsync(CancellationToken ct = default) =>
        await CurrentAsync(ct) is { ProtectedSigningSecret: { } secret } ? protector.Unprotect(secret) : null;

    /// <summary>
    /// One call with the connected account's key, for checkout, event processing and reconciliation; whatever goes
    /// wrong (Stripe not connected, a refusal, no network) is a sentence.
    /// </summary>
    public async Task<Result<T>> CallConnectedAsync<T>(string doing, Func<StripeClient, Task<T>> call, CancellationToken ct = default)
    {
        if (await CurrentAsync(ct) is not { } connection)
            return new ValidationErrors().Add("", "Stripe is not connected, so EasySpace cannot reach it.");
        var outcome = await CallAsync(protector.Unprotect(connection.ProtectedSecretKey), doing, call, ct);
        return outcome.Failure is { } failure ? new ValidationErrors().Add("", failure.Reason + " " + failure.Fix) : outcome.Value!;
    }

    private sealed record Failure(string Reason, string Fix);

    private sealed record Outcome<T>(T? Value, Failure? Failure);

    private sealed record AccountOutcome(ProviderAccount? Account, Failure? Failure);

    private sealed record RegistrationOutcome(WebhookRegistration? Registration, Failure? Failure);

    private async Task<AccountOutcome> RetrieveAccountAsync(string secretKey, CancellationToken ct)
    {
        var outcome = await CallAsync(secretKey, "read the account", async client =>
        {
            // The account the key belongs to; AccountService only reads accounts by id (/v1/accounts/{id}).
            var a = await client.RequestAsync<Account>(HttpMethod.Get, "/v1/account", null, null, ct);
            var name = FirstText(a.BusinessProfile?.Name, a.Settings?.Dashboard?.DisplayName, a.Email, a.Id);
            return new ProviderAccount(a.Id, name, (a.Country ?? "").ToUpperInvariant(), (a.DefaultCurrency ?? "").ToUpperInvariant(), a.ChargesEnabled);
        }, ct);
        return new AccountOutcome(outcome.Value, outcome.Failure);
    }

    private async Task<Failure?> CheckWebhookAsync(string secretKey, string webhookId, CancellationToken ct)
    {
        var outcome = await CallAsync(secretKey, "read our webhook endpoint", async client =>
        {
            try
            {
                var endpoint = await new WebhookEndpointService(client).GetAsync(webhookId, cancellationToken: ct);
                return endpoint.Status == "disabled"
                    ? new Failure("Our webhook endpoint is disabled in Stripe, so payments made will not be reported to EasySpace.", "Enable it in Developers > Webhooks in your Stripe Dashboard, or run the Stripe wizard again.")
                    : null;
            }
            catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
            {
                return new Failure("Our webhook endpoint was deleted in Stripe, so payments made will not be reported to EasySpace.", "Run the Stripe wizard again to register it anew.");
            }
        }, ct);
        return outcome.Failure ?? outcome.Value;
    }

    /// <summary>
    /// One endpoint for our URL, never two (Stripe would send every event twice). An endpoint already there is kept
    /// when we hold its signing secret and it speaks our API version; otherwise it is replaced, since Stripe shows a
    /// signing secret only when the endpoint is created.
    /// </summary>
    private async Task<RegistrationOutcome> RegisterWebhookAsync(string secretKey, ProviderMode mode, string url, ProviderConnection? previous, CancellationToken ct)
    {
        var outcome = await CallAsync(secretKey, "register our webhook endpoint", async client =>
        {
            var service = new WebhookEndpointService(client);
            var existing = (await service.ListAsync(new WebhookEndpointListOptions { Limit = 100 }, cancellationToken: ct)).Data
                .Where(e => string.Equals(e.Url, url, StringComparison.Ordinal)).ToList();
            var reusable = existing.FirstOrDefault(e => e.Id == previous?.RemoteWebhookId && previous.ProtectedSigningSecret is not null && e.ApiVersion == StripeConfiguration.ApiVersion);
            if (reusable is not null)
            {
                await service.UpdateAsync(reusable.Id, new WebhookEndpointUpdateOptions { EnabledEvents = [.. HandledEvents], Disabled = false }, cancellationToken: ct);
                return new WebhookRegistration(EventDelivery.Webhook, reusable.Id, url, previous!.ProtectedSigningSecret);
            }
            foreach (var stale in existing) await service.DeleteAsync(stale.Id, cancellationToken: ct);
            var created = await service.CreateAsync(new WebhookEndpointCreateOptions
            {
                Url = url,
                EnabledEvents = [.. HandledEvents],
                // Events must come in the version Stripe.net parses, or every one fails to parse (stripe-dotnet#1556).
                ApiVersion = StripeConfiguration.ApiVersion,
                Description = "EasySpace: payments, refunds and subscriptions",
            }, cancellationToken: ct);
            return new WebhookRegistration(EventDelivery.Webhook, created.Id, url, protector.Protect(created.Secret));
        }, ct, limitMode: mode);
        return new RegistrationOutcome(outcome.Value, outcome.Failure);
    }

    /// <summary>One conversation with Stripe; whatever goes wrong becomes a reason and what to do about it.</summary>
    private async Task<Outcome<T>> CallAsync<T>(string secretKey, string doing, Func<StripeClient, Task<T>> call, CancellationToken ct, ProviderMode? limitMode = null)
    {
        var client = new StripeClient(
            apiKey: secretKey,
            // No retries: the manager is waiting in the wizard and can try again.
            httpClient: new SystemNetHttpClient(httpClients.CreateClient(HttpClientName), maxNetworkRetries: 0),
            apiBase: options.CurrentValue.ApiBase.TrimEnd('/'));
        try
        {
            return new Outcome<T>(await call(client), null);
        }
        catch (StripeException e)
        {
            // Stripe's own message may quote part of the key: it is logged by type and status only.
            log.LogWarning("Stripe refused to {Doing}: HTTP {Status}, {Type}, {Code}", doing, (int)e.HttpStatusCode, e.StripeError?.Type, e.StripeError?.Code);
            return new Outcome<T>(default, Explain(e, doing, limitMode));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning("Stripe could not be reached to {Doing}: {Error}", doing, e.GetType().Name);
            return new Outcome<T>(default, new Failure($"EasySpace could not reach Stripe to {doing}.",
                "Check that this server can connect to the internet (api.stripe.com), then try again."));
        }
    }

    private static Failure Explain(StripeException e, string doing, ProviderMode? limitMode) => e.HttpStatusCode switch
    {
        HttpStatusCode.Unauthorized => new Failure("Stripe did not accept this key: it may be mistyped, rolled or deleted.",
            "Copy the key again from Developers > API keys in your Stripe Dashboard."),
        HttpStatusCode.Forbidden => new Failure($"This restricted key is not allowed to {doing}.",
            "In your Stripe Dashboard, edit the key and give it every permission listed in the wizard, then try again."),
        HttpStatusCode.BadRequest when limitMode is not null && (e.StripeError?.Message ?? "").Contains("maximum", StringComparison.OrdinalIgnoreCase) =>
            new Failure($"Stripe allows only 16 webhook endpoints in {Words(limitMode.Value)} mode, and this account already has them all.",
                "Delete an endpoint you no longer use in Developers > Webhooks in your Stripe Dashboard, then try again."),
        HttpStatusCode.TooManyRequests => new Failure("Stripe asked EasySpace to slow down.", "Wait a minute, then try again."),
        >= HttpStatusCode.InternalServerError => new Failure($"Stripe had a problem and could not {doing}.", "Try again in a few minutes; status.stripe.com says whether Stripe is having an outage."),
        _ => new Failure($"Stripe refused to {doing} ({(int)e.HttpStatusCode}).", "Check the key and the mode, then try again."),
    };

    private async Task<string?> SpaceCurrencyAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SpaceProfiles.AsNoTracking().OrderBy(p => p.Id).Select(p => p.Currency).FirstOrDefaultAsync(ct);
    }

    private static bool IsSigningSecret(string s) =>
        s.Length is > 6 and <= 255 && s.StartsWith("whsec_", StringComparison.Ordinal) && s[6..].All(char.IsAsciiLetterOrDigit);

    /// <summary>"rk_test_…a1b2": enough to tell keys apart, nothing to use.</summary>
    private static string Hint(string key) => key[..(key.IndexOf('_', 3) + 1)] + "…" + key[^4..];

    private static string Words(ProviderMode mode) => mode == ProviderMode.Live ? "live" : "test";

    private static string FirstText(params string?[] candidates) => candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c)) ?? "";
}
