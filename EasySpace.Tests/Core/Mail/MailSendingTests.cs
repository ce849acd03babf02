using System.Net;
using System.Net.Sockets;
using EasySpace.Core.Mail;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Mail;

/// <summary>The mail server settings and "Send a test e-mail", against a real SMTP server on loopback.</summary>
public class MailSendingTests
{
    private const string Actor = "owner@example.com";
    private const string User = "space-mailer";
    private const string Secret = "s3cret-smtp-password";

    private static MailServer Plain(int port, string user = "", string password = "") => new()
    {
        Host = SmtpRecorder.Host, Port = port, Security = MailSecurity.None, User = user, Password = password,
        SenderName = "Co-Up Berlin", SenderAddress = "hello@co-up.example",
    };

    [Fact]
    public async Task A_test_email_arrives_from_the_sender_the_manager_chose()
    {
        await using var smtp = await SmtpRecorder.StartAsync(User, Secret);
        await using var core = await CoreHost.StartAsync();

        var outcome = (await core.Get<Mailer>().SendTestAsync(Plain(smtp.Port, User, Secret), "manager@example.com")).Ok();

        Assert.True(outcome.Sent, outcome.Problem);
        var message = await smtp.NextAsync();
        Assert.Equal("EasySpace test e-mail", message.Subject);
        Assert.Equal("\"Co-Up Berlin\" <hello@co-up.example>", message.From.ToString());
        Assert.Equal("manager@example.com", message.To.Mailboxes.Single().Address);
        Assert.Contains("test e-mail from EasySpace", message.HtmlBody);
    }

