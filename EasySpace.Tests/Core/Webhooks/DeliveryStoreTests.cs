using System.Text.RegularExpressions;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Space;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Xunit;

namespace EasySpace.Tests.Core.Webhooks;

/// <summary>
/// The engine's SQL is written by hand for speed, so the compiler cannot check it against the model: these tests do.
/// Every column a statement of <see cref="DeliveryStore"/> names exists in the EF model's table, and every INSERT
/// writes every column the model requires (a new required column cannot be forgotten in the hot path).
/// </summary>
// The statements of both stores against the model, and SQLite's query plans: on SQLite only.
[Trait("Store", "Named")]
public sealed partial class DeliveryStoreTests : IAsyncLifetime
{
    private readonly CoreHost core = new(store: Store.Sqlite);
    private IModel model = default!;

    public async Task InitializeAsync()
    {
        await core.InitializeAsync();
        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        model = db.Model;
    }

    public Task DisposeAsync() => core.DisposeAsync();

    // Both stores' statements, checked against the one model (PostgreSQL's names are the same, quoted).
    public static TheoryData<string, string> Inserts => new()
    {
        { "SQLite InsertDeliveries", SqliteDeliveryStore.InsertDeliveries },
        { "SQLite InsertAttempts", SqliteDeliveryStore.InsertAttempts },
        { "SQLite UpsertStats", SqliteDeliveryStore.UpsertStats },
        { "PostgreSQL InsertDeliveries", PostgresDeliveryStore.InsertDeliveries },
        { "PostgreSQL InsertAttempts", PostgresDeliveryStore.InsertAttempts },
        { "PostgreSQL UpsertStats", PostgresDeliveryStore.UpsertStats },
    };

    [Theory]
    [MemberData(nameof(Inserts))]
    public void An_insert_names_only_the_model_s_columns_and_every_required_one(string statement, string quoted)
    {
        var sql = quoted.Replace("\"", "");
        var match = InsertShape().Match(sql);
        Assert.True(match.Success, $"{statement} is not an INSERT INTO t (columns) SELECT or VALUES");
        var table = Table(match.Groups["table"].Value);
        var named = Columns(match.Groups["columns"].Value);
        var columns = ColumnsOf(table);
        Assert.Empty(named.Except(columns.Keys));
        var key = table.PrimaryKey?.Columns.Select(c => c.Name).ToHashSet() ?? [];
        // The table's own generated id aside (a composite key's parts are written like any column).
        var required = columns.Values.Where(c => !c.IsNullable && c.DefaultValue is null && c.DefaultValueSql is null && !(key.Count == 1 && key.Contains(c.Name)))
            .Select(c => c.Name);
        Assert.Empty(required.Except(named));
        // SQLite binds the row's values by position, ?1 to ?N; PostgreSQL reads them by column name, from the table's row type.
        if (sql.Contains(" VALUES (", StringComparison.Ordinal)) Assert.Equal(RowWriter.Parameters(named.Count), Between(sql, " VALUES (", ")"));
        else Assert.Equal(named, Columns(Between(sql, ") SELECT ", " FROM jsonb_populate_recordset")));
    }

    [Fact]
    public void The_update_of_delivery_states_binds_each_column_it_names_to_its_own_value_in_order()
    {
        // DeliveryStore.WriteAttemptsAsync adds the values in DeliveryStateColumns' order: the id first, for the WHERE.
        var sql = SqliteDeliveryStore.UpdateDeliveries;
        var set = Regex.Matches(sql, @"(\w+) = \?(\d+)").Select(m => (Column: m.Groups[1].Value, Index: int.Parse(m.Groups[2].Value))).ToList();
        Assert.Equal(DeliveryStore.DeliveryStateColumns.Select((c, i) => (c, i + 1)).OrderBy(p => p.Item2).ToList(),
            set.OrderBy(p => p.Index).ToList());
    }

