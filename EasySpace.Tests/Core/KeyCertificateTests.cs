using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EasySpace.Core;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core;

/// <summary>
/// The Data Protection keys encrypted at rest with a configured certificate (DataProtection:CertificatePath): on SQLite
/// in keys/, on PostgreSQL in the database. Runs on both stores through the suite's two passes.
/// </summary>
public class KeyCertificateTests
{
    private const string Password = "pfx-password";

    private static string WriteCertificate(string folder, string name = "keys.pfx", string password = Password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=EasySpace keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    /// <summary>Another process on the same data: a second node, or whoever holds a copy of the folder or a dump.</summary>
    private static ServiceProvider SameData(CoreHost host, IDictionary<string, string?> extra)
    {
        var values = new Dictionary<string, string?> { ["EasySpace:DataDirectory"] = Path.GetDirectoryName(host.DatabasePath) };
        if (host.PostgresConnectionString is { } cs)
            foreach (var (key, value) in PostgresServer.Settings(cs)) values[key] = value;
        foreach (var (key, value) in extra) values[key] = value;
        return new ServiceCollection().AddLogging()
            .AddEasySpaceCore(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider();
    }

    private static List<string> StoredKeys(CoreHost host)
    {
        if (host.PostgresConnectionString is null)
            return Directory.GetFiles(Path.Combine(Path.GetDirectoryName(host.DatabasePath)!, "keys"), "key-*.xml").Select(File.ReadAllText).ToList();
        using var db = host.OpenDatabase();
        return db.Column("SELECT Xml FROM DataProtectionKeys").Select(x => (string)x).ToList();
    }

    [Fact]
    public async Task With_a_certificate_the_keys_are_stored_encrypted_and_only_a_holder_of_the_certificate_opens_the_secrets()
    {
        using var folder = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            [KeyCertificate.PathSetting] = WriteCertificate(folder.Path), [KeyCertificate.PasswordSetting] = Password,
        };
        await using var core = await CoreHost.StartAsync(settings);
        var stored = core.Get<SecretBox>().Protect("whsec_c2VjcmV0LXRoYXQtbXVzdC1zdGF5");

        var keys = StoredKeys(core);
        Assert.NotEmpty(keys);
        // Encrypted to the certificate: no master key's value in the clear.
        Assert.All(keys, xml =>
        {
            Assert.Contains("encryptedSecret", xml);
            Assert.DoesNotContain("<value>", xml);
        });

        // Another node with the same certificate opens the secret...
        await using (var node = SameData(core, settings))
            Assert.Equal("whsec_c2VjcmV0LXRoYXQtbXVzdC1zdGF5", node.GetRequiredService<SecretBox>().Unprotect(stored));
        // ...a copy of the data without it does not.
        await using var copy = SameData(core, new Dictionary<string, string?>());
        Assert.ThrowsAny<CryptographicException>(() => copy.GetRequiredService<SecretBox>().Unprotect(stored));
    }

    [Fact]
    public async Task Without_a_certificate_the_keys_are_stored_as_before()
    {
        await using var core = await CoreHost.StartAsync();
        core.Get<SecretBox>().Protect("whsec_x");
        Assert.All(StoredKeys(core), xml => Assert.Contains("<value>", xml));
    }

    [Fact]
    public void A_certificate_that_cannot_serve_stops_the_start_with_a_sentence_naming_the_setting()
    {
        using var folder = new TempDirectory();
        var good = WriteCertificate(folder.Path);
        string Problem(params (string Key, string Value)[] values) => Assert.Throws<InvalidOperationException>(() => KeyCertificate.Load(
            new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build())).Message;

        // Tried: the wrong password, a missing file, a file that is not a certificate, a certificate without its private key.
        Assert.StartsWith("DataProtection:CertificatePath: ", Problem((KeyCertificate.PathSetting, good), (KeyCertificate.PasswordSetting, "wrong")));
        Assert.Contains("Check the file and DataProtection:CertificatePassword.", Problem((KeyCertificate.PathSetting, good), (KeyCertificate.PasswordSetting, "wrong")));
        Assert.StartsWith("DataProtection:CertificatePath: ", Problem((KeyCertificate.PathSetting, Path.Combine(folder.Path, "missing.pfx"))));
        var notOne = Path.Combine(folder.Path, "not.pfx");
        File.WriteAllText(notOne, "-----BEGIN NOTHING-----");
        Assert.StartsWith("DataProtection:CertificatePath: ", Problem((KeyCertificate.PathSetting, notOne)));
        using (var withKey = X509CertificateLoader.LoadPkcs12FromFile(good, Password))
        {
            var publicOnly = Path.Combine(folder.Path, "public.pfx");
            using var cert = X509CertificateLoader.LoadCertificate(withKey.Export(X509ContentType.Cert));
            File.WriteAllBytes(publicOnly, cert.Export(X509ContentType.Pfx, Password));
            Assert.Contains("must hold an RSA certificate with its private key", Problem((KeyCertificate.PathSetting, publicOnly), (KeyCertificate.PasswordSetting, Password)));
        }
        // Not set: no certificate, the keys stay as they were.
        Assert.Null(KeyCertificate.Load(new ConfigurationBuilder().Build()));
    }
}
