using System.Net;
using System.Text.RegularExpressions;
using EasySpace.Core.Identity;
using EasySpace.Tests.Core.Mail;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Web.Access;

/// <summary>A space whose settings file names a recording SMTP server: e-mail is on.</summary>
public sealed class MailingSpace : IAsyncLifetime
{
    public AppHost App { get; } = new();
    public SmtpRecorder Smtp { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Smtp = await SmtpRecorder.StartAsync();
        App.With("Mail:Host", SmtpRecorder.Host).With("Mail:Port", Smtp.Port.ToString()).With("Mail:Security", "None")
            .With("Mail:SenderName", "Co-Up").With("Mail:SenderAddress", "hello@co-up.example");
        await App.SetUpSpaceAsync();
        await App.AddUserAsync("ada@example.com", Roles.Admin);
    }

    public async Task DisposeAsync()
    {
        App.Dispose();
        await Smtp.DisposeAsync();
    }
}

/// <summary>"Forgot password" and the page its link opens, over HTTP as a browser without JavaScript posts them.</summary>
public class PasswordLinkPagesTests(MailingSpace space) : IClassFixture<MailingSpace>
{
    private const string NewPassword = "Ada-n3w-password!";

    [Fact]
    public async Task Forgot_password_answers_the_same_for_a_known_and_an_unknown_address_and_e_mails_only_the_known_one()
    {
        var unknown = await AskForLinkAsync("nobody@example.com");
        var known = await AskForLinkAsync("ada@example.com");

        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        Assert.Equal(HttpStatusCode.OK, known.Status);
        Assert.Equal(Sentence(unknown.Html).Replace("nobody@example.com", "X"), Sentence(known.Html).Replace("ada@example.com", "X"));
        Assert.Equal("ada@example.com", (await space.Smtp.NextAsync()).To.Mailboxes.Single().Address);
        Assert.DoesNotContain(space.Smtp.Messages, m => m.To.Mailboxes.Any(a => a.Address == "nobody@example.com"));
    }

    [Fact]
    public async Task The_reset_link_sets_the_password_logs_in_ends_other_sessions_and_then_is_used_up()
    {
        var elsewhere = await space.App.LoggedInClientAsync("ada@example.com");
        await AskForLinkAsync("ada@example.com");
        var message = await WaitForMailToAsync("ada@example.com");
        var link = PasswordLinkTests.LinkIn(message.TextBody, space.App.BaseAddress.ToString().TrimEnd('/') + "/Account/ResetPassword?token=");
        var browser = space.App.NewClient();

        var form = await browser.GetStringAsync(link);
        var posted = await browser.PostAsync(link, new FormUrlEncodedContent(Fields(form, NewPassword)));

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);                 // logged in
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.GetAsync("/")).StatusCode);         // the other session ended
        await space.App.LoggedInClientAsync("ada@example.com", NewPassword);
        Assert.Contains("expired or was already used", await space.App.NewClient().GetStringAsync(link));
    }

    [Fact]
    public async Task A_mangled_link_gets_a_clear_page_not_an_error()
    {
        var response = await space.App.NewClient().GetAsync("/Account/Invitation?token=" + new string('x', 5000));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This invitation link has expired or was already used.", await response.Content.ReadAsStringAsync());
    }

    private async Task<(HttpStatusCode Status, string Html)> AskForLinkAsync(string email)
    {
        var client = space.App.NewClient();
        var fields = Regex.Matches(await client.GetStringAsync("/Account/ForgotPassword"), "<input[^>]*type=\"hidden\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["Input.Email"] = email;
        var response = await client.PostAsync("/Account/ForgotPassword", new FormUrlEncodedContent(fields));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Sentence(string html) => WebUtility.HtmlDecode(Regex.Match(html, "If an account uses [^<]*").Value);

    private async Task<MimeKit.MimeMessage> WaitForMailToAsync(string address)
    {
        while (true)
        {
            var message = await space.Smtp.NextAsync();
            if (message.To.Mailboxes.Any(a => a.Address == address)) return message;
        }
    }

    private static Dictionary<string, string> Fields(string html, string password)
    {
        var fields = Regex.Matches(html, "<input[^>]*type=\"hidden\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["Input.Password"] = password;
        fields["Input.ConfirmPassword"] = password;
        return fields;
    }
}
