using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using EasySpace.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SQLitePCL;

namespace EasySpace.Bench;

/// <summary>
/// <c>--profile</c>: where the database time goes, without touching Core.
/// <list type="bullet">
/// <item>Every SQLite statement on every connection the engine's contexts create — including the pump's claim, which
/// runs as plain ADO.NET on such a connection — is timed by SQLite itself (<c>sqlite3_profile</c>: time inside
/// <c>sqlite3_step</c>, so a COMMIT's fsync is in, the waits of EasySpace's busy handler between
/// tries are too: SQLite calls it from inside the step).</item>
/// <item>EF's BeginTransaction and Commit are timed from the outside (wall time, busy sleeps included).</item>
/// </list>
/// The same hook carries the <c>--experiment-*</c> switches, which change how every connection is set up, to measure
/// what a change in Core would buy. They are off by default: a plain run measures the product as it ships.
/// </summary>
public sealed partial class SqlProfiler
{
    private readonly ConcurrentDictionary<string, Counter> statements = new();
    private readonly ConcurrentDictionary<string, Counter> transactions = new();
    private readonly ConditionalWeakTable<sqlite3, object> hooked = new();
    private readonly delegate_profile callback;
    private volatile bool on;

    public SqlProfiler() => callback = OnStatement;

    public sealed class Counter
    {
        public long Count;
        public long TotalNs;
        public long MaxNs;
        /// <summary>Calls slower than 100 ms (a wall-time counter: the busy sleeps are 150 ms).</summary>
        public long Over100Ms;

        public void Add(long ns)
        {
            Interlocked.Increment(ref Count);
            Interlocked.Add(ref TotalNs, ns);
            if (ns > 100_000_000) Interlocked.Increment(ref Over100Ms);
            long seen;
            while (ns > (seen = Volatile.Read(ref MaxNs)) && Interlocked.CompareExchange(ref MaxNs, ns, seen) != seen) { }
        }
    }

    public void Register(IServiceCollection services) =>
        services.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(new Hooks(this)), ServiceLifetime.Singleton);

    public void Start()
    {
        statements.Clear();
        transactions.Clear();
        on = true;
    }

    public (Dictionary<string, Counter> Statements, Dictionary<string, Counter> Transactions) Stop()
    {
        on = false;
        return (new(statements), new(transactions));
    }

    private void Hook(SqliteConnection connection)
    {
        var handle = connection.Handle;
        if (handle is null) return;
        lock (hooked)
        {
            if (hooked.TryGetValue(handle, out _)) return;
            hooked.Add(handle, this);
        }
        raw.sqlite3_profile(handle, callback, null);
    }

    private void OnStatement(object userData, utf8z statement, long ns)
    {
        if (!on) return;
        statements.GetOrAdd(Classify(statement.utf8_to_string()), _ => new Counter()).Add(ns);
    }

    /// <summary>A statement's kind: its text with parameters, numbers and the ordering of lists stripped, shortened.</summary>
    public static string Classify(string sql)
    {
        var text = Spaces().Replace(sql, " ").Trim();
        if (text.StartsWith("UPDATE Deliveries SET LeaseUntil", StringComparison.Ordinal)) return "pump: claim (UPDATE Deliveries SET LeaseUntil … RETURNING)";
        if (text.StartsWith("INSERT INTO WebhookStats", StringComparison.Ordinal)) return "recorder: stats upsert (INSERT INTO WebhookStats … ON CONFLICT)";
        text = Parameters().Replace(text, "?");
        text = Numbers().Replace(text, "n");
        return text.Length > 110 ? text[..110] + "…" : text;
    }

    [GeneratedRegex(@"\s+")] private static partial Regex Spaces();
    [GeneratedRegex(@"@\w+|\$\w+")] private static partial Regex Parameters();
    [GeneratedRegex(@"\b\d+\b")] private static partial Regex Numbers();

    private sealed class Hooks(SqlProfiler profiler) : DbConnectionInterceptor, IDbTransactionInterceptor
    {
        // The pump opens its context's connection itself (not through EF): hook on the state change, not on EF's open.
        public override DbConnection ConnectionCreated(ConnectionCreatedEventData eventData, DbConnection result)
        {
            result.StateChange += (sender, e) =>
            {
                if (e.CurrentState == ConnectionState.Open && sender is SqliteConnection c) profiler.Hook(c);
            };
            return result;
        }

        public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
        {
            Time("BeginTransaction (BEGIN IMMEDIATE, wall time)", eventData);
            return result;
        }

        public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken ct = default)
        {
            Time("BeginTransaction (BEGIN IMMEDIATE, wall time)", eventData);
            return ValueTask.FromResult(result);
        }

        public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
            Time("Commit (COMMIT, wall time)", eventData);

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
        {
            Time("Commit (COMMIT, wall time)", eventData);
            return Task.CompletedTask;
        }

        private void Time(string what, TransactionEndEventData eventData)
        {
            if (!profiler.on) return;
            var kind = eventData.Context?.ChangeTracker.Entries().Any(e => e.Entity is Core.Events.EventRecord) == true ? "outbox " : "";
            profiler.transactions.GetOrAdd(kind + what, _ => new Counter()).Add((long)(eventData.Duration.TotalMilliseconds * 1_000_000));
        }
    }
}
