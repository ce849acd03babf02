using System.Net;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Mail;

/// <summary>
/// How a new admin or member got their invitation: by e-mail, or (e-mail off or refused) as a link the manager is
/// shown once and passes on by hand. The link is never logged.
/// </summary>
public sealed record Invitation(string Email, MailOutcome Mail, string? LinkToPassOn)
{
    public string Expires => PasswordLinks.LifetimeWords(PasswordLinkKind.Invitation);
}

/// <summary>The e-mails about logging in: the invitation to set a first password, and "forgot password".</summary>
public sealed class AccountMail(
    IServiceScopeFactory scopes, IDbContextFactory<AppDbContext> dbFactory, PasswordLinks links, Mailer mailer, PublicUrls urls, ILogger<AccountMail> logger)
{
    /// <summary>Invites the account's owner to set their password; returns the link to pass on when no e-mail went out.</summary>
    public async Task<Invitation> InviteAsync(string userId, string invitedBy, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("The invited account does not exist.");
        var link = await links.MakeAsync(users, user, PasswordLinkKind.Invitation, await urls.BaseUrlAsync(ct));
        var space = await SpaceNameAsync(ct);
        var expires = PasswordLinks.LifetimeWords(PasswordLinkKind.Invitation);
        var name = NameOf(user);
        var outcome = await mailer.SendAsync(Compose(user.Email!, name, $"Your login for {space}",
            $"{invitedBy} gave you a login for {space}. Choose your password here; the link works once, for {expires}:",
            link, "Choose my password"), ct);
        return new Invitation(user.Email!, outcome, outcome.Sent ? null : link);
    }

    /// <summary>
    /// "Forgot password": e-mails a reset link when an account uses the address, and does nothing otherwise. The
    /// caller answers the same either way and does not wait for the mail server, so neither the words nor the time
    /// tell a stranger which addresses have accounts.
    /// </summary>
    public async Task SendResetLinkAsync(string email, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (InputRules.EmailProblem(email) is not null || await users.FindByEmailAsync(email.Trim()) is not { } user) return;
        var link = await links.MakeAsync(users, user, PasswordLinkKind.Reset, await urls.BaseUrlAsync(ct));
        var space = await SpaceNameAsync(ct);
        var expires = PasswordLinks.LifetimeWords(PasswordLinkKind.Reset);
        var outcome = await mailer.SendAsync(Compose(user.Email!, NameOf(user), $"A new password for {space}",
            $"Someone (we hope you) asked for a new password for your login at {space}. Choose it here; the link works once, for {expires}. " +
            "If it was not you, ignore this e-mail: your password stays as it is.", link, "Choose a new password"), ct);
        if (!outcome.Sent && !outcome.IsOff) logger.LogWarning("The password reset e-mail was not sent: {Problem}", outcome.Problem);
    }

    /// <summary>
    /// The same, without the caller waiting: the forgot-password page answers at once whether or not the address has an
    /// account, so its answer takes the same time either way.
    /// </summary>
    public void SendResetLinkInBackground(string email) => _ = Task.Run(async () =>
    {
        try { await SendResetLinkAsync(email); }
        catch (Exception e) { logger.LogError(e, "The password reset e-mail could not be prepared"); }
    });

    private static string NameOf(AppUser user) => string.IsNullOrWhiteSpace(user.DisplayName) ? user.Email! : user.DisplayName;

    private async Task<string> SpaceNameAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SpaceProfiles.AsNoTracking().OrderBy(p => p.Id).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? "EasySpace";
    }

    /// <summary>A short e-mail to one person: a greeting, a paragraph and one link to act on (alerts use it too).</summary>
    internal static OutgoingMail Compose(string to, string name, string subject, string intro, string link, string button)
    {
        static string H(string text) => WebUtility.HtmlEncode(text);
        var html = $"<!DOCTYPE html><html><body style=\"font-family: sans-serif; color: #222; max-width: 40em\"><p>Hello {H(name)},</p><p>{H(intro)}</p>" +
                   $"<p><a href=\"{H(link)}\">{H(button)}</a></p><p style=\"color: #555\">Or copy this address into your browser: {H(link)}</p></body></html>";
        var text = $"Hello {name},\n\n{intro}\n\n{link}\n";
        return new OutgoingMail(to, name, subject, html, text);
    }
}
