using System.Security.Cryptography;
using System.Text;
using EasySpace.Tests.Harness;
using Microsoft.Data.Sqlite;

namespace EasySpace.Tests.Web.Cli;

[Trait("Store", "Named")]
public class ManagementCommandTests : IDisposable, IClassFixture<ManagementCommandTests.SetUpSpace>
{
    private const string Owner = "owner@example.com";
    private const string Password = "Corr3ct-horse!";
    private static readonly string[] SetupArgs = ["setup", "--email", Owner, "--password", Password, "--space-name", "Co-Up", "--country", "AT",
        "--currency", "EUR", "--base-url", "https://space.example.com"];
    private readonly TempDirectory data = new();
    private readonly VerbRunner verbs;
    private readonly SetUpSpace setUp;

    public ManagementCommandTests(SetUpSpace setUp)
    {
        verbs = new VerbRunner(data.Path);
        this.setUp = setUp;
    }

    private Task<VerbResult> SetupAsync() => verbs.RunAsync(SetupArgs);

    /// <summary>
    /// A data folder the real setup verb set up once for the class, with the arguments of <see cref="SetupAsync"/>. A test
    /// whose subject is another verb starts from a copy of it (database and keys) instead of running the same setup again;
    /// the tests about setup itself still run it.
    /// </summary>
    public sealed class SetUpSpace : IAsyncLifetime
    {
        private readonly TempDirectory data = new();
        private VerbResult setup = new(-1, "", "");

        public async Task InitializeAsync()
        {
            setup = await new VerbRunner(data.Path).RunAsync(SetupArgs);
            // Closing the last connection folds the WAL into the database file, so the copy is that file and the keys.
            using (var connection = new SqliteConnection($"Data Source={Path.Combine(data.Path, "easyspace.db")};Pooling=False")) connection.Open();
        }

        /// <summary>Copies the set-up space into <paramref name="folder"/>; fails the test when the setup verb did not exit 0.</summary>
        public void CopyTo(string folder)
        {
            Assert.True(setup.ExitCode == 0, $"setup exited {setup.ExitCode}: {setup.Stderr}");
            Copy(data.Path, folder);
        }

        private static void Copy(string from, string to)
        {
            foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            foreach (var folder in Directory.GetDirectories(from))
            {
                var copy = Directory.CreateDirectory(Path.Combine(to, Path.GetFileName(folder))).FullName;
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(copy, File.GetUnixFileMode(folder));
                Copy(folder, copy);
            }
        }

