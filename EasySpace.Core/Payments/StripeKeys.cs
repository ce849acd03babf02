namespace EasySpace.Core.Payments;

/// <summary>What the manager typed in the Stripe wizard's key step.</summary>
public sealed class StripeKeys
{
    public ProviderMode Mode { get; set; } = ProviderMode.Test;
    /// <summary>A restricted key (rk_) or, less safely, the secret key (sk_).</summary>
    public string SecretKey { get; set; } = "";
    public string PublishableKey { get; set; } = "";

    // Stripe's keys are letters, digits and underscores, about a hundred characters at most.
    private const int MaxKeyLength = 255;

    /// <summary>Refuses keys that cannot be right before anything is sent to Stripe; returns the warnings for keys that work but could be safer.</summary>
    public ValidationErrors Validate(out IReadOnlyList<string> warnings)
    {
        var errors = new ValidationErrors();
        var found = new List<string>();
        warnings = found;
        var mode = Mode == ProviderMode.Live ? "live" : "test";
        var other = Mode == ProviderMode.Live ? "test" : "live";

        if (Shape(SecretKey) is { } secretProblem) errors.Add(nameof(SecretKey), secretProblem);
        else if (Key(SecretKey).StartsWith($"rk_{other}_", StringComparison.Ordinal) || Key(SecretKey).StartsWith($"sk_{other}_", StringComparison.Ordinal))
            errors.Add(nameof(SecretKey), $"This is a {other}-mode key, but you chose {mode} mode. Use the {mode}-mode key, or go back and choose {other} mode.");
        else if (Key(SecretKey).StartsWith($"sk_{mode}_", StringComparison.Ordinal))
            found.Add("This is your account's secret key, which can do everything in your Stripe account. A restricted key with only the permissions listed is safer.");
        else if (!Key(SecretKey).StartsWith($"rk_{mode}_", StringComparison.Ordinal))
            errors.Add(nameof(SecretKey), $"A {mode}-mode restricted key starts with rk_{mode}_ (a secret key with sk_{mode}_). Copy it from Developers > API keys in your Stripe Dashboard.");

        if (Shape(PublishableKey) is { } publishableProblem) errors.Add(nameof(PublishableKey), publishableProblem);
        else if (Key(PublishableKey).StartsWith($"pk_{other}_", StringComparison.Ordinal))
            errors.Add(nameof(PublishableKey), $"This is a {other}-mode publishable key, but you chose {mode} mode.");
        else if (!Key(PublishableKey).StartsWith($"pk_{mode}_", StringComparison.Ordinal))
            errors.Add(nameof(PublishableKey), $"A {mode}-mode publishable key starts with pk_{mode}_.");

        return errors;
    }

    /// <summary>The key as sent: spaces a copy and paste brought along at either end are dropped.</summary>
    internal static string Key(string? typed) => (typed ?? "").Trim();

    private static string? Shape(string? typed)
    {
        var key = Key(typed);
        if (key.Length == 0) return "Paste the key here.";
        if (key.Length > MaxKeyLength) return "This is far longer than a Stripe key. Copy the key again, on its own.";
        if (!key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            return "A Stripe key has only letters, digits and underscores. Copy the key again, on its own.";
        return null;
    }
}
