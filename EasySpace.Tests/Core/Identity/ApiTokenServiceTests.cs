using System.Security.Cryptography;
using System.Text;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Identity;

public class ApiTokenServiceTests : IAsyncLifetime
{
    private const string OwnerEmail = "owner@example.com";
    private const string MemberEmail = "member@example.com";
    private readonly CoreHost core = new();
    private string ownerId = "";
    private string memberId = "";

    private ApiTokenService Tokens => core.Get<ApiTokenService>();

    public async Task InitializeAsync()
    {
        await core.InitializeAsync();
        ownerId = await core.AddUserAsync(OwnerEmail, Roles.Owner);
        memberId = await core.AddUserAsync(MemberEmail, Roles.Member);
    }

    public Task DisposeAsync() => core.DisposeAsync();

    private async Task<CreatedApiToken> CreateAsync(string user = OwnerEmail, string name = "Zapier", params string[] scopes)
    {
        var result = await Tokens.CreateAsync(user, name, scopes.Length == 0 ? [ApiScopes.ReadAdmins] : scopes, "owner@example.com");
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    [Fact]
    public async Task Create_stores_the_SHA_256_of_the_token_and_never_the_token()
    {
        var created = await CreateAsync(scopes: [ApiScopes.ReadSubscriptions, ApiScopes.WriteSubscriptions]);

        Assert.Matches("^es_[A-Za-z0-9_-]{43}$", created.Token);
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(created.Token)));
        Assert.Equal(expectedHash, core.Scalar("SELECT TokenHash FROM ApiTokens"));
        Assert.Equal(created.Token[..8], core.Scalar("SELECT Prefix FROM ApiTokens"));
        // JSON text on SQLite, text[] on PostgreSQL.
        var scopes = core.Scalar("SELECT Scopes FROM ApiTokens");
        Assert.Equal(["read_subscriptions", "write_subscriptions"], scopes as string[] ?? System.Text.Json.JsonSerializer.Deserialize<string[]>((string)scopes!)!);
        Assert.Equal(ownerId, core.Scalar("SELECT UserId FROM ApiTokens"));
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM ApiTokens WHERE TokenHash = $t OR Name = $t OR Prefix = $t OR CAST(Scopes AS TEXT) LIKE '%' || $t || '%'", ("$t", created.Token)));
        await AssertNowhereInTheDatabaseFilesAsync(created.Token);
        Assert.DoesNotContain(created.Token, created.ToString());
    }

    [Fact]
    public async Task Create_writes_the_activity_log_without_the_token()
    {
        var created = await CreateAsync(name: "Accounting sync");

        Assert.Equal("owner@example.com|Accounting sync", core.Scalar("SELECT Actor || '|' || Subject FROM ActivityLog WHERE Action = 'api_token.created'"));
        var details = (string)core.Scalar("SELECT Details FROM ActivityLog WHERE Action = 'api_token.created'")!;
        Assert.Contains(OwnerEmail, details);
        Assert.Contains("read_admins", details);
        Assert.DoesNotContain(created.Token, details);
    }

    public static TheoryData<string, string, string[], string, string> RefusedRequests => new()
    {
        { OwnerEmail, "Zapier", ["write_everything"], "Scopes", "Unknown scope 'write_everything'." },
        { OwnerEmail, "Zapier", ["read_admins", "Read"], "Scopes", "Unknown scope 'Read'." },
        { OwnerEmail, "Zapier", [], "Scopes", "Choose at least one scope." },
        { OwnerEmail, "Zapier", ["  "], "Scopes", "Choose at least one scope." },
        { "nobody@example.com", "Zapier", ["read"], "User", "There is no account with this e-mail address." },
        { "", "Zapier", ["read"], "User", "There is no account with this e-mail address." },
        { OwnerEmail, new string('x', 101), ["read"], "Name", "A name for the token has at most 100 characters." },
        { OwnerEmail, "two\nlines", ["read"], "Name", "A name for the token cannot contain control characters." },
        { OwnerEmail, "  ", ["read"], "Name", "Enter a name for the token." },
    };

    [Theory]
    [MemberData(nameof(RefusedRequests))]
    public async Task Create_refuses_bad_input_with_a_message_and_writes_nothing(string user, string name, string[] scopes, string field, string message)
    {
        var result = await Tokens.CreateAsync(user, name, scopes, "test");

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Errors.For(field));
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM ApiTokens"));
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM ActivityLog"));
    }

    [Fact]
    public async Task Create_accepts_a_100_character_name_a_user_id_and_repeated_scopes()
    {
        var result = await Tokens.CreateAsync(memberId, new string('n', 100), [" read ", "read_bookings", "read"], "cli");

        Assert.True(result.Succeeded, result.Errors.ToString());
        Assert.Equal(["read_bookings", "read"], result.Value!.Entity.Scopes);
        Assert.Equal(memberId, result.Value.Entity.UserId);
    }

    [Fact]
    public async Task Authenticate_returns_the_user_roles_and_scopes_of_a_valid_token()
    {
        var created = await CreateAsync(scopes: [ApiScopes.Read, ApiScopes.WriteSubscriptions]);

        var caller = await Tokens.AuthenticateAsync(created.Token);

        Assert.NotNull(caller);
        Assert.Equal((created.Entity.Id, ownerId, OwnerEmail, "Zapier"), (caller.TokenId, caller.UserId, caller.Email, caller.TokenName));
        Assert.Equal([Roles.Owner], caller.Roles);
        Assert.Equal([ApiScopes.WriteSubscriptions, ApiScopes.Read], caller.Scopes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("es_")]
    [InlineData("es_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Authenticate_returns_null_for_a_token_that_is_not_ours(string token)
    {
        await CreateAsync();
        Assert.Null(await Tokens.AuthenticateAsync(token));
    }

    [Fact]
    public async Task Authenticate_records_the_last_use_at_most_once_a_minute()
    {
        var created = await CreateAsync();
        var start = core.Clock.GetUtcNow();

        await Tokens.AuthenticateAsync(created.Token);
        Assert.Equal(start.UtcTicks, core.Scalar("SELECT LastUsedAt FROM ApiTokens"));

        core.Clock.Advance(TimeSpan.FromSeconds(59));
        await Tokens.AuthenticateAsync(created.Token);
        Assert.Equal(start.UtcTicks, core.Scalar("SELECT LastUsedAt FROM ApiTokens"));

        core.Clock.Advance(TimeSpan.FromSeconds(1));
        await Tokens.AuthenticateAsync(created.Token);
        Assert.Equal(start.AddMinutes(1).UtcTicks, core.Scalar("SELECT LastUsedAt FROM ApiTokens"));
    }

    [Fact]
    public async Task A_revoked_token_no_longer_authenticates_and_the_revocation_is_logged()
    {
        var created = await CreateAsync(name: "Old CRM");
        Assert.NotNull(await Tokens.AuthenticateAsync(created.Token));

        core.Clock.Advance(TimeSpan.FromHours(1));
        var revoked = await Tokens.RevokeAsync(created.Entity.Id, "admin@example.com");

        Assert.True(revoked.Succeeded, revoked.Errors.ToString());
        Assert.Null(await Tokens.AuthenticateAsync(created.Token));
        Assert.Equal(core.Clock.GetUtcNow().UtcTicks, core.Scalar("SELECT RevokedAt FROM ApiTokens"));
        Assert.Equal("admin@example.com|Old CRM", core.Scalar("SELECT Actor || '|' || Subject FROM ActivityLog WHERE Action = 'api_token.revoked'"));
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE instr(coalesce(Details, ''), $t) > 0", ("$t", created.Token)));
    }

    [Fact]
    public async Task Revoke_refuses_an_unknown_or_already_revoked_token()
    {
        var created = await CreateAsync();
        Assert.True((await Tokens.RevokeAsync(created.Entity.Id, "test")).Succeeded);

        var again = await Tokens.RevokeAsync(created.Entity.Id, "test");
        var unknown = await Tokens.RevokeAsync(999, "test");

        Assert.Equal("This API token is already revoked.", again.Errors.For(""));
        Assert.Equal("There is no API token with this id.", unknown.Errors.For(""));
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'api_token.revoked'"));
    }

    [Fact]
    public async Task List_shows_tokens_newest_first_with_their_user_and_filters_by_user()
    {
        var first = await CreateAsync(name: "First");
        core.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await CreateAsync(user: MemberEmail, name: "Second");
        await Tokens.RevokeAsync(first.Entity.Id, "test");

        var all = await Tokens.ListAsync();
        var members = await Tokens.ListAsync(memberId);

        Assert.Equal(["Second", "First"], all.Select(t => t.Name));
        Assert.Equal([MemberEmail, OwnerEmail], all.Select(t => t.UserEmail));
        Assert.Equal([false, true], all.Select(t => t.IsRevoked));
        Assert.Equal(second.Token[..8], Assert.Single(members).Prefix);
    }

    [Fact]
    public void The_read_scope_grants_every_read_scope_and_nothing_else()
    {
        var token = ApiToken.Issue("u", "t", "hash", "es_abcde", [ApiScopes.Read], DateTimeOffset.UnixEpoch);

        foreach (var scope in ApiScopes.All.Where(s => s.Name.StartsWith("read_", StringComparison.Ordinal)))
            Assert.True(token.HasScope(scope.Name), scope.Name);
        Assert.True(token.HasScope(ApiScopes.Read));
        Assert.False(token.HasScope(ApiScopes.WriteSubscriptions));
    }

    [Fact]
    public void Write_subscriptions_does_not_grant_read_subscriptions_and_read_admins_grants_only_itself()
    {
        var writer = ApiToken.Issue("u", "t", "hash", "es_abcde", [ApiScopes.WriteSubscriptions], DateTimeOffset.UnixEpoch);
        var admins = ApiToken.Issue("u", "t", "hash", "es_abcde", [ApiScopes.ReadAdmins], DateTimeOffset.UnixEpoch);

        Assert.True(writer.HasScope(ApiScopes.WriteSubscriptions));
        Assert.False(writer.HasScope(ApiScopes.ReadSubscriptions));
        Assert.True(admins.HasScope(ApiScopes.ReadAdmins));
        Assert.False(admins.HasScope(ApiScopes.ReadBookings));
        Assert.False(admins.HasScope(ApiScopes.Read));
    }

    [Fact]
    public void The_catalogue_holds_Cobots_scopes_each_described()
    {
        Assert.Equal(
            ["read_subscriptions", "write_subscriptions", "read_memberships", "read_bookings", "read_invoices", "read_check_ins", "read_admins", "read_payments",
             "read_drop_in_passes", "read_guest_accounts", "read_events", "read_event_attendances", "read"],
            ApiScopes.All.Select(s => s.Name));
        Assert.All(ApiScopes.All, s => Assert.False(string.IsNullOrWhiteSpace(s.Description)));
    }

    private async Task AssertNowhereInTheDatabaseFilesAsync(string token)
    {
        var files = (await core.DatabaseFilesAsync()).Select(f => (Name: Path.GetFileName(f), Bytes: ReadShared(f))).ToList();
        // The scan would see it: the token's hash is stored, in clear.
        var hash = Encoding.UTF8.GetBytes(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))));
        Assert.Contains(files, f => f.Bytes.AsSpan().IndexOf(hash) >= 0);
        var needle = Encoding.UTF8.GetBytes(token);
        foreach (var (name, bytes) in files) Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{name} contains the token");
    }

    private static byte[] ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
