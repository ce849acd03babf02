namespace EasySpace.Core.Space.Members;

/// <summary>A custom field the space keeps for every member (e.g. "T-shirt size"); values live on the membership.</summary>
public sealed class CustomFieldDefinition
{
    private CustomFieldDefinition() { }

    public const int MaxFields = 20;

    public long Id { get; private set; }
    /// <summary>Unique (ignoring case); the key of the values and of the <c>fields</c> webhook filter.</summary>
    public string Name { get; private set; } = "";
    public int Position { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    internal static CustomFieldDefinition Create(string name, int position, DateTimeOffset at) =>
        new() { Name = name.Trim(), Position = position, CreatedAt = at };
}
