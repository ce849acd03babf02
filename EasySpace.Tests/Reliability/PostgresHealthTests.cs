using System.Net;
using System.Text.Json;
using EasySpace.Tests.Harness;
using Npgsql;

namespace EasySpace.Tests.Reliability;

/// <summary>GET /health on PostgreSQL: a real committed write proves the store takes writes, as SQLite's header write does.</summary>
[Trait("Store", "Named")]
public class PostgresHealthTests
{
    [Fact]
    public async Task Health_is_200_on_PostgreSQL_and_503_in_words_when_the_server_takes_no_writes()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var app = new AppHost();
        foreach (var (key, value) in PostgresServer.Settings(connectionString)) app.With(key, value);

        // SQLite's PRAGMA user_version was the probe on every store: on PostgreSQL a syntax error, so a healthy node read 503.
        var healthy = await app.NewClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        var body = await healthy.Content.ReadAsStringAsync();
        Assert.Equal("The database answers, takes writes, and its schema is current.", Database(body));
        // Both of the node's schedulers are looked at: its own (the pump) and the clustered one (the once-jobs).
        var scheduler = JsonDocument.Parse(body).RootElement.GetProperty("checks").GetProperty("scheduler");
        Assert.Equal("This node's scheduler and the one the nodes share are running.", scheduler.GetProperty("description").GetString());
        Assert.Equal("running", scheduler.GetProperty("data").GetProperty("EasySpaceCluster").GetString());

        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
            await using var readOnly = new NpgsqlCommand($"ALTER DATABASE {name} SET default_transaction_read_only = on", admin);
            await readOnly.ExecuteNonQueryAsync();
        }
        NpgsqlConnection.ClearAllPools();   // new sessions take the setting, as after a fail-over to a standby

        var refused = await app.NewClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("EasySpace cannot write to its database: the database server takes no writes (it is read-only, or a standby).",
            Database(await refused.Content.ReadAsStringAsync()));
    }

    private static string? Database(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("checks").GetProperty("database").GetProperty("description").GetString();
}
