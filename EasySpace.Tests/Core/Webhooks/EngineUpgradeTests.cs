using System.Text;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Xunit;

namespace EasySpace.Tests.Core.Webhooks;

/// <summary>
/// A box upgraded from the engine where each delivery kept its own body and webhook-id: after the EngineFanOut
/// migration every delivery still sends exactly the bytes and id it sent before, and no event is fanned out twice.
/// </summary>
[Trait("Store", "Named")]
public sealed class EngineUpgradeTests : IAsyncLifetime
{
    private const string LastMigrationBefore = "20261201214430_EventAbout";
    private readonly CoreHost core = new(store: Store.Sqlite);

    public async Task InitializeAsync()
    {
        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.GetService<IMigrator>().MigrateAsync(LastMigrationBefore);
    }

    public Task DisposeAsync() => core.DisposeAsync();

    [Fact]
    public async Task Every_delivery_keeps_its_body_and_webhook_id_and_nothing_is_fanned_out_again()
    {
        await using (var connection = new SqliteConnection($"Data Source={core.DatabasePath}"))
        {
            await connection.OpenAsync();
            var full = Insert(connection, "Endpoints", new() { ["Name"] = "Full", ["Url"] = "http://x/full", ["Format"] = 1, ["Events"] = "[\"created_admin\"]", ["Filters"] = "{}", ["Headers"] = "[]" });
            var thin = Insert(connection, "Endpoints", new() { ["Name"] = "Thin", ["Url"] = "http://x/thin", ["Format"] = 0, ["Events"] = "[\"created_admin\"]", ["Filters"] = "{}", ["Headers"] = "[]" });
            var ev = Insert(connection, "Events", new() { ["Name"] = "created_admin", ["Resource"] = "admins", ["ResourceId"] = "a1", ["Url"] = "http://x/api/admins/a1", ["About"] = "Ada", ["DataJson"] = "{\"id\":\"a1\"}", ["OccurredAt"] = 1000L });
            Insert(connection, "Events", new() { ["Name"] = "created_admin", ["Resource"] = "admins", ["ResourceId"] = "nobody", ["Url"] = "http://x/api/admins/n", ["About"] = "No one listened", ["DataJson"] = "{}", ["OccurredAt"] = 1000L });
            Insert(connection, "Deliveries", new() { ["EndpointId"] = full, ["EventId"] = ev, ["EventName"] = "created_admin", ["MessageId"] = "msg_full", ["Body"] = Encoding.UTF8.GetBytes("{\"id\":\"msg_full\"}"), ["Status"] = 0, ["CreatedAt"] = 1000L, ["NextAttemptAt"] = 1000L });
            Insert(connection, "Deliveries", new() { ["EndpointId"] = thin, ["EventId"] = ev, ["EventName"] = "created_admin", ["MessageId"] = "msg_thin", ["Body"] = Encoding.UTF8.GetBytes("{\"url\":\"thin\"}"), ["Status"] = 1, ["CreatedAt"] = 1000L, ["NextAttemptAt"] = 1000L });
            Insert(connection, "Deliveries", new() { ["EndpointId"] = full, ["EventId"] = null, ["EventName"] = "test_webhook", ["MessageId"] = "msg_test", ["Body"] = Encoding.UTF8.GetBytes("{\"test\":true}"), ["Status"] = 1, ["IsTest"] = 1, ["CreatedAt"] = 1000L, ["NextAttemptAt"] = 1000L });
        }

        await core.InitializeAsync(); // the remaining migrations, as a start after the upgrade runs them

        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var deliveries = await db.Deliveries.AsNoTracking().Include(d => d.Event).OrderBy(d => d.Id).ToListAsync();
        Assert.Equal(["msg_full", "msg_thin", "msg_test"], deliveries.Select(d => d.MessageId));
        Assert.Equal(["{\"id\":\"msg_full\"}", "{\"url\":\"thin\"}", "{\"test\":true}"], deliveries.Select(d => Encoding.UTF8.GetString(d.Body)));
        Assert.Equal([PayloadFormat.Full, PayloadFormat.Thin, PayloadFormat.Full], deliveries.Select(d => d.Format));
        Assert.Equal("Ada", deliveries[0].Event!.About);
        Assert.Equal("Test", deliveries[2].Event!.About);
        Assert.All(await db.Events.ToListAsync(), e => Assert.True(e.FannedOut));
        Assert.Equal(3, await db.Events.CountAsync()); // one per delivery; the event nobody received is gone

        var store = core.Get<DeliveryStore>();
        await using var tx = await db.Database.BeginTransactionAsync();
        Assert.Equal(0, await store.FanOutAsync(db, core.Clock.GetUtcNow(), CancellationToken.None));
    }

    /// <summary>Inserts a row, filling every other NOT NULL column without a default with a zero value of its type.</summary>
    private static long Insert(SqliteConnection connection, string table, Dictionary<string, object?> values)
    {
        var columns = new Dictionary<string, object?>(values);
        using (var info = connection.CreateCommand())
        {
            info.CommandText = $"SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}')";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                var (name, type, notNull, hasDefault, pk) = (reader.GetString(0), reader.GetString(1), reader.GetInt32(2) == 1, !reader.IsDBNull(3), reader.GetInt32(4) > 0);
                if (pk || !notNull || hasDefault || columns.ContainsKey(name)) continue;
                columns[name] = type switch { "INTEGER" => 0L, "BLOB" => Array.Empty<byte>(), "REAL" => 0.0, _ => "" };
            }
        }
        using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns.Keys)}) VALUES ({string.Join(", ", columns.Keys.Select(k => "$" + k))}) RETURNING Id";
        foreach (var (name, value) in columns) insert.Parameters.AddWithValue("$" + name, value ?? DBNull.Value);
        return (long)insert.ExecuteScalar()!;
    }
}
