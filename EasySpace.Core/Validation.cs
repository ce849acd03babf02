namespace EasySpace.Core;

/// <summary>Field errors for a form or a 422 answer: field name → messages.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsEmpty => errors.Count == 0;
    public IReadOnlyDictionary<string, string[]> ByField => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public ValidationErrors Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public string? For(string field) => errors.TryGetValue(field, out var list) ? string.Join(" ", list) : null;

    public override string ToString() => string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}

/// <summary>The outcome of an operation that can be refused for its input.</summary>
public sealed class Result<T>
{
    private Result(T? value, ValidationErrors? errors) { Value = value; Errors = errors ?? new(); }

    public T? Value { get; }
    public ValidationErrors Errors { get; }
    public bool Succeeded => Errors.IsEmpty;

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(ValidationErrors errors) => new(default, errors);
}
