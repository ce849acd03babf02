namespace EasySpace.Core.Payments;

public enum PaymentProvider { Stripe = 1, PayPal = 2 }

/// <summary>Stripe's test/live, PayPal's sandbox/live.</summary>
public enum ProviderMode { Test = 1, Live = 2 }

/// <summary>What the card shows. A provider without a stored connection is <see cref="NotConnected"/>.</summary>
public enum ConnectionStatus { NotConnected = 0, Active = 1, Error = 2, Disabled = 3 }

/// <summary>
/// How provider events reach us: the provider calls our webhook, or (a box it cannot reach) we learn of payments on
/// the member's return and from reconciliation, optionally from a forwarding tool given a signing secret.
/// </summary>
public enum EventDelivery { Webhook = 1, Local = 2 }

/// <summary>One payment provider as the manager connected it. Credentials are kept encrypted, never in clear.</summary>
public sealed class ProviderConnection
{
    private ProviderConnection() { }

    public long Id { get; private set; }
    public PaymentProvider Provider { get; private set; }
    public ProviderMode Mode { get; private set; }
    public ConnectionStatus Status { get; private set; }
    /// <summary>Why the connection is in Error, in the manager's words.</summary>
    public string? ErrorReason { get; private set; }
    /// <summary>What the manager can do about the error.</summary>
    public string? ErrorFix { get; private set; }
    public EventDelivery Delivery { get; private set; }

    public string AccountId { get; private set; } = "";
    public string AccountName { get; private set; } = "";
    public string AccountCountry { get; private set; } = "";
    /// <summary>ISO 4217 in capitals, e.g. "EUR".</summary>
    public string DefaultCurrency { get; private set; } = "";
    public bool ChargesEnabled { get; private set; }

    /// <summary>The secret or restricted key, encrypted with Data Protection.</summary>
    public string ProtectedSecretKey { get; private set; } = "";
    /// <summary>The key's prefix and last four characters, for showing which key is stored.</summary>
    public string SecretKeyHint { get; private set; } = "";
    /// <summary>Public by design (it goes into checkout pages), so kept in clear.</summary>
    public string PublishableKey { get; private set; } = "";
    /// <summary>The webhook signing secret, encrypted; null in local mode when none was pasted.</summary>
    public string? ProtectedSigningSecret { get; private set; }
    /// <summary>The provider's id of the webhook endpoint we registered; null in local mode.</summary>
    public string? RemoteWebhookId { get; private set; }
    public string? WebhookUrl { get; private set; }

    public string ConnectedBy { get; private set; } = "";
    public DateTimeOffset ConnectedAt { get; private set; }
    public DateTimeOffset? LastCheckedAt { get; private set; }

    /// <summary>The Data Protection purpose every provider's stored secrets are encrypted under.</summary>
    public const string CredentialsProtection = "EasySpace.Payments.Credentials.v1";

    public static ProviderConnection ConnectStripe(ProviderMode mode, ProviderAccount account, StoredCredentials credentials,
        WebhookRegistration webhook, string by, DateTimeOffset at) =>
        Connect(PaymentProvider.Stripe, mode, account, credentials, webhook, by, at);

    /// <summary>
    /// PayPal's REST app: the client id is kept where Stripe's publishable key is (public too: PayPal's buttons carry it),
    /// the secret encrypted. PayPal has no signing secret (its webhooks are checked by asking PayPal), so none is kept.
    /// </summary>
    public static ProviderConnection ConnectPayPal(ProviderMode mode, ProviderAccount app, StoredCredentials credentials,
        WebhookRegistration webhook, string by, DateTimeOffset at) =>
        Connect(PaymentProvider.PayPal, mode, app, credentials, webhook with { ProtectedSigningSecret = null }, by, at);

    private static ProviderConnection Connect(PaymentProvider provider, ProviderMode mode, ProviderAccount account, StoredCredentials credentials,
        WebhookRegistration webhook, string by, DateTimeOffset at) =>
        new()
        {
            Provider = provider,
            Mode = mode,
            Status = ConnectionStatus.Active,
            Delivery = webhook.Delivery,
            AccountId = account.Id,
            AccountName = account.Name,
            AccountCountry = account.Country,
            DefaultCurrency = account.DefaultCurrency,
            ChargesEnabled = account.ChargesEnabled,
            ProtectedSecretKey = credentials.ProtectedSecretKey,
            SecretKeyHint = credentials.SecretKeyHint,
            PublishableKey = credentials.PublishableKey,
            ProtectedSigningSecret = webhook.ProtectedSigningSecret,
            RemoteWebhookId = webhook.RemoteId,
            WebhookUrl = webhook.Url,
            ConnectedBy = by,
            ConnectedAt = at,
            LastCheckedAt = at,
        };

    /// <summary>A check succeeded: the account as the provider describes it now.</summary>
    public void Confirm(ProviderAccount account, DateTimeOffset at)
    {
        Status = ConnectionStatus.Active;
        ErrorReason = ErrorFix = null;
        AccountName = account.Name;
        AccountCountry = account.Country;
        DefaultCurrency = account.DefaultCurrency;
        ChargesEnabled = account.ChargesEnabled;
        LastCheckedAt = at;
    }

    public void Fail(string reason, string fix, DateTimeOffset at)
    {
        Status = ConnectionStatus.Error;
        ErrorReason = reason;
        ErrorFix = fix;
        LastCheckedAt = at;
    }
}

/// <summary>The provider account behind a key, as the provider reports it.</summary>
public sealed record ProviderAccount(string Id, string Name, string Country, string DefaultCurrency, bool ChargesEnabled);

/// <summary>Credentials ready to store: the secret already encrypted.</summary>
public sealed record StoredCredentials(string ProtectedSecretKey, string SecretKeyHint, string PublishableKey);

/// <summary>Where a provider will send events once connected: our URL, or local mode and why.</summary>
public sealed record EventRoute(string? WebhookUrl, string? LocalReason)
{
    public bool IsLocal => LocalReason is not null;
}

/// <summary>How events will reach us once connected.</summary>
public sealed record WebhookRegistration(EventDelivery Delivery, string? RemoteId, string? Url, string? ProtectedSigningSecret);
