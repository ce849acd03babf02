namespace EasySpace.Core.Activity;

/// <summary>
/// The details of an activity line: one entry per changed field ("Address: https://a.example → https://b.example") or a
/// plain note, joined by "; " when stored and shown as a list. Field names are the words the form uses, never a
/// property name; a secret is only ever said to have changed, never written.
/// </summary>
public sealed class ActivityDetails
{
    private const string Separator = "; ";
    private readonly List<string> lines = [];

    /// <summary>"Field: before → after", only when the value changed.</summary>
    public ActivityDetails Change(string field, string? before, string? after)
    {
        if (before != after) lines.Add($"{field}: {Shown(before)} → {Shown(after)}");
        return this;
    }

    /// <summary>"Field: value", for what something was made with or had when it was deleted.</summary>
    public ActivityDetails Value(string field, string? value)
    {
        lines.Add($"{field}: {Shown(value)}");
        return this;
    }

    public ActivityDetails Note(string text)
    {
        lines.Add(text);
        return this;
    }

    public bool IsEmpty => lines.Count == 0;

    /// <summary>What <see cref="ActivityEntry.Details"/> stores: null when nothing is to be said.</summary>
    public string? Text => IsEmpty ? null : string.Join(Separator, lines);

    /// <summary>A stored text split back into the lines the log page lists.</summary>
    public static IReadOnlyList<string> Lines(string? details) =>
        string.IsNullOrWhiteSpace(details) ? [] : details.Split(Separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Shown(string? value) => string.IsNullOrWhiteSpace(value) ? "(none)" : value;
}
