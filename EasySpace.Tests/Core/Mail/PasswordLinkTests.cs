using EasySpace.Core.Identity;
using EasySpace.Core.Mail;
using EasySpace.Tests.Core.Space;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Mail;

/// <summary>Invitations and "forgot password": a link to set one's own password, that expires and works once.</summary>
public class PasswordLinkTests
{
    private const string NewPassword = "My-0wn-password!";

    [Fact]
    public async Task A_new_admin_is_e_mailed_an_invitation_whose_link_sets_their_password()
    {
        var (core, smtp) = await MailKit.StartAsync();
        await using var _ = core;
        await using var __ = smtp;
        var admin = (await core.Get<UserAdministration>().AddAdminAsync(new NewAccount("ada@example.com", null, "Ada Keller"), false, BillingTestData.Actor)).Ok();

        var invitation = await core.Get<AccountMail>().InviteAsync(admin.Id, "Olga Owner");

        Assert.True(invitation.Mail.Sent, invitation.Mail.Problem);
        Assert.Null(invitation.LinkToPassOn);                    // e-mailed: nothing to show the manager
        var message = await smtp.NextAsync();
        Assert.Equal("ada@example.com", message.To.Mailboxes.Single().Address);
        Assert.Contains("7 days", message.TextBody);
        var link = LinkIn(message.TextBody, "https://space.example.com/Account/Invitation?token=");
        (await SetAsync(core, link, PasswordLinkKind.Invitation, NewPassword)).Ok();
        await using var scope = core.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByEmailAsync("ada@example.com"))!, NewPassword));
    }

    [Fact]
    public async Task A_used_link_does_not_work_a_second_time()
    {
        var (core, smtp) = await MailKit.StartAsync();
        await using var _ = core;
        await using var __ = smtp;
        var link = await InviteAdaAsync(core, smtp);
        (await SetAsync(core, link, PasswordLinkKind.Invitation, NewPassword)).Ok();

        var again = await SetAsync(core, link, PasswordLinkKind.Invitation, "An0ther-password!");

        Assert.Equal(PasswordLinks.Expired(PasswordLinkKind.Invitation), again.Errors.For(""));
    }

    [Fact]
    public async Task An_invitation_expires_after_seven_days_and_a_reset_link_after_24_hours()
    {
        var (core, smtp) = await MailKit.StartAsync();
        await using var _ = core;
        await using var __ = smtp;
        var invitation = await InviteAdaAsync(core, smtp);
        await core.Get<AccountMail>().SendResetLinkAsync("ada@example.com");
        var reset = LinkIn((await smtp.NextAsync()).TextBody, "https://space.example.com/Account/ResetPassword?token=");

        core.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await CheckAsync(core, reset, PasswordLinkKind.Reset));
        core.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await CheckAsync(core, reset, PasswordLinkKind.Reset));

        core.Clock.Advance(TimeSpan.FromDays(6) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await CheckAsync(core, invitation, PasswordLinkKind.Invitation));
        core.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(PasswordLinks.Expired(PasswordLinkKind.Invitation), (await SetAsync(core, invitation, PasswordLinkKind.Invitation, NewPassword)).Errors.For(""));
    }

    [Fact]
    public async Task A_link_of_one_kind_does_not_open_the_other_page()
    {
        var (core, smtp) = await MailKit.StartAsync();
        await using var _ = core;
        await using var __ = smtp;
        (await core.Get<UserAdministration>().AddAdminAsync(new NewAccount("ada@example.com", null), false, BillingTestData.Actor)).Ok();
        await core.Get<AccountMail>().SendResetLinkAsync("ada@example.com");
        var reset = LinkIn((await smtp.NextAsync()).TextBody, "https://space.example.com/Account/ResetPassword?token=");

        Assert.Null(await CheckAsync(core, reset, PasswordLinkKind.Invitation));
        Assert.Null(await CheckAsync(core, reset[..^4] + "AAAA", PasswordLinkKind.Reset));   // a mangled token
    }

    [Fact]
    public async Task Forgot_password_for_an_unknown_address_sends_nothing_and_for_a_known_one_one_e_mail()
    {
        var (core, smtp) = await MailKit.StartAsync();
        await using var _ = core;
        await using var __ = smtp;
        (await core.Get<UserAdministration>().AddAdminAsync(new NewAccount("ada@example.com", null), false, BillingTestData.Actor)).Ok();

        await core.Get<AccountMail>().SendResetLinkAsync("nobody@example.com");
        await core.Get<AccountMail>().SendResetLinkAsync("ada@example.com");

        Assert.Equal("ada@example.com", (await smtp.NextAsync()).To.Mailboxes.Single().Address);
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task Without_e_mail_the_manager_gets_the_link_to_pass_on()
    {
        await using var core = await BillingTestData.StartAsync();
        var admin = (await core.Get<UserAdministration>().AddAdminAsync(new NewAccount("ada@example.com", null), false, BillingTestData.Actor)).Ok();

        var invitation = await core.Get<AccountMail>().InviteAsync(admin.Id, "Olga Owner");

        Assert.True(invitation.Mail.IsOff);
        Assert.StartsWith("https://space.example.com/Account/Invitation?token=", invitation.LinkToPassOn);
        Assert.NotNull(await CheckAsync(core, invitation.LinkToPassOn!, PasswordLinkKind.Invitation));
    }

    /// <summary>Adds the admin Ada (no password) and returns the invitation link e-mailed to her.</summary>
    private static async Task<string> InviteAdaAsync(Harness.CoreHost core, Fakes.SmtpRecorder smtp)
    {
        var admin = (await core.Get<UserAdministration>().AddAdminAsync(new NewAccount("ada@example.com", null), false, BillingTestData.Actor)).Ok();
        await core.Get<AccountMail>().InviteAsync(admin.Id, "Olga Owner");
        return LinkIn((await smtp.NextAsync()).TextBody, "https://space.example.com/Account/Invitation?token=");
    }

    internal static string LinkIn(string? text, string start)
    {
        text ??= "";
        var at = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"No link starting {start} in: {text}");
        var end = text.IndexOfAny([' ', '\r', '\n'], at);
        return end < 0 ? text[at..] : text[at..end];
    }

    private static string TokenOf(string link) => Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);

    private static async Task<AppUser?> CheckAsync(Harness.CoreHost core, string link, PasswordLinkKind kind)
    {
        await using var scope = core.Services.CreateAsyncScope();
        return await core.Get<PasswordLinks>().CheckAsync(scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>(), TokenOf(link), kind);
    }

    private static async Task<EasySpace.Core.Result<AppUser>> SetAsync(Harness.CoreHost core, string link, PasswordLinkKind kind, string password)
    {
        await using var scope = core.Services.CreateAsyncScope();
        return await core.Get<PasswordLinks>().SetPasswordAsync(scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>(), TokenOf(link), kind, password);
    }
}
