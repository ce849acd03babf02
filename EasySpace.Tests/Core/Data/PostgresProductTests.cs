using System.Net;
using System.Net.Sockets;
using EasySpace.Core.Data;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Inbox;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EasySpace.Tests.Core.Data;

/// <summary>The features whose SQL differs between the stores answer the same on PostgreSQL as on SQLite.</summary>
[Trait("Store", "Named")]
public class PostgresProductTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.Postgres)]
    public async Task Member_search_ignores_case_and_matches_percent_and_underscore_as_typed(Store store)
    {
        await using var core = await CoreHost.StartAsync(store: store);
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
        var plan = await core.Services.AddPlanAsync();
        await core.Services.AddMemberAsync(plan.Id, name: "Ada Lovelace", email: "ada@example.com");
        await core.Services.AddMemberAsync(plan.Id, name: "Ann_Archer", email: "ann@example.com");
        var directory = core.Get<MembershipDirectory>();

        // PostgreSQL's LIKE minds case, SQLite's does not: "ADA" found no one on PostgreSQL.
        Assert.Equal(["Ada Lovelace"], (await directory.SearchAsync("ADA")).Select(m => m.Name));
        Assert.Equal(["Ada Lovelace"], (await directory.PageAsync("LOVE", 0, 20)).Items.Select(m => m.Name));
        Assert.Equal(["Ann_Archer"], (await directory.SearchAsync("n_A")).Select(m => m.Name));
        Assert.Empty(await directory.SearchAsync("%"));
    }

    [Fact]
    public async Task A_provider_event_that_arrives_twice_is_stored_once_on_PostgreSQL()
    {
        await using var core = await CoreHost.StartAsync(store: Store.Postgres);
        var inbox = core.Get<ProviderInbox>();

        var first = await inbox.AcceptAsync(PaymentProvider.Stripe, "evt_1", "customer.created", "{}", EventSource.Webhook);
        // The second copy hit PostgreSQL's unique violation (23505), which only SQLite's code 19 was caught for: a 500 to Stripe.
        var second = await inbox.AcceptAsync(PaymentProvider.Stripe, "evt_1", "customer.created", "{}", EventSource.Reconciliation);

        Assert.Equal(InboxResult.Stored, first);
        Assert.Equal(InboxResult.AlreadyKnown, second);
        await using var db = await core.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.ProviderEvents.CountAsync());
    }

    [Fact]
    public async Task Invoices_written_on_two_nodes_at_once_get_numbers_without_gaps_or_repeats()
    {
        await using var first = await CoreHost.StartAsync(store: Store.Postgres);
        await PublicUrlsTests.SetUpAsync(first, "https://space.example.com");
        await using var second = await CoreHost.StartAsync(PostgresServer.Settings(first.PostgresConnectionString!));
        const int each = 15;

        async Task<List<int>> WriteAsync(CoreHost node)
        {
            var numbers = new List<int>();
            for (var i = 0; i < each; i++) numbers.Add((await node.Services.CreateInvoiceAsync()).Number);
            return numbers;
        }
        var written = await Task.WhenAll(Task.Run(() => WriteAsync(first)), Task.Run(() => WriteAsync(second)));

        Assert.Equal(Enumerable.Range(1, 2 * each), written.SelectMany(n => n).Order());
        await using var db = await second.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(2 * each, await db.InvoiceCounters.Select(c => c.LastNumber).SingleAsync());
    }

    [Fact]
    public async Task A_full_disk_on_the_database_server_is_reported_in_words()
    {
        await using var core = await CoreHost.StartAsync(store: Store.Postgres);
        // The server's own disk_full error (53100), raised by the server the way a full disk would end the insert.
        await ExecuteAsync(core.PostgresConnectionString!, """
            CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$;
            CREATE TRIGGER full_disk BEFORE INSERT ON "Plans" FOR EACH ROW EXECUTE FUNCTION full_disk();
            """);

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => core.Get<PlanService>().CreateAsync(new PlanDraft { Name = "Flex", Price = 100 }, "test"));

        Assert.Equal("the database server's disk is full", core.Get<StorageHealth>().Problem);
    }

    [Fact]
    public async Task A_read_only_database_server_is_reported_in_words()
    {
        await using var core = await CoreHost.StartAsync(store: Store.Postgres);
        var name = new NpgsqlConnectionStringBuilder(core.PostgresConnectionString).Database;
        await ExecuteAsync(core.PostgresConnectionString!, $"ALTER DATABASE {name} SET default_transaction_read_only = on");
        NpgsqlConnection.ClearAllPools();   // the setting holds for new sessions, as on a standby

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => core.Get<PlanService>().CreateAsync(new PlanDraft { Name = "Flex", Price = 100 }, "test"));

        Assert.Equal("the database server takes no writes (it is read-only, or a standby)", core.Get<StorageHealth>().Problem);
    }

    [Fact]
    public async Task A_database_server_that_does_not_answer_is_reported_in_words()
    {
        // A loopback port nobody listens on: the connection is refused, as when the server is down.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=easyspace;Database=easyspace;Timeout=5");

        var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync());

        Assert.Equal("the database server cannot be reached", StorageHealth.Describe(refused));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
