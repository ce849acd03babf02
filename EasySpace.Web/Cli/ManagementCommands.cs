using EasySpace.Core;
using EasySpace.Core.Activity;
using EasySpace.Core.Backup;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Mail;
using EasySpace.Core.Space;
using Microsoft.Extensions.Options;

namespace EasySpace.Web.Cli;

/// <summary>
/// Verbs for scripts and headless installs, run by the same executable:
/// <c>dotnet run --project EasySpace.Web -- VERB [--option value ...]</c>. Exit 0 on success, 2 with one line on stderr when refused.
/// </summary>
public static class ManagementCommands
{
    private const int Ok = 0, Refused = 2;

    private static readonly Dictionary<string, Verb> Verbs = new(StringComparer.Ordinal)
    {
        ["setup"] = new("--email E --password P --space-name N [--name \"Ada Keller\"] [--country DE] [--currency EUR] [--time-zone Europe/Berlin] [--base-url URL]",
            ["email", "password", "space-name"], ["name", "country", "currency", "time-zone", "base-url"], [], SetupAsync),
        ["add-admin"] = new("--email E [--password P] [--name N] [--manage-integrations]",
            ["email"], ["password", "name"], ["manage-integrations"], AddAdminAsync),
        ["create-token"] = new("--email E --scopes \"read_subscriptions write_subscriptions ...\" [--name N]",
            ["email", "scopes"], ["name"], [], CreateTokenAsync),
        ["demo-data"] = new("", [], [], [], DemoDataAsync),
        ["migrate"] = new("", [], [], [], MigrateAsync),
        ["backup"] = new("--to DIR", ["to"], [], [], BackupAsync),
        ["restore"] = new("--from DIR", ["from"], [], [], RestoreAsync),
        ["move-to-postgres"] = new("--to \"Host=...;Database=...;Username=...;Password=...\"", ["to"], [], [], MoveToPostgresAsync),
    };

    /// <summary>When a verb runs, the host gets no command-line settings of its own and logs only warnings, to stderr, so stdout stays the verb's.</summary>
    public static string[] HostArgs(string[] args) => args.Length > 0 && Verbs.ContainsKey(args[0])
        ? ["--Logging:LogLevel:Default=Warning", "--Logging:Console:LogToStandardErrorThreshold=Trace", "--Logging:Console:FormatterName=simple", NoConfigWatch]
        : [.. args, NoConfigWatch];

    // The data folder lives under the content root, and watching appsettings.json for changes watches the whole tree:
    // every database write woke the file watcher (a tenth of a core while events were committed). Settings are read at start.
    public const string NoConfigWatch = "--hostBuilder:reloadConfigOnChange=false";

