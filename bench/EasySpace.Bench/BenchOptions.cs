using System.Globalization;

namespace EasySpace.Bench;

/// <summary>The command line. Every run is bounded: fixed counts, a paced phase of fixed length, timeouts that report losses.</summary>
public sealed class BenchOptions
{
    public int Events { get; private set; } = 2000;
    public int Endpoints { get; private set; } = 10;
    public double? Rate { get; private set; }
    public int BodyBytes { get; private set; } = 512;
    public int Concurrency { get; private set; } = 16;
    public int PerEndpoint { get; private set; } = 4;
    public int Committers { get; private set; } = 2;
    public double LatencySeconds { get; private set; } = 10;
    public int EnqueueEvents { get; private set; }
    public int ReceiverDelayMs { get; private set; }
    public bool Quick { get; private set; }
    public bool Profile { get; private set; }
    public bool Timeline { get; private set; }
    public bool Keep { get; private set; }
    public string? DataRoot { get; private set; }
    public int RawPosts { get; private set; }
    /// <summary>Which peers run: none, hangfire, quartz or all.</summary>
    public string Peers { get; private set; } = "all";
    public int PeerEvents { get; private set; }
    public int PeerWarmUpEvents => Quick ? 5 : 30;
    /// <summary>Timed commits per fan-out in the commit-cost phase.</summary>
    public int CommitCostEvents { get; private set; }
    /// <summary>Where the engine keeps its data: sqlite (the default) or postgres.</summary>
    public string Store { get; private set; } = "sqlite";
    public bool Postgres => Store == "postgres";
    /// <summary>A PostgreSQL server to use (a connection string); without it a throw-away one is started with tools/test-postgres.sh.</summary>
    public string? PostgresServer { get; private set; }
    /// <summary>PostgreSQL only: how many pumping hosts the several-nodes phase runs against one database.</summary>
    public int Nodes { get; private set; } = 3;

    /// <summary>The endpoints the enqueue phase fans out to (Convoy's comparison is one event to 10 endpoints).</summary>
    public const int EnqueueFanOut = 10;

    public static string Usage => """
        EasySpace.Bench — the outgoing-webhooks engine against receivers on 127.0.0.1.

          --events E           events in the throughput phase (default 2000; --quick 30)
          --endpoints N        endpoints, one receiver each, all subscribed to created_booking (default 10)
          --rate R             events/s offered in the latency phase (default: half the measured throughput)
          --latency-seconds S  length of the latency phase (default 20; --quick 3), at least 100 events (--quick 6)
          --enqueue-events M   events committed in the enqueue phase, fanned out to 10 endpoints (default E, at most 1000; --quick 10)
          --raw-posts X        posts in the raw-limit phase (default max(E x N, 20000); --quick max(E x N, 5000))
          --body-bytes B       size of each delivery's JSON body (default 512)
          --concurrency C      Webhooks:MaxConcurrency, and the raw client's global limit (default 16)
          --per-endpoint P     Webhooks:MaxConcurrencyPerEndpoint, and the raw client's limit per receiver (default 4)
          --committers K       concurrent committing tasks, one event per transaction (default 2)
          --receiver-delay MS  receivers wait this long before answering 200 (default 0)
          --peers P            none, hangfire, quartz or all (default all): the job libraries a .NET team would use instead
          --peer-events M      events in each peer's backlog and in its end-to-end run (default min(E, 300); --quick 30)
          --commit-cost-events K  timed commits per fan-out (0, 10, 100) in the commit-cost phase (default 200; --quick 30)
          --timeline           print the throughput phase's commits and arrivals per 50 ms to stderr
          --profile            also time every SQLite statement (sqlite3_profile) and EF transaction; slows the run
          --store S            sqlite (default) or postgres: where the engine keeps its data; the peers stay on SQLite
          --postgres CS        the PostgreSQL server to use (a fresh database is made on it); default: a throw-away
                               server started with tools/test-postgres.sh and stopped at the end
          --nodes N            postgres only: the several-nodes phase runs N pumping hosts on one database (default 3)
          --quick              a small run that finishes in well under a minute
          --data-root DIR      where the temporary data directory is made (default: the system temp folder)
          --keep               keep the data directory (its path is printed)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        int? events = null, enqueue = null, rawPosts = null, peerEvents = null, commitCost = null;
        double? seconds = null;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value.");
            int Int(int min) => int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
                ? v : throw new ArgumentException($"{a} needs a whole number ≥ {min}.");
            double Num() => double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v : throw new ArgumentException($"{a} needs a positive number.");
            switch (a)
            {
                case "--events": events = Int(1); break;
                case "--endpoints": o.Endpoints = Int(1); break;
                case "--rate": o.Rate = Num(); break;
                case "--latency-seconds": seconds = Num(); break;
                case "--enqueue-events": enqueue = Int(1); break;
                case "--body-bytes": o.BodyBytes = Int(0); break;
                case "--concurrency": o.Concurrency = Int(1); break;
                case "--per-endpoint": o.PerEndpoint = Int(1); break;
                case "--committers": o.Committers = Int(1); break;
                case "--receiver-delay": o.ReceiverDelayMs = Int(0); break;
                case "--profile": o.Profile = true; break;
                case "--timeline": o.Timeline = true; break;
                case "--quick": o.Quick = true; break;
                case "--keep": o.Keep = true; break;
                case "--data-root": o.DataRoot = Next(); break;
                case "--raw-posts": rawPosts = Int(1); break;
                case "--peers":
                    o.Peers = Next();
                    if (o.Peers is not ("none" or "hangfire" or "quartz" or "all")) throw new ArgumentException("--peers is none, hangfire, quartz or all.");
                    break;
                case "--peer-events": peerEvents = Int(1); break;
                case "--commit-cost-events": commitCost = Int(1); break;
                case "--store":
                    o.Store = Next();
                    if (o.Store is not ("sqlite" or "postgres")) throw new ArgumentException("--store is sqlite or postgres.");
                    break;
                case "--postgres": o.PostgresServer = Next(); break;
                case "--nodes": o.Nodes = Int(1); break;
                case "-h" or "--help": throw new HelpRequested();
                default: throw new ArgumentException($"Unknown option {a}.");
            }
        }
        if (o.Endpoints > 1000) throw new ArgumentException("--endpoints is at most 1000.");
        if (o.Postgres && o.Profile) throw new ArgumentException("--profile times SQLite's statements: use it with --store sqlite.");
        if (o.PostgresServer is not null && !o.Postgres) throw new ArgumentException("--postgres needs --store postgres.");
        o.Events = events ?? (o.Quick ? 30 : 2000);
        o.LatencySeconds = seconds ?? (o.Quick ? 3 : 20);
        o.EnqueueEvents = enqueue ?? (o.Quick ? 10 : Math.Min(o.Events, 1000));
        o.RawPosts = rawPosts ?? Math.Max(o.Events * o.Endpoints, o.Quick ? 5000 : 20000);
        o.PeerEvents = peerEvents ?? (o.Quick ? 30 : Math.Min(o.Events, 300));
        o.CommitCostEvents = commitCost ?? (o.Quick ? 30 : 200);
        return o;
    }

    public sealed class HelpRequested : Exception;
}