        public Task DisposeAsync()
        {
            data.Dispose();
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Setup_without_a_public_address_takes_the_one_the_server_is_set_to_listen_on_and_says_so()
    {
        // Tried: a server set to listen on 127.0.0.1:5491 (Urls) set up without --base-url. Before, the space's public
        // address became http://localhost:5080 whatever Urls said, so every invitation link pointed nowhere.
        var result = await new VerbRunner(data.Path, new Dictionary<string, string?> { ["Urls"] = "http://127.0.0.1:5491;http://127.0.0.1:5492" })
            .RunAsync("setup", "--email", Owner, "--password", Password, "--space-name", "Co-Up");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Links in invitations, webhooks and payments use http://127.0.0.1:5491; change it on Space Settings > Space, or pass --base-url.", result.Stdout);
        Assert.Equal("http://127.0.0.1:5491", Scalar("SELECT PublicBaseUrl FROM SpaceProfiles"));
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080", "http://localhost:8080")]
    [InlineData("http://+:80;https://+:443", "http://localhost")]
    [InlineData("https://[::]:5001/", "https://localhost:5001")]
    [InlineData("http://space.example.com:5080", "http://space.example.com:5080")]
    [InlineData("", "http://localhost:5080")]
    [InlineData("not a url", "http://localhost:5080")]
    public void The_address_setup_takes_from_Urls_is_one_a_browser_on_the_box_reaches(string urls, string expected) =>
        Assert.Equal(expected, EasySpace.Web.Cli.ManagementCommands.ListeningAddress(urls));

    [Fact]
    public async Task Setup_creates_the_owner_and_the_space_and_exits_0()
    {
        var result = await SetupAsync();

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("set up for Co-Up", result.Stdout);
        Assert.Equal("Co-Up|AT|EUR|https://space.example.com", Scalar("SELECT Name || '|' || Country || '|' || Currency || '|' || PublicBaseUrl FROM SpaceProfiles"));
        Assert.Equal("Owner", Scalar($"SELECT r.Name FROM AspNetUsers u JOIN AspNetUserRoles ur ON ur.UserId = u.Id JOIN AspNetRoles r ON r.Id = ur.RoleId WHERE u.Email = '{Owner}'"));
        Assert.Equal(Owner, Scalar($"SELECT DisplayName FROM AspNetUsers WHERE Email = '{Owner}'")); // no --name: the e-mail stands in
        Assert.Equal("wal", Scalar("PRAGMA journal_mode"));
        Assert.True(Directory.Exists(Path.Combine(data.Path, "keys")));
    }

    [Theory]
    [InlineData(new[] { "setup", "--email", Owner }, "Missing --password, --space-name.")]
    [InlineData(new[] { "setup", "--email", Owner, "--password", "short", "--space-name", "X" }, "--password: Passwords must be at least 10 characters.")]
    [InlineData(new[] { "setup", "--email", "not-an-address", "--password", Password, "--space-name", "X" }, "--email: Enter an e-mail address like name@example.com.")]
    [InlineData(new[] { "setup", "--email", Owner, "--password", Password, "--space-name", "X", "--base-url", "javascript:alert(1)" }, "--base-url: Enter a full http:// or https:// address")]
    [InlineData(new[] { "setup", "--email", Owner, "--password", Password, "--space-name", "X", "--country", "XX" }, "--country: Use a two-letter ISO country code")]
    [InlineData(new[] { "setup", "--email", Owner, "--password", Password, "--space-name", "X", "--currency", "EURO" }, "--currency: Use a three-letter ISO currency code")]
    [InlineData(new[] { "setup", "--email", Owner, "--password" }, "--password needs a value.")]
    [InlineData(new[] { "setup", "--email", Owner, "--password", Password, "--space-name", "X", "--name", "" }, "--name: Enter the owner's name.")]
    [InlineData(new[] { "setup", "--email", Owner, "--password", Password, "--space-name", "X", "--name", "Ada \u202EKeller" }, "--name: The owner's name contains an invisible character or one that changes the direction of the text (U+202E).")]
    [InlineData(new[] { "setup", "--email", Owner, "--password", Password, "--space-name", "X", "--name", "Ada\u200BKeller" }, "(U+200B)")]
    [InlineData(new[] { "setup", "--colour", "red" }, "Unknown option --colour.")]
    [InlineData(new[] { "setup", "stray" }, "Unexpected argument 'stray'.")]
    [InlineData(new[] { "frobnicate" }, "Unknown command 'frobnicate'.")]
    [InlineData(new[] { "add-admin", "--email", "a@example.com", "--password", Password }, "EasySpace is not set up yet: run setup first.")]
    public async Task Bad_arguments_exit_2_with_a_one_line_reason_and_write_nothing(string[] args, string reason)
    {
        var result = await verbs.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(reason, result.Stderr);
        Assert.DoesNotContain('\n', result.Stderr);
        Assert.Equal("", result.Stdout);
        if (File.Exists(Path.Combine(data.Path, "easyspace.db")))
        {
            Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM AspNetUsers"));
            Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM SpaceProfiles"));
        }
    }

    [Fact]
    public async Task Setup_with_a_name_shows_the_owner_by_that_name()
    {
        var result = await verbs.RunAsync("setup", "--name", "Ada Keller", "--email", Owner, "--password", Password, "--space-name", "Co-Up");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Ada Keller", Scalar($"SELECT DisplayName FROM AspNetUsers WHERE Email = '{Owner}'"));
    }

    [Fact]
    public async Task A_name_of_201_characters_is_refused()
    {
        var result = await verbs.RunAsync("setup", "--name", new string('x', 201), "--email", Owner, "--password", Password, "--space-name", "Co-Up");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--name: The owner's name has at most 200 characters.", result.Stderr);
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM AspNetUsers"));
    }

    [Fact]
    public async Task Setup_twice_is_refused()
    {
        setUp.CopyTo(data.Path);

        var again = await verbs.RunAsync("setup", "--email", "other@example.com", "--password", Password, "--space-name", "Other");

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already set up", again.Stderr);
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM AspNetUsers"));
    }

    [Fact]
    public async Task Add_admin_adds_an_admin_with_the_integrations_permission_when_asked()
    {
        setUp.CopyTo(data.Path);

        var plain = await verbs.RunAsync("add-admin", "--email", "plain@example.com", "--password", Password);
        var integrations = await verbs.RunAsync("add-admin", "--email", "hub@example.com", "--password", Password, "--manage-integrations", "--name", "Hub Admin");

        Assert.Equal((0, 0), (plain.ExitCode, integrations.ExitCode));
        Assert.Contains("with ManageIntegrations", integrations.Stdout);
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM AspNetUserClaims c JOIN AspNetUsers u ON u.Id = c.UserId WHERE u.Email = 'plain@example.com'"));
        Assert.Equal("ManageIntegrations", Scalar("SELECT c.ClaimValue FROM AspNetUserClaims c JOIN AspNetUsers u ON u.Id = c.UserId WHERE u.Email = 'hub@example.com'"));
        Assert.Equal("Hub Admin", Scalar("SELECT DisplayName FROM AspNetUsers WHERE Email = 'hub@example.com'"));
        Assert.Equal(2L, Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'admin.added' AND Actor = 'cli'"));
    }

    [Fact]
    public async Task Add_admin_without_a_password_prints_an_invitation_link_when_e_mail_is_off()
    {
        setUp.CopyTo(data.Path);

        var result = await verbs.RunAsync("add-admin", "--email", "ada@example.com");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("E-mail is off. Pass this link on to ada@example.com", result.Stdout.ReplaceLineEndings(" "));
        Assert.Contains("/Account/Invitation?token=", result.Stdout);
        Assert.DoesNotContain("/Account/Invitation", result.Stderr);             // the link is for the operator, not the log
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM AspNetUsers WHERE Email = 'ada@example.com'"));
    }

    [Fact]
    public async Task Add_admin_refuses_an_e_mail_that_already_has_an_account()
    {
        setUp.CopyTo(data.Path);

        var result = await verbs.RunAsync("add-admin", "--email", Owner, "--password", Password);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--email: An account with this e-mail address already exists.", result.Stderr);
    }

    [Fact]
    public async Task Migrate_creates_an_up_to_date_database()
    {
        var result = await verbs.RunAsync("migrate");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Database is up to date", result.Stdout);
        Assert.Equal("InitialSchema", Scalar("SELECT substr(MigrationId, 16) FROM __EFMigrationsHistory ORDER BY MigrationId LIMIT 1"));
    }

    [Fact]
    public async Task Create_token_prints_only_the_token_and_stores_its_hash()
    {
        setUp.CopyTo(data.Path);

        var result = await verbs.RunAsync("create-token", "--email", Owner, "--scopes", "read_subscriptions write_subscriptions");

        Assert.Equal(0, result.ExitCode);
        var token = result.Stdout;
        Assert.Matches("^es_[A-Za-z0-9_-]{43}$", token); // one line, nothing else
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        Assert.Equal($"CLI token|{token[..8]}|[\"read_subscriptions\",\"write_subscriptions\"]",
            Scalar($"SELECT Name || '|' || Prefix || '|' || Scopes FROM ApiTokens WHERE TokenHash = '{hash}'"));
        Assert.Equal(0L, Scalar($"SELECT COUNT(*) FROM ApiTokens WHERE TokenHash = '{token}'"));
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'api_token.created' AND Actor = 'cli' AND Subject = 'CLI token'"));
        Assert.DoesNotContain(token, result.Stderr);
    }

    [Fact]
    public async Task Create_token_takes_a_name_and_gives_a_different_token_each_time()
    {
        setUp.CopyTo(data.Path);

        var first = await verbs.RunAsync("create-token", "--email", Owner, "--scopes", "read", "--name", "Accounting sync");
        var second = await verbs.RunAsync("create-token", "--email", Owner, "--scopes", "read");

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.NotEqual(first.Stdout, second.Stdout);
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM ApiTokens WHERE Name = 'Accounting sync'"));
    }

    [Theory]
    [InlineData(new[] { "--email", Owner, "--scopes", "read_subscriptions write_everything" }, "--scopes: Unknown scope 'write_everything'.")]
    [InlineData(new[] { "--email", Owner, "--scopes", "" }, "--scopes: Choose at least one scope.")]
    [InlineData(new[] { "--email", "nobody@example.com", "--scopes", "read" }, "--email: There is no account with this e-mail address.")]
    [InlineData(new[] { "--email", Owner, "--scopes", "read", "--name", "" }, "--name: Enter a name for the token.")]
    [InlineData(new[] { "--email", Owner }, "Missing --scopes.")]
    public async Task Create_token_refuses_bad_arguments_with_exit_2_and_writes_no_token(string[] args, string reason)
    {
        setUp.CopyTo(data.Path);

        var result = await verbs.RunAsync(["create-token", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(reason, result.Stderr);
        Assert.DoesNotContain('\n', result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM ApiTokens"));
    }

    [Fact]
    public async Task No_password_ever_reaches_the_output()
    {
        var result = await SetupAsync();
        var failed = await verbs.RunAsync("add-admin", "--email", Owner, "--password", Password);

        Assert.DoesNotContain(Password, result.Stdout + result.Stderr + failed.Stdout + failed.Stderr);
    }

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data.Path, "easyspace.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose() => data.Dispose();
}
