namespace EasySpace.Core.Mail;

/// <summary>The mail server as saved on Settings &gt; E-mail: one row, the password encrypted with Data Protection.</summary>
public sealed class StoredMailSettings
{
    private StoredMailSettings() { }

    public int Id { get; private set; }
    public string Host { get; private set; } = "";
    public int Port { get; private set; }
    public MailSecurity Security { get; private set; }
    public string User { get; private set; } = "";
    /// <summary>Encrypted under <see cref="PasswordProtection"/>; empty when the server takes no password.</summary>
    public string ProtectedPassword { get; private set; } = "";
    public string SenderName { get; private set; } = "";
    public string SenderAddress { get; private set; } = "";
    public string ChangedBy { get; private set; } = "";
    public DateTimeOffset ChangedAt { get; private set; }

    public const string PasswordProtection = "EasySpace.Mail.Password.v1";

    public static StoredMailSettings Create() => new() { Id = 1 };

    /// <summary>Takes the form's values (already checked); the password is encrypted by the caller.</summary>
    /// <returns>The fields that changed, for the activity log (the password only as "password changed").</returns>
    public IReadOnlyList<string> Change(MailServer server, string protectedPassword, bool passwordChanged, string by, DateTimeOffset at)
    {
        var changes = new List<string>();
        void Track(string field, string before, string after)
        {
            if (before != after) changes.Add($"{field}: {(before.Length == 0 ? "(none)" : before)} → {(after.Length == 0 ? "(none)" : after)}");
        }
        Track("host", Host, server.Host);
        Track("port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Track("security", Security.ToString(), server.Security.ToString());
        Track("user", User, server.User);
        Track("sender name", SenderName, server.SenderName);
        Track("sender address", SenderAddress, server.SenderAddress);
        if (passwordChanged) changes.Add("password changed");
        (Host, Port, Security, User, SenderName, SenderAddress) = (server.Host, server.Port, server.Security, server.User, server.SenderName, server.SenderAddress);
        ProtectedPassword = protectedPassword;
        ChangedBy = by;
        ChangedAt = at;
        return changes;
    }
}
