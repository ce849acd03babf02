using Microsoft.AspNetCore.DataProtection;

namespace EasySpace.Core.Webhooks;

/// <summary>Keeps endpoint secrets and custom header values encrypted at rest with the installation's Data Protection keys.</summary>
public sealed class SecretBox(IDataProtectionProvider provider)
{
    /// <summary>
    /// Marks a stored header value as encrypted. Versions before it kept values in clear; the start-up upgrade
    /// (DatabaseSetup) encrypts every value without the mark.
    /// </summary>
    private const string HeaderValueMark = "dp1:";

    private readonly IDataProtector protector = provider.CreateProtector("EasySpace.Webhooks.EndpointSecret.v1");
    private readonly IDataProtector headerValues = provider.CreateProtector("EasySpace.Webhooks.HeaderValue.v1");

    public string Protect(string secret) => protector.Protect(secret);

    public string Unprotect(string protectedSecret) => protector.Unprotect(protectedSecret);

    /// <summary>The headers as stored: names in clear (the activity log and the pages list them), values encrypted.</summary>
    public List<CustomHeader> ProtectHeaders(IEnumerable<CustomHeader> headers) => headers.Select(h => h with { Value = ProtectHeaderValue(h.Value) }).ToList();

    /// <summary>The headers as sent and as the form shows them.</summary>
    public List<CustomHeader> UnprotectHeaders(IEnumerable<CustomHeader> stored) =>
        stored.Select(h => h with { Value = headerValues.Unprotect(h.Value[HeaderValueMark.Length..]) }).ToList();

    /// <summary>For the start-up upgrade: the stored headers with every value still in clear encrypted, or null when none is.</summary>
    public List<CustomHeader>? ProtectClearHeaders(IReadOnlyList<CustomHeader> stored) =>
        stored.All(h => h.Value.StartsWith(HeaderValueMark, StringComparison.Ordinal))
            ? null
            : stored.Select(h => h.Value.StartsWith(HeaderValueMark, StringComparison.Ordinal) ? h : h with { Value = ProtectHeaderValue(h.Value) }).ToList();

    private string ProtectHeaderValue(string value) => HeaderValueMark + headerValues.Protect(value);
}
