using System.Text.RegularExpressions;
using EasySpace.Core.Data;
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
public sealed partial class DeliveryStoreTests : IAsyncLifetime
{
    private readonly CoreHost core = new();
    private IModel model = default!;

    public async Task InitializeAsync()
    {
        await core.InitializeAsync();
        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        model = db.Model;
    }

    public Task DisposeAsync() => core.DisposeAsync();

    public static TheoryData<string, string> Inserts => new()
    {
        { "InsertDeliveries", DeliveryStore.InsertDeliveries },
        { "InsertAttempts", DeliveryStore.InsertAttempts },
        { "UpsertStats", DeliveryStore.UpsertStats },
    };

    [Theory]
    [MemberData(nameof(Inserts))]
    public void An_insert_names_only_the_model_s_columns_and_every_required_one(string statement, string sql)
    {
        var match = InsertShape().Match(sql);
        Assert.True(match.Success, $"{statement} is not an INSERT INTO t (columns) SELECT");
        var table = Table(match.Groups["table"].Value);
        var named = Columns(match.Groups["columns"].Value);
        var columns = ColumnsOf(table);
        Assert.Empty(named.Except(columns.Keys));
        var key = table.PrimaryKey?.Columns.Select(c => c.Name).ToHashSet() ?? [];
        // The table's own generated id aside (a composite key's parts are written like any column).
        var required = columns.Values.Where(c => !c.IsNullable && c.DefaultValue is null && c.DefaultValueSql is null && !(key.Count == 1 && key.Contains(c.Name)))
            .Select(c => c.Name);
        Assert.Empty(required.Except(named));
        Assert.Equal(named.Count, Regex.Count(sql, @"value->>\d+"));
    }

    [Fact]
    public void The_update_of_delivery_states_reads_as_many_values_as_it_names_columns() =>
        Assert.Equal(Columns(Between(DeliveryStore.UpdateDeliveries, "v(", ")")).Count, Regex.Count(DeliveryStore.UpdateDeliveries, @"value->>\d+"));

    [Fact]
    public async Task The_fan_out_finds_waiting_events_through_its_index_not_by_reading_every_event()
    {
        // EF wrote !FannedOut as NOT (FannedOut), which the partial index "FannedOut = 0" does not match: every round
        // read the whole Events table.
        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var sql = Regex.Replace(DeliveryStore.WaitingQuery.Compile()(db, 512).ToQueryString(), @"^(--|\.param).*$|@\w+", m => m.Value.StartsWith('@') ? "512" : "", RegexOptions.Multiline);
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
        { "UpdateDeliveries WITH", "Deliveries", Between(DeliveryStore.UpdateDeliveries, "v(", ")") },
        { "UpdateDeliveries SET", "Deliveries", string.Join(", ", SetTargets().Matches(DeliveryStore.UpdateDeliveries).Select(m => m.Groups[1].Value)) },
        { "Claim RETURNING", "Deliveries", DeliveryStore.Claim[(DeliveryStore.Claim.IndexOf("RETURNING", StringComparison.Ordinal) + "RETURNING".Length)..] },
        { "Claim SELECT", "Deliveries", Between(DeliveryStore.Claim, "FROM (SELECT ", " FROM Deliveries") },
        { "BodiesOf", "Events", Between(DeliveryStore.BodiesOf, "SELECT ", " FROM") },
        { "MarkFannedOut", "Events", "FannedOut, Id" },
    };

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

    [GeneratedRegex(@"^INSERT INTO (?<table>\w+) \((?<columns>[^)]*)\) SELECT")]
    private static partial Regex InsertShape();

    [GeneratedRegex(@"(\w+) = v\.\w+")]
    private static partial Regex SetTargets();
}