    [Fact]
    public async Task A_wrong_password_gets_the_servers_refusal_as_a_sentence()
    {
        await using var smtp = await SmtpRecorder.StartAsync(User, Secret);
        await using var core = await CoreHost.StartAsync();

        var outcome = (await core.Get<Mailer>().SendTestAsync(Plain(smtp.Port, User, "not-the-password"), "manager@example.com")).Ok();

        Assert.False(outcome.Sent);
        Assert.StartsWith("The mail server refused the user name and password (", outcome.Problem);
        Assert.Contains("535", outcome.Problem);                    // the server's own words travel with it
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task Without_a_user_name_a_server_that_demands_one_says_so()
    {
        await using var smtp = await SmtpRecorder.StartAsync(User, Secret);
        await using var core = await CoreHost.StartAsync();

        var outcome = (await core.Get<Mailer>().SendTestAsync(Plain(smtp.Port), "manager@example.com")).Ok();

        Assert.False(outcome.Sent);
        Assert.NotNull(outcome.Problem);
        Assert.StartsWith("The mail server", outcome.Problem);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task A_port_where_nothing_listens_is_a_refused_connection()
    {
        int port;
        using (var gone = new SilentPort()) port = gone.Port;   // closed again: connecting is refused
        await using var core = await CoreHost.StartAsync();

        var outcome = (await core.Get<Mailer>().SendTestAsync(Plain(port), "manager@example.com")).Ok();

        Assert.Equal($"The mail server 127.0.0.1 refused the connection on port {port}: check the host name and the port.", outcome.Problem);
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out_after_the_setting()
    {
        using var silent = new SilentPort();
        await using var core = await CoreHost.StartAsync(new Dictionary<string, string?> { ["Mail:TimeoutSeconds"] = "1" });

        var outcome = (await core.Get<Mailer>().SendTestAsync(Plain(silent.Port), "manager@example.com")).Ok();

        Assert.Equal($"The mail server 127.0.0.1 did not answer on port {silent.Port} within 1 seconds: check the host name, the port and any firewall between.", outcome.Problem);
    }

    [Fact]
    public async Task TLS_on_connect_to_a_plain_server_is_a_refused_secure_connection()
    {
        await using var smtp = await SmtpRecorder.StartAsync();
        await using var core = await CoreHost.StartAsync(new Dictionary<string, string?> { ["Mail:TimeoutSeconds"] = "5" });

        var outcome = (await core.Get<Mailer>().SendTestAsync(Plain(smtp.Port) with { Security = MailSecurity.TlsOnConnect }, "manager@example.com")).Ok();

        Assert.StartsWith($"The secure connection to 127.0.0.1 on port {smtp.Port} failed", outcome.Problem);
    }

    [Fact]
    public async Task STARTTLS_to_a_server_without_it_says_to_choose_another_mode()
    {
        await using var smtp = await SmtpRecorder.StartAsync();
        await using var core = await CoreHost.StartAsync();

        var outcome = (await core.Get<Mailer>().SendTestAsync(Plain(smtp.Port) with { Security = MailSecurity.StartTls }, "manager@example.com")).Ok();

        Assert.StartsWith($"The mail server 127.0.0.1 does not offer STARTTLS on port {smtp.Port}", outcome.Problem);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task Without_a_mail_server_nothing_pretends_to_send()
    {
        await using var core = await CoreHost.StartAsync();

        Assert.False(await core.Get<MailSettingsService>().IsOnAsync());
        var outcome = await core.Get<Mailer>().SendAsync(new OutgoingMail("a@example.com", "A", "Hello", "<p>Hi</p>", "Hi"));

        Assert.True(outcome.IsOff);
        Assert.False(outcome.Sent);
    }

    [Fact]
    public async Task The_password_is_stored_encrypted_and_kept_when_the_form_leaves_it_empty()
    {
        await using var smtp = await SmtpRecorder.StartAsync(User, Secret);
        await using var core = await CoreHost.StartAsync();
        var settings = core.Get<MailSettingsService>();

        (await settings.SaveAsync(Plain(smtp.Port, User, Secret), Actor)).Ok();
        var stored = (string)core.Scalar("SELECT ProtectedPassword FROM MailSettings")!;
        Assert.DoesNotContain(Secret, stored);
        Assert.NotEmpty(stored);

        var form = await settings.GetFormAsync();
        Assert.Equal("", form.Server.Password);                 // the form never gets it back
        Assert.True(form.HasPassword);
        (await settings.SaveAsync(form.Server with { SenderName = "Co-Up" }, Actor)).Ok();

        var outcome = await core.Get<Mailer>().SendAsync(new OutgoingMail("a@example.com", "A", "Hello", "<p>Hi</p>", "Hi"));
        Assert.True(outcome.Sent, outcome.Problem);
        Assert.Equal("Co-Up", (await smtp.NextAsync()).From.Mailboxes.Single().Name);
        Assert.Equal(2L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'mail.settings_changed'"));
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Details LIKE '%' || $p || '%'", ("$p", Secret)));
    }

    [Fact]
    public async Task The_settings_file_wins_over_the_page()
    {
        await using var smtp = await SmtpRecorder.StartAsync();
        await using var core = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Host"] = SmtpRecorder.Host, ["Mail:Port"] = smtp.Port.ToString(), ["Mail:Security"] = "None",
            ["Mail:SenderName"] = "From the file", ["Mail:SenderAddress"] = "file@co-up.example",
        });
        var settings = core.Get<MailSettingsService>();
        (await settings.SaveAsync(Plain(1) with { SenderName = "From the page" }, Actor)).Ok();

        Assert.True(settings.IsSetBySettingsFile);
        Assert.True((await core.Get<Mailer>().SendAsync(new OutgoingMail("a@example.com", "A", "Hello", "<p>Hi</p>", "Hi"))).Sent);
        Assert.Equal("From the file", (await smtp.NextAsync()).From.Mailboxes.Single().Name);
    }

    public static TheoryData<string, MailServer, string> Hostile => new()
    {
        { "a port of 0", Plain(0), nameof(MailServer.Port) },
        { "a port of 70000", Plain(70000), nameof(MailServer.Port) },
        { "a 2 KB host", Plain(25) with { Host = new string('a', 2048) + ".example" }, nameof(MailServer.Host) },
        { "a host with a line break", Plain(25) with { Host = "smtp.example.com\r\nRCPT TO:<x@evil.example>" }, nameof(MailServer.Host) },
        { "a host given as a URL", Plain(25) with { Host = "https://smtp.example.com" }, nameof(MailServer.Host) },
        { "CR/LF in the sender's name", Plain(25) with { SenderName = "Co-Up\r\nBcc: all@evil.example" }, nameof(MailServer.SenderName) },
        { "CR/LF in the sender's address", Plain(25) with { SenderAddress = "a@example.com\r\nBcc: b@evil.example" }, nameof(MailServer.SenderAddress) },
        { "a line break in the user name", Plain(25) with { User = "me\nRSET", Password = "x" }, nameof(MailServer.User) },
        { "a password without a user", Plain(25) with { Password = "x" }, nameof(MailServer.User) },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Settings_that_cannot_work_are_refused_at_the_field_and_nothing_is_saved(string tried, MailServer form, string field)
    {
        await using var core = await CoreHost.StartAsync();

        var result = await core.Get<MailSettingsService>().SaveAsync(form, Actor);

        Assert.False(result.Succeeded, tried);
        Assert.NotNull(result.Errors.For(field));
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM MailSettings"));
    }

    [Fact]
    public async Task A_test_to_an_address_that_is_not_one_is_refused_before_dialling()
    {
        await using var core = await CoreHost.StartAsync();

        var result = await core.Get<Mailer>().SendTestAsync(Plain(25), "not an address\r\nBcc: x@evil.example");

        Assert.NotNull(result.Errors.For("TestAddress"));
    }
}
