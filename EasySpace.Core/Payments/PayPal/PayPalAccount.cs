namespace EasySpace.Core.Payments.PayPal;

/// <summary>Which PayPal a connection talks to: the sandbox (test money) or live.</summary>
public enum PayPalEnvironment { Sandbox, Live }

/// <summary>
/// A PayPal REST app's credentials. The secret never reaches a log or a string: <see cref="ToString"/> leaves it out.
/// </summary>
public sealed record PayPalAccount(PayPalEnvironment Environment, string ClientId, string Secret)
{
    public override string ToString() => $"PayPal {Environment} app {ClientId}";
}