    [Fact]
    public async Task The_fan_out_finds_waiting_events_through_its_index_not_by_reading_every_event()
    {
        // EF wrote !FannedOut as NOT (FannedOut), which the partial index "FannedOut = 0" does not match: every round
        // read the whole Events table.
        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var sql = Regex.Replace(SqliteDeliveryStore.WaitingQuery.Compile()(db, 512).ToQueryString(), @"^(--|\.param).*$|@\w+", m => m.Value.StartsWith('@') ? "512" : "", RegexOptions.Multiline);
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        Assert.Contains(plan, step => step.Contains("IX_Events_WaitingForFanOut"));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string> ColumnLists => new()
    {
        // statement, table, the columns it names
        { "SQLite UpdateDeliveries", "Deliveries", string.Join(", ", Regex.Matches(SqliteDeliveryStore.UpdateDeliveries, @"(\w+) = \?\d+").Select(m => m.Groups[1].Value)) },
        { "SQLite Claim SET", "Deliveries", Between(SqliteDeliveryStore.Claim, "SET ", "\n").Replace(" = $lease", "").Replace(" = $owner", "") },
        { "SQLite Claim RETURNING", "Deliveries", SqliteDeliveryStore.Claim[(SqliteDeliveryStore.Claim.IndexOf("RETURNING", StringComparison.Ordinal) + "RETURNING".Length)..] },
        { "SQLite Claim SELECT", "Deliveries", Between(SqliteDeliveryStore.Claim, "FROM (SELECT ", " FROM Deliveries") },
        { "SQLite BodiesOf", "Events", Between(SqliteDeliveryStore.BodiesOf, "SELECT ", " FROM") },
        { "SQLite MarkFannedOut", "Events", "FannedOut, Id" },
        { "SQLite DeliveriesOf", "Deliveries", Between(SqliteDeliveryStore.DeliveriesOf, "SELECT ", " FROM") },
        { "SQLite EndpointsOf", "Endpoints", Between(SqliteDeliveryStore.EndpointsOf, "SELECT ", " FROM") },
        // PostgreSQL quotes every name of the model: each quoted name is the table's or one of its columns.
        { "PostgreSQL UpdateDeliveries SET", "Deliveries", SetTargetsOf(PostgresDeliveryStore.UpdateDeliveries.Replace("\"", "")) },
        { "PostgreSQL UpdateDeliveries", "Deliveries", QuotedNames(PostgresDeliveryStore.UpdateDeliveries, "Deliveries") },
        { "PostgreSQL Claim", "Deliveries", QuotedNames(PostgresDeliveryStore.Claim, "Deliveries") },
        { "PostgreSQL WaitingEvents", "Events", QuotedNames(PostgresDeliveryStore.WaitingEvents, "Events") },
        { "PostgreSQL MarkFannedOut", "Events", QuotedNames(PostgresDeliveryStore.MarkFannedOut, "Events") },
        { "PostgreSQL BodiesOf", "Events", QuotedNames(PostgresDeliveryStore.BodiesOf, "Events") },
        { "PostgreSQL DeliveriesOf", "Deliveries", QuotedNames(PostgresDeliveryStore.DeliveriesOf, "Deliveries") },
        { "PostgreSQL EndpointsOf", "Endpoints", QuotedNames(PostgresDeliveryStore.EndpointsOf, "Endpoints") },
        { "PostgreSQL UpsertStats", "WebhookStats", QuotedNames(PostgresDeliveryStore.UpsertStats, "WebhookStats") },
    };

    private static string SetTargetsOf(string sql) => string.Join(", ", SetTargets().Matches(sql).Select(m => m.Groups[1].Value));

    private static string QuotedNames(string sql, string table) =>
        string.Join(", ", Regex.Matches(sql, "\"(\\w+)\"").Select(m => m.Groups[1].Value).Where(n => n != table).Distinct());

    [Theory]
    [MemberData(nameof(ColumnLists))]
    public void Every_column_a_statement_reads_or_writes_is_in_the_model(string statement, string table, string columns)
    {
        var missing = Columns(columns).Except(ColumnsOf(Table(table)).Keys).ToList();
        Assert.True(missing.Count == 0, $"{statement} names columns {table} does not have: {string.Join(", ", missing)}");
    }

    private ITable Table(string name) =>
        model.GetRelationalModel().Tables.SingleOrDefault(t => t.Name == name) ?? throw new Xunit.Sdk.XunitException($"No table {name} in the model.");

    private static Dictionary<string, IColumn> ColumnsOf(ITable table) => table.Columns.ToDictionary(c => c.Name, c => c);

    private static List<string> Columns(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.Split(' ')[0]).ToList();

    private static string Between(string sql, string start, string end)
    {
        var from = sql.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return sql[from..sql.IndexOf(end, from, StringComparison.Ordinal)];
    }

    [GeneratedRegex(@"^INSERT INTO (?<table>\w+) \((?<columns>[^)]*)\) (SELECT|VALUES)")]
    private static partial Regex InsertShape();

    [GeneratedRegex(@"(\w+) = v\.\w+")]
    private static partial Regex SetTargets();
}

/// <summary>The PostgreSQL store's fan-out against another node's, on the tests' real PostgreSQL.</summary>
[Trait("Store", "Named")]
public sealed class PostgresFanOutTests : IAsyncLifetime
{
    private readonly CoreHost core = new(new Dictionary<string, string?> { ["Webhooks:AllowPrivateNetworks"] = "true" }, store: Store.Postgres);

