using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using EasySpace.Core.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace EasySpace.Core.Mail;

/// <summary>One e-mail to one person: an HTML body and the same words as plain text.</summary>
public sealed record OutgoingMail(string ToAddress, string ToName, string Subject, string Html, string Text);

/// <summary>What became of an e-mail: sent, not sent because e-mail is off, or refused with the reason in a manager's words.</summary>
public sealed record MailOutcome(bool Sent, bool IsOff, string? Problem)
{
    public static readonly MailOutcome Delivered = new(true, false, null);
    public static readonly MailOutcome Off = new(false, true, null);
    public static MailOutcome Failed(string problem) => new(false, false, problem);
}

/// <summary>
/// Sends through the configured SMTP server with MailKit. Nothing here throws for what the server or the network
/// does: the outcome carries the server's own complaint as a sentence (wrong password, refused TLS, unknown host,
/// no answer). Without a mail server nothing is sent and the outcome says e-mail is off.
/// </summary>
public sealed class Mailer(MailSettingsService settings, IOptionsMonitor<MailOptions> options, ILogger<Mailer> logger)
{
    public async Task<MailOutcome> SendAsync(OutgoingMail mail, CancellationToken ct = default) =>
        await settings.CurrentAsync(ct) is { } server ? await SendThroughAsync(server, mail, ct) : MailOutcome.Off;

    /// <summary>
    /// "Send a test e-mail": through the form's values (before they are saved; the stored password when none was
    /// typed), or the settings file's server when it decides. Refused with field errors for a form or an address that
    /// cannot be used.
    /// </summary>
    public async Task<Result<MailOutcome>> SendTestAsync(MailServer form, string to, CancellationToken ct = default)
    {
        var server = await settings.ForTestAsync(form, ct);
        var errors = server.Errors;
        if (InputRules.EmailProblem(to) is { } problem) errors.Add("TestAddress", problem);
        if (!errors.IsEmpty) return errors;
        var text = "This is a test e-mail from EasySpace. If you can read it, invoices, invitations and password links can reach people.";
        return await SendThroughAsync(server.Value!, new OutgoingMail(to.Trim(), to.Trim(), "EasySpace test e-mail",
            $"<!DOCTYPE html><html><body><p>{System.Net.WebUtility.HtmlEncode(text)}</p></body></html>", text), ct);
    }

    private async Task<MailOutcome> SendThroughAsync(MailServer server, OutgoingMail mail, CancellationToken ct = default)
    {
        var seconds = Math.Max(1, options.CurrentValue.TimeoutSeconds);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        using var client = new SmtpClient { Timeout = seconds * 1000 };
        try
        {
            await client.ConnectAsync(server.Host, server.Port, Socket(server.Security), timeout.Token);
            if (server.User.Length > 0) await client.AuthenticateAsync(server.User, server.Password, timeout.Token);
            await client.SendAsync(Message(server, mail), timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
            return MailOutcome.Delivered;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
        {
            var problem = Explain(e, server, seconds);
            // The server and the reason, never the password or the message.
            logger.LogWarning("E-mail to {To} through {Host}:{Port} not sent: {Problem}", mail.ToAddress, server.Host, server.Port, problem);
            return MailOutcome.Failed(problem);
        }
    }

    private static SecureSocketOptions Socket(MailSecurity security) => security switch
    {
        MailSecurity.TlsOnConnect => SecureSocketOptions.SslOnConnect,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    private static MimeMessage Message(MailServer server, OutgoingMail mail)
    {
        var message = new MimeMessage { Subject = OneLine(mail.Subject) };
        message.From.Add(new MailboxAddress(OneLine(server.SenderName), server.SenderAddress));
        message.To.Add(new MailboxAddress(OneLine(mail.ToName), mail.ToAddress));
        message.Body = new BodyBuilder { HtmlBody = mail.Html, TextBody = mail.Text }.ToMessageBody();
        return message;
    }

    // A header is one line: a name or subject carrying CR/LF (from wherever it came) cannot start a header of its own.
    private static string OneLine(string text) => string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)).Trim();

    /// <summary>The failure as a sentence a manager can act on, with the server's own words where it gave some.</summary>
    internal static string Explain(Exception e, MailServer s, int seconds) => e switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
            $"The mail server {s.Host} refused the connection on port {s.Port}: check the host name and the port.",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain or SocketError.NoRecovery } =>
            $"No mail server called {s.Host} could be found: check the host name.",
        SocketException { SocketErrorCode: SocketError.TimedOut } or TimeoutException or OperationCanceledException or IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut } or TimeoutException } =>
            $"The mail server {s.Host} did not answer on port {s.Port} within {seconds} seconds: check the host name, the port and any firewall between.",
        SocketException socket => $"The mail server {s.Host} could not be reached on port {s.Port}: {socket.Message}",
        AuthenticationException auth => $"The mail server refused the user name and password ({auth.Message}): check them with your e-mail provider.",
        ServiceNotAuthenticatedException => "The mail server wants a user name and password before it sends anything: fill them in.",
        SslHandshakeException =>
            $"The secure connection to {s.Host} on port {s.Port} failed: the server did not accept TLS there or its certificate is not trusted. Port 465 usually takes \"TLS on connect\", port 587 \"STARTTLS\".",
        NotSupportedException when s.Security == MailSecurity.StartTls =>
            $"The mail server {s.Host} does not offer STARTTLS on port {s.Port}: choose \"TLS on connect\" (usually port 465), or ask your provider which port takes STARTTLS.",
        SmtpCommandException command => $"The mail server refused the e-mail: {command.Message} (SMTP {(int)command.StatusCode}).",
        SmtpProtocolException protocol => $"The mail server broke off the conversation: {protocol.Message}",
        _ => $"The e-mail could not be sent: {e.Message}",
    };
}
