namespace EasySpace.Core.Payments.PayPal;

/// <summary>The <c>Payments:PayPal</c> section of appsettings.json.</summary>
public sealed class PayPalOptions
{
    public const string Section = "Payments:PayPal";

    public static readonly Uri SandboxApiBase = new("https://api-m.sandbox.paypal.com");
    public static readonly Uri LiveApiBase = new("https://api-m.paypal.com");

    /// <summary>
    /// Empty (the default): each connection's environment picks <see cref="SandboxApiBase"/> or <see cref="LiveApiBase"/>.
    /// Set: every PayPal call goes to this address instead (the tests' fake PayPal, an egress proxy).
    /// </summary>
    public string ApiBase { get; set; } = "";

    public Uri BaseFor(PayPalEnvironment environment) =>
        !string.IsNullOrWhiteSpace(ApiBase) ? new Uri(ApiBase.TrimEnd('/') + "/")
        : environment == PayPalEnvironment.Live ? LiveApiBase : SandboxApiBase;
}
