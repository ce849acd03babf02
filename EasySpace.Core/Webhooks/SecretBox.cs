using Microsoft.AspNetCore.DataProtection;

namespace EasySpace.Core.Webhooks;

/// <summary>Keeps endpoint secrets encrypted at rest with the installation's Data Protection keys.</summary>
public sealed class SecretBox(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("EasySpace.Webhooks.EndpointSecret.v1");

    public string Protect(string secret) => protector.Protect(secret);

    public string Unprotect(string protectedSecret) => protector.Unprotect(protectedSecret);
}
