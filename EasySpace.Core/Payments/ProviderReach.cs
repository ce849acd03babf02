using System.Net;
using EasySpace.Core.Webhooks;

namespace EasySpace.Core.Payments;

/// <summary>Whether a payment provider on the internet can call this box at its public base URL.</summary>
public static class ProviderReach
{
    /// <summary>Where a provider would send events to <paramref name="webhookPath"/>, or why it cannot: what a wizard shows before its last step.</summary>
    public static async Task<EventRoute> RouteAsync(PublicUrls urls, string webhookPath, CancellationToken ct)
    {
        string? baseUrl;
        try { baseUrl = await urls.BaseUrlAsync(ct); }
        catch (InvalidOperationException) { baseUrl = null; }
        return WhyUnreachable(baseUrl) is { } why ? new EventRoute(null, why) : new EventRoute(baseUrl + webhookPath, null);
    }

    /// <summary>Why the provider cannot reach <paramref name="publicBaseUrl"/>, in the manager's words; null when it can.</summary>
    public static string? WhyUnreachable(string? publicBaseUrl)
    {
        if (string.IsNullOrWhiteSpace(publicBaseUrl) || !Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var uri))
            return "This space has no public address yet, so the payment provider cannot send it notifications.";
        if (uri.Scheme != Uri.UriSchemeHttps)
            return $"This space's public address ({uri.GetLeftPart(UriPartial.Authority)}) is not https, and payment providers send notifications only to https addresses.";
        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        // Same judgement as the webhook guard's: loopback, private and link-local addresses are not on the internet.
        var local = IPAddress.TryParse(host.Trim('[', ']'), out var address) ? TargetGuard.IsBlocked(address) : TargetGuard.IsLocalName(host);
        return local
            ? $"This space's public address ({uri.Host}) is a local or private one that the payment provider cannot reach from the internet."
            : null;
    }
}
