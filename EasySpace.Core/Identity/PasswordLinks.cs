using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace EasySpace.Core.Identity;

/// <summary>What a link lets its holder do: set a first password (an invitation) or a new one (forgot password).</summary>
public enum PasswordLinkKind { Invitation, Reset }

/// <summary>
/// The links that let someone set their own password: an invitation for a new admin or member, and "forgot password".
/// The token carries the user, the kind, when it was made and the account's security stamp, encrypted with the
/// installation's keys. It works until it expires (<see cref="Lifetime"/>, on the injected clock) and only once: setting
/// the password gives the account a new stamp, which every earlier link no longer matches.
/// </summary>
public sealed class PasswordLinks(IDataProtectionProvider protection, TimeProvider clock)
{
    private readonly IDataProtector protector = protection.CreateProtector("EasySpace.Identity.PasswordLink.v1");

    public static TimeSpan Lifetime(PasswordLinkKind kind) => kind == PasswordLinkKind.Invitation ? TimeSpan.FromDays(7) : TimeSpan.FromHours(24);

    /// <summary>How long a link lasts, in words for the e-mail and the page.</summary>
    public static string LifetimeWords(PasswordLinkKind kind) => kind == PasswordLinkKind.Invitation ? "7 days" : "24 hours";

    /// <summary>The page that takes the link: <c>/Account/Invitation</c> or <c>/Account/ResetPassword</c>.</summary>
    public static string PagePath(PasswordLinkKind kind) => kind == PasswordLinkKind.Invitation ? "/Account/Invitation" : "/Account/ResetPassword";

    /// <summary>The absolute link for <paramref name="user"/>, starting at the public address.</summary>
    public async Task<string> MakeAsync(UserManager<AppUser> users, AppUser user, PasswordLinkKind kind, string baseUrl)
    {
        var stamp = await users.GetSecurityStampAsync(user);
        var made = clock.GetUtcNow().UtcTicks.ToString(CultureInfo.InvariantCulture);
        var token = protector.Protect(string.Join('\n', user.Id, kind.ToString(), made, stamp));
        return $"{baseUrl}{PagePath(kind)}?token={Uri.EscapeDataString(token)}";
    }

    /// <summary>The account a link is for while it still works; null for a link expired, used, mangled or of another kind.</summary>
    public async Task<AppUser?> CheckAsync(UserManager<AppUser> users, string? token, PasswordLinkKind kind)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096) return null;
        string[] parts;
        try { parts = protector.Unprotect(token).Split('\n'); }
        catch (System.Security.Cryptography.CryptographicException) { return null; }
        if (parts.Length != 4 || parts[1] != kind.ToString() || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var ticks)) return null;
        if (new DateTimeOffset(ticks, TimeSpan.Zero) + Lifetime(kind) <= clock.GetUtcNow()) return null;
        if (await users.FindByIdAsync(parts[0]) is not { } user) return null;
        return await users.GetSecurityStampAsync(user) == parts[3] ? user : null;
    }

    /// <summary>
    /// Sets the password a link allows. Identity's own reset does the work (password rules, a new security stamp that
    /// ends the account's other sessions and this link), with a reset token made on the spot: the link was checked here.
    /// </summary>
    public async Task<Result<AppUser>> SetPasswordAsync(UserManager<AppUser> users, string? token, PasswordLinkKind kind, string password)
    {
        if (await CheckAsync(users, token, kind) is not { } user) return new ValidationErrors().Add("", Expired(kind));
        var result = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password);
        if (result.Succeeded) return user;
        var errors = new ValidationErrors();
        foreach (var e in result.Errors) errors.Add("Password", e.Description);
        return errors;
    }

    public static string Expired(PasswordLinkKind kind) => kind == PasswordLinkKind.Invitation
        ? "This invitation link has expired or was already used. Ask the person who invited you for a new one."
        : "This link has expired or was already used. Ask for a new one on the login page (\"Forgot your password?\").";
}
