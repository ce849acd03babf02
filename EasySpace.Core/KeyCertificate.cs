using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace EasySpace.Core;

/// <summary>
/// The optional certificate that encrypts the Data Protection keys at rest. Without it the keys are stored as they are
/// (in <c>keys/</c>, or on PostgreSQL in the database beside the secrets they protect), so a copy of the data folder or
/// a database dump opens every stored secret; with it, that copy is useless without the certificate's private key.
/// </summary>
public static class KeyCertificate
{
    public const string PathSetting = "DataProtection:CertificatePath";
    public const string PasswordSetting = "DataProtection:CertificatePassword";

    /// <summary>The configured PKCS#12 (.pfx) file's certificate, or null when none is set; a file that cannot serve stops the start, naming the setting.</summary>
    public static X509Certificate2? Load(IConfiguration configuration)
    {
        var path = configuration[PathSetting];
        if (string.IsNullOrWhiteSpace(path)) return null;
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[PasswordSetting], X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{PathSetting}: {path} could not be read as a .pfx file ({e.Message.TrimEnd('.')}). Check the file and {PasswordSetting}.", e);
        }
        // The keys are encrypted to the certificate's RSA key and read back with its private half.
        if (certificate.GetRSAPublicKey() is null || !certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{PathSetting}: {path} must hold an RSA certificate with its private key.");
        }
        return certificate;
    }
}
