using EasySpace.Core.Data;
using Microsoft.AspNetCore.DataProtection;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Payments.PayPal;

/// <summary>The stored PayPal connection, ready to call PayPal with: the app's credentials (secret decrypted), sandbox or live, our webhook's id.</summary>
public sealed record ActivePayPal(PayPalAccount Account, ProviderMode Mode, string? WebhookId)
{
    /// <summary>Sandbox money is test money: payments recorded from it are marked as such.</summary>
    public bool IsTest => Mode == ProviderMode.Test;
}

/// <summary>
/// Reads the PayPal connection the manager made (Provider = PayPal in ProviderConnections: the client id in
/// PublishableKey, the secret encrypted in ProtectedSecretKey, our webhook's id in RemoteWebhookId, none in local mode).
/// A connection in Error still has working credentials more often than not, so payments keep being recorded; a
/// disabled one does not.
/// </summary>
public sealed class ConnectedPayPal(IDbContextFactory<AppDbContext> dbFactory, IDataProtectionProvider dataProtection, ILogger<ConnectedPayPal> log)
{
    private readonly IDataProtector protector = dataProtection.CreateProtector(ProviderConnection.CredentialsProtection);

    public async Task<ActivePayPal?> ActiveAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await db.ProviderConnections.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Provider == PaymentProvider.PayPal && (c.Status == ConnectionStatus.Active || c.Status == ConnectionStatus.Error), ct);
        if (connection is null) return null;
        string secret;
        try { secret = protector.Unprotect(connection.ProtectedSecretKey); }
        catch (CryptographicException e)
        {
            // The data/keys the secret was encrypted with are gone (a restore without them): PayPal must be connected again.
            log.LogWarning(e, "The stored PayPal secret cannot be decrypted; connect PayPal again");
            return null;
        }
        var environment = connection.Mode == ProviderMode.Live ? PayPalEnvironment.Live : PayPalEnvironment.Sandbox;
        var webhookId = connection.Delivery == EventDelivery.Webhook ? connection.RemoteWebhookId : null;
        return new ActivePayPal(new PayPalAccount(environment, connection.PublishableKey, secret), connection.Mode, webhookId);
    }
}
