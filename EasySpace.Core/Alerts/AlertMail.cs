using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core.Alerts;

/// <summary>
/// E-mails each opened and recovered incident to the owner and to the admins with access to integrations who chose
/// alert e-mails. With e-mail off nothing is sent and nothing pretends: the bell and the alerts page still show it.
/// </summary>
public sealed class AlertMail(IDbContextFactory<AppDbContext> dbFactory, AdminList admins, Mailer mailer, PublicUrls urls, ILogger<AlertMail> log)
{
    public async Task SendAsync(AlertChanges changes, CancellationToken ct = default)
    {
        var recipients = await RecipientsAsync(ct);
        if (recipients.Count == 0) return;
        SpaceClock clock;
        await using (var db = await dbFactory.CreateDbContextAsync(ct)) clock = await SpaceClock.LoadAsync(db, ct);
        var baseUrl = await urls.BaseUrlAsync(ct);
        foreach (var incident in changes.Opened.Concat(changes.Recovered))
        {
            var when = incident.Recovered
                ? $"Resolved {clock.When(incident.EndedAt!.Value)}; it started {clock.When(incident.OpenedAt)} ({clock.ZoneName})."
                : $"Since {clock.When(incident.OpenedAt)} ({clock.ZoneName}). You get one more e-mail when it is resolved.";
            foreach (var person in recipients)
            {
                var outcome = await mailer.SendAsync(AccountMail.Compose(person.Email, person.Name, incident.Title,
                    $"{incident.Sentence} {when}", $"{baseUrl}/{incident.Link}", "Open it in EasySpace"), ct);
                if (outcome.IsOff) return;   // e-mail is off: nobody gets one, and nothing claims otherwise
                if (!outcome.Sent) log.LogWarning("The alert e-mail to {To} was not sent: {Problem}", person.Email, outcome.Problem);
            }
        }
    }

    /// <summary>The owner, and each admin with access to integrations who switched alert e-mails on for themselves.</summary>
    public async Task<IReadOnlyList<StaffMember>> RecipientsAsync(CancellationToken ct = default)
    {
        HashSet<string> optedIn;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            optedIn = (await db.AlertSubscribers.Select(s => s.UserId).ToListAsync(ct)).ToHashSet();
        return (await admins.ListAsync(ct)).Where(s => s.IsOwner || (s.ManagesIntegrations && optedIn.Contains(s.Id))).ToList();
    }
}