    public static async Task<int?> TryRunAsync(WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return null; // no verb: serve
        if (!Verbs.TryGetValue(args[0], out var verb))
            return Fail($"Unknown command '{args[0]}'. Commands: {string.Join(", ", Verbs.Keys)}.");
        if (!TryParse(verb, args.AsSpan(1), out var options, out var problem))
            return Fail($"{problem} Usage: {args[0]} {verb.Usage}");
        try
        {
            return await verb.Run(app.Services, options, app.Lifetime.ApplicationStopping);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            Console.Error.WriteLine($"{args[0]} failed: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// The server's side of restore's refusal: serving holds the data folder's lock until the process ends. Null, with the
    /// reason on stderr, when a server or a restore already holds it. Verbs other than restore run beside a server.
    /// </summary>
    public static DataFolderLock? HoldDataFolder(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<EasySpaceOptions>>().Value;
        var held = DataFolderLock.TryTake(options);
        if (held is null) Console.Error.WriteLine(DataFolderLock.InUse(options));
        return held;
    }

    private static async Task<int> SetupAsync(IServiceProvider services, IReadOnlyDictionary<string, string> o, CancellationToken ct)
    {
        await services.MigrateDatabaseAsync(ct);
        var request = new SetupRequest
        {
            OwnerName = o.GetValueOrDefault("name"),
            Email = o["email"],
            Password = o["password"],
            SpaceName = o["space-name"],
            Country = o.GetValueOrDefault("country", "DE"),
            Currency = o.GetValueOrDefault("currency", "EUR"),
            TimeZone = o.GetValueOrDefault("time-zone", "Europe/Berlin"),
            PublicBaseUrl = o.GetValueOrDefault("base-url") ?? ListeningAddress(services.GetRequiredService<IConfiguration>()["Urls"]),
        };
        var result = await services.GetRequiredService<SetupService>().CompleteAsync(request, "cli", ct);
        if (!result.Succeeded) return Fail(OneLine(result.Errors));
        Console.WriteLine($"EasySpace is set up for {result.Value!.Name}; log in as {request.Email.Trim()}.");
        if (!o.ContainsKey("base-url"))
            Console.WriteLine($"Links in invitations, webhooks and payments use {request.PublicBaseUrl}; change it on Space Settings > Space, or pass --base-url.");
        return Ok;
    }

    /// <summary>
    /// Without --base-url: the first address the server is told to listen on (Urls), as a browser on this box reaches it.
    /// A fixed http://localhost:5080 gave every invitation link a dead address on a server set to listen elsewhere.
    /// </summary>
    internal static string ListeningAddress(string? urls)
    {
        var first = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        // Kestrel's wildcards mean every interface: this box's own name for them is localhost.
        foreach (var wildcard in (string[])["://0.0.0.0", "://+", "://*", "://[::]"])
            first = first.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        return Uri.TryCreate(first, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.GetLeftPart(UriPartial.Authority)
            : "http://localhost:5080";
    }

    private static async Task<int> AddAdminAsync(IServiceProvider services, IReadOnlyDictionary<string, string> o, CancellationToken ct)
    {
        await services.MigrateDatabaseAsync(ct);
        if (!await services.GetRequiredService<SetupService>().IsCompleteAsync(ct))
            return Fail("EasySpace is not set up yet: run setup first.");
        // Without --password the new admin chooses their own from an invitation: e-mailed, or printed here to pass on.
        var account = new NewAccount(o["email"], o.GetValueOrDefault("password"), o.GetValueOrDefault("name"));
        var result = await services.GetRequiredService<UserAdministration>()
            .AddAdminAsync(account, o.ContainsKey("manage-integrations"), "cli", ct);
        if (!result.Succeeded) return Fail(OneLine(result.Errors));
        Console.WriteLine($"Added admin {result.Value!.Email}{(o.ContainsKey("manage-integrations") ? " with ManageIntegrations" : "")}.");
        if (account.Password is not null) return Ok;
        var invitation = await services.GetRequiredService<AccountMail>().InviteAsync(result.Value.Id, "An administrator", ct);
        Console.WriteLine(invitation.Mail.Sent
            ? $"An invitation to choose a password was e-mailed to {invitation.Email}; the link works for {invitation.Expires}."
            : $"{(invitation.Mail.IsOff ? "E-mail is off." : invitation.Mail.Problem)} Pass this link on to {invitation.Email} to choose a password (it works once, for {invitation.Expires}):\n{invitation.LinkToPassOn}");
        return Ok;
    }

    /// <summary>Prints only the token, so a script can capture it: <c>TOKEN=$(... create-token ...)</c>.</summary>
    private static async Task<int> CreateTokenAsync(IServiceProvider services, IReadOnlyDictionary<string, string> o, CancellationToken ct)
    {
        await services.MigrateDatabaseAsync(ct);
        var scopes = o["scopes"].Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await services.GetRequiredService<ApiTokenService>()
            .CreateAsync(o["email"], o.GetValueOrDefault("name", "CLI token"), scopes, "cli", ct);
        if (!result.Succeeded) return Fail(OneLine(result.Errors));
        Console.WriteLine(result.Value!.Token);
        return Ok;
    }

    private static async Task<int> DemoDataAsync(IServiceProvider services, IReadOnlyDictionary<string, string> o, CancellationToken ct)
    {
        await services.MigrateDatabaseAsync(ct);
        var result = await services.GetRequiredService<EasySpace.Core.Demo.DemoData>().CreateAsync(ct);
        if (!result.Succeeded) return Fail(OneLine(result.Errors));
        Console.WriteLine(result.Value);
        return Ok;
    }

    private static async Task<int> MigrateAsync(IServiceProvider services, IReadOnlyDictionary<string, string> o, CancellationToken ct)
    {
        await services.MigrateDatabaseAsync(ct);
        var database = services.GetRequiredService<DatabaseOptions>();
        var where = database.IsPostgres && new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) is var postgres
            ? $"the PostgreSQL database {postgres.Database} on {postgres.Host}"
            : services.GetRequiredService<IOptions<EasySpaceOptions>>().Value.DatabasePath;
        Console.WriteLine($"Database is up to date: {where}");
        return Ok;
    }

    /// <summary>Runs beside the server: reads the live database through SQLite's online backup, migrates nothing.</summary>
    private static async Task<int> BackupAsync(IServiceProvider services, IReadOnlyDictionary<string, string> o, CancellationToken ct)
    {
        var result = await services.GetRequiredService<BackupService>().BackupAsync(o["to"], ActivityKinds.CommandLine, ct);
        if (!result.Succeeded) return Fail(OneLine(result.Errors));
        var manifest = result.Value!;
        Console.WriteLine($"Backed up to {Path.GetFullPath(o["to"])}: the database (checked, {Size(manifest.Files.Single(f => f.Path == BackupManifest.DatabaseFile).Bytes)}) and " +
            $"{manifest.Files.Count(f => f.Path.StartsWith(BackupManifest.KeysFolder + "/", StringComparison.Ordinal))} key file(s), at migration {manifest.LastMigration}.");
        return Ok;
    }

    private static async Task<int> RestoreAsync(IServiceProvider services, IReadOnlyDictionary<string, string> o, CancellationToken ct)
    {
        var result = await services.GetRequiredService<RestoreService>().RestoreAsync(o["from"], ct);
        if (!result.Succeeded) return Fail(OneLine(result.Errors));
        var restored = result.Value!;
        Console.WriteLine($"Restored the backup made {restored.Manifest.MadeAt:u} ({restored.Manifest.AppVersion}); {restored.MigrationsApplied} migration(s) applied.");
        Console.WriteLine(restored.ReplacedFolder is null
            ? "There was no database here before."
            : $"The database and keys it replaced are kept in {restored.ReplacedFolder}.");
        return Ok;
    }

    /// <summary>Copies this SQLite install into an empty PostgreSQL database, then says what to set; the SQLite file is only read.</summary>
    private static async Task<int> MoveToPostgresAsync(IServiceProvider services, IReadOnlyDictionary<string, string> o, CancellationToken ct)
    {
        var result = await services.GetRequiredService<MoveToPostgres>().MoveAsync(o["to"], ct);
        if (!result.Succeeded) return Fail(OneLine(result.Errors));
        var moved = result.Value!;
        foreach (var (table, rows) in moved.Tables) Console.WriteLine($"  {table,-32} {rows,10:N0} {(rows == 1 ? "row" : "rows")}");
        Console.WriteLine($"Moved {moved.Tables.Sum(t => t.Rows):N0} rows in {moved.Tables.Count} tables into the PostgreSQL database {moved.Database} on {moved.Host} " +
            $"(each table counted on both sides). Data Protection keys: {moved.KeysCopied} copied, {moved.KeysAlreadyThere} already where the PostgreSQL settings read them. " +
            "The SQLite database is unchanged.");
        Console.WriteLine("To run on PostgreSQL, set in appsettings.json (or as environment variables, Database__Provider and ConnectionStrings__EasySpace):");
        Console.WriteLine("  Database:Provider = Postgres");
        Console.WriteLine("  ConnectionStrings:EasySpace = the connection string given to --to");
        Console.WriteLine("then start EasySpace (docs/operations.md, \"Moving from one box to three\").");
        return Ok;
    }

    private static string Size(long bytes) => bytes < 1 << 20 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes / (1024.0 * 1024):0.#} MB";

    private static bool TryParse(Verb verb, ReadOnlySpan<string> args, out Dictionary<string, string> options, out string problem)
    {
        options = new(StringComparer.Ordinal);
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--") || arg.Length == 2) { problem = $"Unexpected argument '{arg}'."; return false; }
            var name = arg[2..];
            if (options.ContainsKey(name)) { problem = $"--{name} is given twice."; return false; }
            if (verb.Flags.Contains(name)) { options[name] = "true"; continue; }
            if (!verb.Required.Contains(name) && !verb.Optional.Contains(name)) { problem = $"Unknown option --{name}."; return false; }
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--")) { problem = $"--{name} needs a value."; return false; }
            options[name] = args[++i];
        }
        var given = options;
        var missing = verb.Required.Where(r => !given.ContainsKey(r)).ToList();
        if (missing.Count > 0) { problem = $"Missing {string.Join(", ", missing.Select(m => "--" + m))}."; return false; }
        return true;
    }

    private static string OneLine(ValidationErrors errors) =>
        string.Join(" ", errors.ByField.Select(e => (e.Key == "" ? "" : $"{ToOption(e.Key)}: ") + string.Join(" ", e.Value)));

    private static string ToOption(string field) => field switch
    {
        nameof(SetupRequest.OwnerName) => "--name",
        nameof(SetupRequest.SpaceName) => "--space-name",
        nameof(SetupRequest.TimeZone) => "--time-zone",
        nameof(SetupRequest.PublicBaseUrl) => "--base-url",
        "User" => "--email",
        _ => "--" + field.ToLowerInvariant(),
    };

    private static int Fail(string reason)
    {
        Console.Error.WriteLine(reason.ReplaceLineEndings(" "));
        return Refused;
    }

    private sealed record Verb(string Usage, string[] Required, string[] Optional, string[] Flags,
        Func<IServiceProvider, IReadOnlyDictionary<string, string>, CancellationToken, Task<int>> Run);
}
