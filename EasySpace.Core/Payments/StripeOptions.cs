namespace EasySpace.Core.Payments;

/// <summary>The <c>Payments:Stripe</c> section of appsettings.json.</summary>
public sealed class StripeOptions
{
    public const string Section = "Payments:Stripe";

    /// <summary>Where Stripe's API answers; tests point it at a local fake.</summary>
    public string ApiBase { get; set; } = "https://api.stripe.com";
}