    public async Task InitializeAsync()
    {
        await core.InitializeAsync();
        var setup = await core.Get<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = AppHost.OwnerEmail, Password = AppHost.Password, SpaceName = "Nodes", PublicBaseUrl = "http://127.0.0.1",
        }, "test");
        Assert.True(setup.Succeeded);
    }

    public Task DisposeAsync() => core.DisposeAsync();

    [Fact]
    public async Task An_event_another_node_is_fanning_out_is_left_to_it_and_fanned_out_later_when_that_node_dies()
    {
        // Tried: node A has taken the older event in its fan-out (its row locked, not committed) when node B fans out;
        // then A dies and its transaction rolls back. "Mark every event up to the last id taken" made B wait for A's row
        // and then mark it fanned out with no delivery: lost.
        var created = await core.Get<EndpointService>().CreateAsync(new EndpointDraft
        {
            Name = "crm", Url = "http://127.0.0.1:9/hook", Events = ["created_booking"],
        }, EndpointOrigin.SettingsUi, WebhookHostExtensions.Owner);
        Assert.True(created.Succeeded);
        var dbs = core.Get<IDbContextFactory<AppDbContext>>();
        var store = core.Get<DeliveryStore>();
        var events = new List<long>();
        foreach (var id in new[] { "older", "newer" })
        {
            await using var db = await dbs.CreateDbContextAsync();
            var raised = await core.Get<EventOutbox>().RaiseAsync(db, "created_booking", new EventSubject(id, id, new() { ["id"] = id, ["url"] = $"http://x/api/bookings/{id}" }));
            await db.SaveChangesAsync();
            events.Add(raised.Id);
        }
        await WaitingOnlyAsync(dbs, events);

        await using (var nodeA = await dbs.CreateDbContextAsync())
        {
            await using var fanningOut = await nodeA.Database.BeginTransactionAsync();
            await nodeA.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"Events\" WHERE \"Id\" = {0} FOR UPDATE", events[0]);

            var byB = await WebhookHostExtensions.FanOutAsync(dbs, store, core.Clock).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(1, byB);                                  // the newer one; the older is A's
            await fanningOut.RollbackAsync();                      // A dies
        }

        Assert.Equal(1, await WebhookHostExtensions.FanOutAsync(dbs, store, core.Clock));
        await using var read = await dbs.CreateDbContextAsync();
        Assert.Equal(events, await read.Deliveries.Where(d => d.EndpointId == created.Value!.Endpoint.Id).OrderBy(d => d.EventId).Select(d => d.EventId).ToListAsync());
    }

    // The endpoint's own creation may have raised events; fanned out first, so the test's two are all that wait.
    private async Task WaitingOnlyAsync(IDbContextFactory<AppDbContext> dbs, List<long> events)
    {
        await using var db = await dbs.CreateDbContextAsync();
        await db.Events.Where(e => !e.FannedOut && !events.Contains(e.Id)).ExecuteUpdateAsync(s => s.SetProperty(e => e.FannedOut, true));
    }
}
