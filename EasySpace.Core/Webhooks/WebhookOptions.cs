namespace EasySpace.Core.Webhooks;

/// <summary>The <c>Webhooks</c> section of appsettings.json.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>How long a receiver has to connect and answer, in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Refuse plain http:// addresses instead of only warning about them.</summary>
    public bool RequireHttps { get; set; }

    /// <summary>Let webhooks go to private, loopback and link-local addresses (e.g. a receiver on the same LAN).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Host names (or IP literals) that may be private even when <see cref="AllowPrivateNetworks"/> is off.</summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>Deliveries in flight at once, over all endpoints.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>Deliveries in flight at once to one endpoint; also the connection limit per server.</summary>
    public int MaxConcurrencyPerEndpoint { get; set; } = 4;

    public static readonly string[] DefaultRetryDelays = ["00:01:00", "00:02:00", "00:05:00", "00:10:00", "00:30:00", "01:00:00", "02:00:00", "03:00:00", "05:00:00", "08:00:00"];

    /// <summary>
    /// Waits before each retry of a failed delivery, as TimeSpan strings (hh:mm:ss); empty means the defaults.
    /// (Not initialised with the defaults: configuration binding appends to an array instead of replacing it.)
    /// </summary>
    public string[] RetryDelays { get; set; } = [];

    /// <summary>How long delivery records are kept, in days.</summary>
    public int RetentionDays { get; set; } = 30;
}
