using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Mail;

/// <summary>What Settings &gt; E-mail shows: the page's values (never the password), and whether the settings file decides instead.</summary>
public sealed record MailSettingsForm(MailServer Server, bool HasPassword, bool SetBySettingsFile);

/// <summary>
/// Where the mail server comes from: the settings file's <c>Mail</c> section when it names a host (it wins, as
/// <c>EasySpace:PublicBaseUrl</c> does), else what was saved on Settings &gt; E-mail, else nothing: e-mail is off.
/// </summary>
public sealed class MailSettingsService(
    IDbContextFactory<AppDbContext> dbFactory, IOptionsMonitor<MailOptions> file, IDataProtectionProvider protection, TimeProvider clock)
{
    private readonly IDataProtector passwords = protection.CreateProtector(StoredMailSettings.PasswordProtection);

    /// <summary>True when the settings file names the mail server, so the page's values are not used.</summary>
    public bool IsSetBySettingsFile => file.CurrentValue.IsSet;

    /// <summary>The mail server to send through, or null when e-mail is off.</summary>
    public async Task<MailServer?> CurrentAsync(CancellationToken ct = default)
    {
        if (FromFile() is { } configured) return configured;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MailSettings.AsNoTracking().OrderBy(s => s.Id).FirstOrDefaultAsync(ct) is { } stored ? Open(stored) : null;
    }

    public async Task<bool> IsOnAsync(CancellationToken ct = default) => await CurrentAsync(ct) is not null;

    /// <summary>The form's values: the file's (without its password) when it decides, else the page's, else blanks.</summary>
    public async Task<MailSettingsForm> GetFormAsync(CancellationToken ct = default)
    {
        if (FromFile() is { } configured) return new(configured with { Password = "" }, configured.Password.Length > 0, true);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MailSettings.AsNoTracking().OrderBy(s => s.Id).FirstOrDefaultAsync(ct) is { } stored
            ? new(Open(stored) with { Password = "" }, stored.ProtectedPassword.Length > 0, false)
            : new(new MailServer(), false, false);
    }

    /// <summary>
    /// Saves the page's values; an empty password keeps the stored one (the form never shows it). Refused with field
    /// errors, nothing saved.
    /// </summary>
    public async Task<Result<MailServer>> SaveAsync(MailServer form, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.MailSettings.OrderBy(s => s.Id).FirstOrDefaultAsync(ct);
        var server = WithStoredPassword(form.Normalised(), stored);
        if (MailServer.Problems(server) is { IsEmpty: false } errors) return errors;
        if (stored is null) db.MailSettings.Add(stored = StoredMailSettings.Create());

        var passwordChanged = form.Password.Length > 0 || (server.User.Length == 0 && stored.ProtectedPassword.Length > 0);
        var protectedPassword = server.User.Length == 0 || server.Password.Length == 0 ? "" : passwords.Protect(server.Password);
        var now = clock.GetUtcNow();
        var changes = stored.Change(server, protectedPassword, passwordChanged, actor, now);
        if (changes.Count > 0)
            db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.MailSettingsChanged, "e-mail settings", now, string.Join("; ", changes)));
        await db.SaveChangesAsync(ct);
        return server with { Password = "" };
    }

    /// <summary>Forgets the page's mail server: e-mail is off (unless the settings file names one).</summary>
    public async Task RemoveAsync(string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.MailSettings.OrderBy(s => s.Id).FirstOrDefaultAsync(ct) is not { } stored) return;
        db.MailSettings.Remove(stored);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.MailSettingsChanged, "e-mail settings", clock.GetUtcNow(), "e-mail switched off"));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The server a test e-mail goes through: the file's when it decides, else the form's values (stored password when none was typed).</summary>
    public async Task<Result<MailServer>> ForTestAsync(MailServer form, CancellationToken ct = default)
    {
        if (FromFile() is { } configured) return configured;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var server = WithStoredPassword(form.Normalised(), await db.MailSettings.AsNoTracking().OrderBy(s => s.Id).FirstOrDefaultAsync(ct));
        return MailServer.Problems(server) is { IsEmpty: false } errors ? errors : server;
    }

    private MailServer WithStoredPassword(MailServer form, StoredMailSettings? stored) =>
        form.Password.Length == 0 && form.User.Length > 0 && stored is { ProtectedPassword.Length: > 0 }
            ? form with { Password = passwords.Unprotect(stored.ProtectedPassword) }
            : form;

    private MailServer Open(StoredMailSettings s) => new()
    {
        Host = s.Host,
        Port = s.Port,
        Security = s.Security,
        User = s.User,
        Password = s.ProtectedPassword.Length == 0 ? "" : passwords.Unprotect(s.ProtectedPassword),
        SenderName = s.SenderName,
        SenderAddress = s.SenderAddress,
    };

    private MailServer? FromFile() => file.CurrentValue is { IsSet: true } o ? MailSetup.ServerOf(o) : null;
}
