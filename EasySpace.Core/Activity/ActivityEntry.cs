namespace EasySpace.Core.Activity;

/// <summary>One line of the activity log: who did what, when.</summary>
public sealed class ActivityEntry
{
    private ActivityEntry() { }

    public long Id { get; private set; }
    public DateTimeOffset At { get; private set; }
    /// <summary>E-mail of the user, or "system" / "cli" for the product itself.</summary>
    public string Actor { get; private set; } = "";
    /// <summary>A short verb phrase, e.g. "setup.completed", "admin.added".</summary>
    public string Action { get; private set; } = "";
    public string Subject { get; private set; } = "";
    /// <summary>What changed, never containing a secret.</summary>
    public string? Details { get; private set; }

    public static ActivityEntry Record(string actor, string action, string subject, DateTimeOffset at, string? details = null) =>
        new() { Actor = actor, Action = action, Subject = subject, At = at, Details = details };
}
