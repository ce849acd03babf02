namespace EasySpace.Core.Activity;

/// <summary>One line of the activity log: who did what, when.</summary>
public sealed class ActivityEntry
{
    private ActivityEntry() { }

    public long Id { get; private set; }
    public DateTimeOffset At { get; private set; }
    /// <summary>E-mail of the user, or "system" / "cli" for the product itself.</summary>
    public string Actor { get; private set; } = "";
    /// <summary>The code of its <see cref="ActivityKind"/>, e.g. "setup.completed"; the page shows the kind's words.</summary>
    public string Action { get; private set; } = "";
    public string Subject { get; private set; } = "";
    /// <summary>What changed, never containing a secret: lines built by <see cref="ActivityDetails"/>.</summary>
    public string? Details { get; private set; }

    public static ActivityEntry Record(string actor, ActivityKind kind, string subject, DateTimeOffset at, string? details = null) =>
        new() { Actor = actor, Action = kind.Code, Subject = subject, At = at, Details = details };

    /// <summary>The line as a manager reads it; a code no version writes any more is shown as it is.</summary>
    public string Sentence => ActivityKinds.Find(Action) is { } kind ? kind.Describe(Subject, Actor) : $"{Action}: {Subject} ({Actor})";

    /// <summary>The kind's title ("Booking changed"), or the stored code for a kind that no longer exists.</summary>
    public string Title => ActivityKinds.Find(Action)?.Title ?? Action;
}
