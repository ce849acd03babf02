namespace EasySpace.Core.Mail;

/// <summary>How the SMTP connection is secured.</summary>
public enum MailSecurity
{
    /// <summary>Plain text; only for a relay on this machine or a trusted network.</summary>
    None = 0,
    /// <summary>Connect in plain text, then upgrade with STARTTLS (usually port 587); refused if the server does not offer it.</summary>
    StartTls = 1,
    /// <summary>TLS from the first byte (usually port 465).</summary>
    TlsOnConnect = 2,
}

/// <summary>
/// The <c>Mail</c> section of appsettings.json. When <see cref="Host"/> is set, this section is the mail server and the
/// Settings &gt; E-mail page only shows it; otherwise the page's settings are used.
/// </summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public MailSecurity Security { get; set; } = MailSecurity.StartTls;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string? SenderName { get; set; }
    public string? SenderAddress { get; set; }

    /// <summary>How long to wait for the mail server to connect or answer, page or file alike.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    public bool IsSet => !string.IsNullOrWhiteSpace(Host);
}
