namespace EasySpace.Core.Payments.PayPal;

/// <summary>What the manager typed in the PayPal wizard's credentials step.</summary>
public sealed class PayPalCredentials
{
    public PayPalEnvironment Environment { get; set; } = PayPalEnvironment.Sandbox;
    public string ClientId { get; set; } = "";
    public string Secret { get; set; } = "";

    // PayPal's client ids and secrets are 80 letters, digits, dashes and underscores; a little room, no more.
    private const int MaxLength = 255;

    /// <summary>Refuses what cannot be a PayPal client id or secret before anything is sent to PayPal.</summary>
    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors();
        var clientId = Clean(ClientId);
        var secret = Clean(Secret);
        if (Shape(clientId, "client id") is { } clientIdProblem) errors.Add(nameof(ClientId), clientIdProblem);
        // PayPal's client ids start with A and its secrets with E: an E here, beside a secret box that does not hold one,
        // is the secret pasted into the wrong box (which would otherwise reach PayPal's sign-in and its logs).
        else if (clientId == secret || clientId.StartsWith('E') && !secret.StartsWith('E'))
            errors.Add(nameof(ClientId), "This looks like the secret, not the client id. In your PayPal app, the Client ID is shown first, above the Secret.");
        if (Shape(secret, "secret") is { } secretProblem) errors.Add(nameof(Secret), secretProblem);
        return errors;
    }

    /// <summary>The credentials as sent: spaces a copy and paste brought along at either end are dropped.</summary>
    public PayPalAccount Account() => new(Environment, Clean(ClientId), Clean(Secret));

    public ProviderMode Mode => Environment == PayPalEnvironment.Live ? ProviderMode.Live : ProviderMode.Test;

    private static string Clean(string? typed) => (typed ?? "").Trim();

    private static string? Shape(string value, string what)
    {
        if (value.Length == 0) return $"Paste the {what} here.";
        if (value.Length > MaxLength) return $"This is far longer than a PayPal {what}. Copy the {what} again, on its own.";
        if (!value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return $"A PayPal {what} has only letters, digits, dashes and underscores. Copy the {what} again, on its own.";
        return null;
    }
}
