using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Harness;

/// <summary>
/// The real app on Kestrel at 127.0.0.1 on a port the OS picks, with a SQLite file in a temporary data directory, or on
/// a PostgreSQL database of its own (or one it shares with other hosts: nodes of one installation).
/// Each test class that needs a fresh installation makes its own.
/// </summary>
public class AppHost : WebApplicationFactory<Program>
{
    public const string OwnerEmail = "owner@example.com";
    public const string Password = "Corr3ct-horse!";

    private readonly TempDirectory data = new();
    private readonly Dictionary<string, string?> settings = new();
    private readonly List<Action<IServiceCollection>> serviceOverrides = [];

    /// <param name="store">PostgreSQL: a new migrated database on the run's server (<see cref="PostgresServer"/>) unless
    /// <paramref name="postgresConnectionString"/> names one, e.g. another host's, to make a second node.</param>
    public AppHost(Store? store = null, string? postgresConnectionString = null)
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        Store = store ?? (postgresConnectionString is null ? Stores.Default : Store.Postgres);
        if (Store == Store.Postgres)
        {
            ownsDatabase = postgresConnectionString is null;
            PostgresConnectionString = postgresConnectionString ?? PostgresServer.CreateDatabaseAsync().GetAwaiter().GetResult();
            foreach (var (key, value) in PostgresServer.Settings(PostgresConnectionString)) settings[key] = value;
        }
        // The app's start (Program.cs) still migrates: it finds the run's migrated template and has nothing to apply.
        else MigratedTemplate.CopyTo(data.Path);
    }

    public Store Store { get; }
    private readonly bool ownsDatabase;

    /// <summary>The host's database when <see cref="Store"/> is PostgreSQL: give it to a second host to make a second node.</summary>
    public string? PostgresConnectionString { get; }

    public string DataDirectory => data.Path;

    /// <summary>Set before the app starts, e.g. <c>With("Webhooks:TimeoutSeconds", "2")</c>.</summary>
    public AppHost With(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    /// <summary>Replaces the clock with a fake one that starts at the real now (receivers check timestamps against it).</summary>
    public FakeTimeProvider UseFakeClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        serviceOverrides.Add(s => s.AddSingleton<TimeProvider>(clock));
        return clock;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureTestServices(services =>
        {
            services.UseFastPasswordHashing();
            serviceOverrides.ForEach(o => o(services));
        });
        builder.UseEnvironment("Testing");
        builder.UseSetting("EasySpace:DataDirectory", data.Path);
        builder.UseSetting("Logging:Console:FormatterName", "simple");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");   // the receivers listen on loopback
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    /// <summary>The address Kestrel really listens on, e.g. http://127.0.0.1:45123.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
            return new Uri(addresses.Addresses.First());
        }
    }

    public async Task SetUpSpaceAsync(string spaceName = "Co-Up")
    {
        StartServer();
        var result = await Services.GetRequiredService<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = OwnerEmail,
            Password = Password,
            SpaceName = spaceName,
            PublicBaseUrl = BaseAddress.ToString(),
        }, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
    }

    /// <summary>Adds a user in a role, straight through Identity (the UI for members arrives later).</summary>
    public async Task AddUserAsync(string email, string role, bool manageIntegrations = false)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = email };
        Check(await users.CreateAsync(user, Password));
        Check(await users.AddToRoleAsync(user, role));
        if (manageIntegrations) Check(await users.AddClaimAsync(user, new Claim(Permissions.ClaimType, Permissions.ManageIntegrations)));
    }

    /// <summary>An HTTP client that talks to Kestrel over loopback, keeps cookies and does not follow redirects.</summary>
    public HttpClient NewClient(bool followRedirects = false) =>
        new(new HttpClientHandler { AllowAutoRedirect = followRedirects, CookieContainer = new CookieContainer(), UseCookies = true })
        { BaseAddress = BaseAddress };

    /// <summary>Logs in through the real login form (antiforgery token and all).</summary>
    public async Task<HttpClient> LoggedInClientAsync(string email, string password = Password) =>
        await LogInAsync(NewClient(), email, password);

    /// <summary>Logs <paramref name="client"/> in through the real login form; its cookies hold the session.</summary>
    public async Task<HttpClient> LogInAsync(HttpClient client, string email, string password = Password)
    {
        var form = await client.GetStringAsync("/Account/Login");
        var fields = Regex.Matches(form, "<input[^>]*type=\"hidden\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        data.Dispose();
        // A second node's host was given the first one's database, which the first one drops.
        if (ownsDatabase) PostgresServer.DropDatabaseAsync(PostgresConnectionString!).GetAwaiter().GetResult();
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The database straight, bypassing EF Core (<see cref="RawSql"/>: SQLite's dialect on both stores).</summary>
    public System.Data.Common.DbConnection OpenDatabase() => RawSql.Open(Store, data.Path, PostgresConnectionString);

    private static void Check(IdentityResult result) => Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
}
