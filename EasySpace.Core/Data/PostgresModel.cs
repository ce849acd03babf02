using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

/// <summary>
/// What the one model says differently to PostgreSQL: the partial indexes' filters are SQL, and PostgreSQL folds unquoted
/// names to lower case and has a real boolean. The SQLite text stays as its migrations made it.
/// </summary>
internal static class PostgresModel
{
    private static readonly Dictionary<string, string> Filters = new()
    {
        ["FannedOut = 0"] = "\"FannedOut\" = false",
        ["EndedAt IS NULL"] = "\"EndedAt\" IS NULL",
        ["\"ProviderSessionId\" IS NOT NULL"] = "\"ProviderSessionId\" IS NOT NULL",
        ["\"Provider\" <> 'manual' AND \"ProviderReference\" IS NOT NULL"] = "\"Provider\" <> 'manual' AND \"ProviderReference\" IS NOT NULL",
    };

    public static void Adapt(ModelBuilder builder)
    {
        foreach (var index in builder.Model.GetEntityTypes().SelectMany(t => t.GetDeclaredIndexes()))
            if (index.GetFilter() is { } filter)
                index.SetFilter(Filters.TryGetValue(filter, out var postgres) ? postgres
                    : throw new InvalidOperationException($"The index filter \"{filter}\" has no PostgreSQL form: add it to {nameof(PostgresModel)}."));
    }
}
