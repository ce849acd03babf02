using Microsoft.Extensions.Configuration;

namespace EasySpace.Core.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>
/// The <c>Database</c> section: which store holds everything. SQLite (the default) is the file in the data folder;
/// PostgreSQL is the server <c>ConnectionStrings:EasySpace</c> names, which several nodes can share (DESIGN.md section 10).
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "EasySpace";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary><c>ConnectionStrings:EasySpace</c>; used by PostgreSQL only.</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>Reads the section, refusing a setting a manager could not have meant, in words that say what to write.</summary>
    public static DatabaseOptions From(IConfiguration configuration)
    {
        var raw = configuration[$"{Section}:Provider"];
        var options = new DatabaseOptions { ConnectionString = configuration.GetConnectionString(ConnectionStringName) };
        if (!string.IsNullOrWhiteSpace(raw))
        {
            if (!Enum.TryParse<DatabaseProvider>(raw.Trim(), ignoreCase: true, out var provider) || !Enum.IsDefined(provider))
                throw new InvalidOperationException($"Database:Provider is \"{raw}\": write Sqlite (the default) or Postgres.");
            options.Provider = provider;
        }
        if (options.IsPostgres && string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new InvalidOperationException(
                "Database:Provider is Postgres but ConnectionStrings:EasySpace is empty: set it to the server's connection string, " +
                "for example \"Host=db.example.com;Database=easyspace;Username=easyspace;Password=...\".");
        return options;
    }
}
