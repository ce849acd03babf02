using System.Collections.Concurrent;
using System.Text;

namespace EasySpace.Core.Events;

/// <summary>
/// One event of the catalogue, as the model raises it: what it is about (<see cref="Subject"/>) and what the
/// subscriptions' filters need. Each catalogue entry has one sealed type named after it (<see cref="CreatedBooking"/>
/// is <c>created_booking</c>), so the catalogue stays the one place that spells the names and titles, and the compiler
/// knows every event that can be raised. Raise it with <see cref="EventOutbox.RaiseAsync(Data.AppDbContext, CatalogueEvent, CancellationToken)"/>.
/// </summary>
public abstract record CatalogueEvent(EventSubject Subject)
{
    private static readonly ConcurrentDictionary<Type, string> Names = new();

    /// <summary>The catalogue's name of this event: the type's name in snake case.</summary>
    public string Name => NameOf(GetType());

    public static string NameOf<T>() where T : CatalogueEvent => NameOf(typeof(T));

    /// <summary>"CreatedDropInPass" is "created_drop_in_pass".</summary>
    public static string NameOf(Type type) => Names.GetOrAdd(type, static t =>
    {
        var name = new StringBuilder();
        foreach (var c in t.Name)
        {
            if (char.IsUpper(c) && name.Length > 0) name.Append('_');
            name.Append(char.ToLowerInvariant(c));
        }
        return name.ToString();
    });

    /// <summary>The subject with this event's filter inputs on it, as the outbox matches it against subscriptions.</summary>
    internal virtual EventSubject Filterable => Subject;
}
