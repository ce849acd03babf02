using EasySpace.Core.Identity;

namespace EasySpace.Core.Mail;

/// <summary>
/// What the mail server settings are, from the page or from the settings file: the form edits one, the sender reads
/// one. The password is in clear here and nowhere else: stored encrypted, never logged (<see cref="ToString"/> leaves it out).
/// </summary>
public sealed record MailServer
{
    public string Host { get; init; } = "";
    public int Port { get; init; } = 587;
    public MailSecurity Security { get; init; } = MailSecurity.StartTls;
    public string User { get; init; } = "";
    public string Password { get; init; } = "";
    public string SenderName { get; init; } = "";
    public string SenderAddress { get; init; } = "";

    public const int MaxHostLength = 253;   // the longest DNS name

    public override string ToString() => $"{Host}:{Port} ({Security}) as {(User.Length == 0 ? "nobody" : User)}, from {SenderAddress}";

    /// <summary>Field errors keyed by property name, each in a manager's words; empty when the settings can be used.</summary>
    public static ValidationErrors Problems(MailServer s)
    {
        var errors = new ValidationErrors();
        var host = s.Host.Trim();
        if (host.Length == 0) errors.Add(nameof(Host), "Enter the mail server's name, e.g. smtp.example.com.");
        else if (host.Length > MaxHostLength || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            errors.Add(nameof(Host), $"Enter a host name or address of at most {MaxHostLength} characters, e.g. smtp.example.com, without http:// or a port.");
        if (s.Port is < 1 or > 65535) errors.Add(nameof(Port), "Enter a port from 1 to 65535: usually 587 (STARTTLS), 465 (TLS) or 25.");
        if (!Enum.IsDefined(s.Security)) errors.Add(nameof(Security), "Choose how the connection is secured.");
        if (s.User.Length > 256 || s.User.Any(char.IsControl)) errors.Add(nameof(User), "A user name has at most 256 characters and no line breaks.");
        if (s.Password.Length > 256 || s.Password.Contains('\r') || s.Password.Contains('\n')) errors.Add(nameof(Password), "A password has at most 256 characters and no line breaks.");
        if (s.Password.Length > 0 && s.User.Trim().Length == 0) errors.Add(nameof(User), "Enter the user name that goes with the password.");
        if (InputRules.RequiredText(s.SenderName, "the sender's name", 100) is { } name) errors.Add(nameof(SenderName), name);
        if (InputRules.EmailProblem(s.SenderAddress) is { } address) errors.Add(nameof(SenderAddress), address);
        return errors;
    }

    internal MailServer Normalised() => this with
    {
        Host = Host.Trim(),
        User = User.Trim(),
        SenderName = SenderName.Trim(),
        SenderAddress = SenderAddress.Trim(),
    };
}
