namespace EasySpace.Core.Alerts;

/// <summary>What went wrong, as a manager reads it in the bell, the alerts page and the e-mail.</summary>
public enum AlertKind
{
    WebhookDeactivated = 1,
    WebhookFailing = 2,
    DeliveriesWaiting = 3,
    ProviderInError = 4,
    StorageUnhealthy = 5,
}

/// <summary>
/// A condition as the evaluator sees it now: <paramref name="Key"/> names the one thing it is about ("webhook-failing:12"),
/// so a condition that holds on the next run is the same incident, not a new one.
/// </summary>
public sealed record AlertCondition(AlertKind Kind, string Key, string About, string Problem, string Link, long? WebhookId = null);

/// <summary>
/// One alert from the moment its condition started to the moment it ended. It is announced once when it opens and
/// once when it recovers; an incident whose subject went away (a deleted webhook, one a manager switched off) ends
/// quietly, since "working again" would not be true.
/// </summary>
public sealed class Incident
{
    private Incident() { }

    public long Id { get; private set; }
    public AlertKind Kind { get; private set; }
    public string Key { get; private set; } = "";
    /// <summary>What it is about, in words: the webhook's name, "Stripe".</summary>
    public string About { get; private set; } = "";
    /// <summary>Why, as it stood when the incident opened.</summary>
    public string Problem { get; private set; } = "";
    /// <summary>The page where a manager acts on it, relative to the app's base ("settings/integrations/webhooks/12").</summary>
    public string Link { get; private set; } = "";
    public long? WebhookId { get; private set; }
    public DateTimeOffset OpenedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    /// <summary>Ended because the condition cleared (a recovered notice went out), not because its subject went away.</summary>
    public bool Recovered { get; private set; }
    /// <summary>When it last changed (opened, or ended): a reader who read it before that has something new to read.</summary>
    public DateTimeOffset ChangedAt { get; private set; }

    public bool IsOpen => EndedAt is null;

    public const int MaxProblemLength = 2000;

    internal static Incident Open(AlertCondition c, DateTimeOffset at) => new()
    {
        Kind = c.Kind, Key = c.Key, About = c.About, Problem = c.Problem.Length > MaxProblemLength ? c.Problem[..MaxProblemLength] : c.Problem, Link = c.Link, WebhookId = c.WebhookId,
        OpenedAt = at, ChangedAt = at,
    };

    internal void Recover(DateTimeOffset at)
    {
        EndedAt = ChangedAt = at;
        Recovered = true;
    }

    internal void EndQuietly(DateTimeOffset at)
    {
        EndedAt = ChangedAt = at;
        Recovered = false;
    }

    /// <summary>What the manager reads: the problem while it lasts, the recovery once it is over.</summary>
    public string Sentence => Recovered ? RecoveredSentence : OpenedSentence;

    public string OpenedSentence => $"{Headline}: {Problem}";

    public string RecoveredSentence => Kind switch
    {
        AlertKind.WebhookDeactivated => $"Webhook “{About}” is switched on again.",
        AlertKind.WebhookFailing => $"Webhook “{About}” is delivering again.",
        AlertKind.DeliveriesWaiting => "Webhook deliveries are going out on time again.",
        AlertKind.ProviderInError => $"{About} payments are working again.",
        AlertKind.StorageUnhealthy => "EasySpace can save to its database again.",
        _ => "Resolved.",
    };

    /// <summary>What it is about in a few words, for the activity log and lists: "Webhook “CRM” is failing".</summary>
    public string Headline => Kind switch
    {
        AlertKind.WebhookDeactivated => $"Webhook “{About}” was switched off by EasySpace",
        AlertKind.WebhookFailing => $"Webhook “{About}” is failing",
        AlertKind.DeliveriesWaiting => "Webhook deliveries are late",
        AlertKind.ProviderInError => $"{About} payments are not working",
        AlertKind.StorageUnhealthy => "EasySpace cannot save to its database",
        _ => About,
    };

    /// <summary>An e-mail's subject: the headline, marked resolved once it is.</summary>
    public string Title => Recovered ? $"Resolved: {Headline}" : Headline;
}

/// <summary>One person's "I have read this" for one incident, as of <see cref="ReadAt"/>.</summary>
public sealed class AlertRead
{
    private AlertRead() { }

    public long IncidentId { get; private set; }
    public string UserId { get; private set; } = "";
    public DateTimeOffset ReadAt { get; private set; }

    internal static AlertRead Of(long incidentId, string userId, DateTimeOffset at) => new() { IncidentId = incidentId, UserId = userId, ReadAt = at };

    internal void Again(DateTimeOffset at) => ReadAt = at;
}

/// <summary>An admin's own choice to get alerts by e-mail (the owner always does).</summary>
public sealed class AlertSubscriber
{
    private AlertSubscriber() { }

    public string UserId { get; private set; } = "";
    public DateTimeOffset Since { get; private set; }

    internal static AlertSubscriber Of(string userId, DateTimeOffset at) => new() { UserId = userId, Since = at };
}
