using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using EasySpace.Core.Identity;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EasySpace.Tests.Web.Access;

/// <summary>
/// A space behind a proxy on 127.0.0.1 (so each test can speak for many client addresses with X-Forwarded-For), with a
/// fake clock to move past the login window, and every log line the app writes kept for reading.
/// </summary>
public sealed class LoginFixture : AppHost, IAsyncLifetime
{
    public const string LockedEmail = "locked@example.com";
    public const int FailuresInTotal = 12;

    public LoginFixture()
    {
        Clock = UseFakeClock();
        With("ForwardedHeaders:KnownProxies:0", "127.0.0.1");
        With("Login:FailuresInTotal", FailuresInTotal.ToString());
    }

    public FakeTimeProvider Clock { get; }
    public ConcurrentQueue<string> Log { get; } = new();

    public async Task InitializeAsync()
    {
        await SetUpSpaceAsync();
        foreach (var email in new[] { LockedEmail, "limited@example.com", "sprayed@example.com" })
            await AddUserAsync(email, Roles.Admin);
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        await users.SetLockoutEndDateAsync((await users.FindByEmailAsync(LockedEmail))!, Clock.GetUtcNow().AddYears(1));
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    /// <summary>Forgets every failed login of earlier tests: their window has passed.</summary>
    public void StartAFreshWindow() => Clock.Advance(TimeSpan.FromMinutes(16));

    private int passwordChecks;

    /// <summary>How many passwords Identity's hasher has checked against a hash so far.</summary>
    public int PasswordChecks => Volatile.Read(ref passwordChecks);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(l => l.AddProvider(new ListLoggerProvider(Log)));
        builder.ConfigureTestServices(s => s.Replace(ServiceDescriptor.Scoped<IPasswordHasher<AppUser>>(sp =>
            new CountingHasher(new PasswordHasher<AppUser>(sp.GetRequiredService<IOptions<PasswordHasherOptions>>()), () => Interlocked.Increment(ref passwordChecks)))));
    }

    /// <summary>Identity's own hasher, counted: timings on a shared machine are too noisy to show the work a login does.</summary>
    private sealed class CountingHasher(PasswordHasher<AppUser> inner, Action counted) : IPasswordHasher<AppUser>
    {
        public string HashPassword(AppUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            counted();
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    public Task<HttpResponseMessage> PostLoginAsync(string email, string password, string? address = null, string query = "") =>
        LoginForm.PostAsync(this, email, password, address, query);

    private sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, lines);
        public void Dispose() { }
    }

    private sealed class ListLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lines.Enqueue($"{category}: {formatter(state, exception)}");
        }
    }
}

public class LoginTests(LoginFixture app) : IClassFixture<LoginFixture>
{
    private const string Refused = "That e-mail and password do not match an account";

    [Fact]
    public async Task After_five_failed_logins_an_address_waits_with_a_429_that_says_how_long()
    {
        app.StartAFreshWindow();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await app.PostLoginAsync("limited@example.com", "Wrong-pass1!", "198.51.100.7")).StatusCode);

        // Even the right password waits: the sixth try is not checked at all.
        var paused = await app.PostLoginAsync("limited@example.com", AppHost.Password, "198.51.100.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, paused.StatusCode);
        Assert.Contains("Too many failed login attempts. Wait 15 minutes and try again.", await paused.Content.ReadAsStringAsync());

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Contains("Wait 5 minutes", await (await app.PostLoginAsync("limited@example.com", AppHost.Password, "198.51.100.7")).Content.ReadAsStringAsync());
        // Another address is not held up by this one.
        Assert.Equal(HttpStatusCode.Redirect, (await app.PostLoginAsync("limited@example.com", AppHost.Password, "198.51.100.8")).StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.Redirect, (await app.PostLoginAsync("limited@example.com", AppHost.Password, "198.51.100.7")).StatusCode);
    }

    [Fact]
    public async Task Many_addresses_spraying_passwords_are_paused_together()
    {
        app.StartAFreshWindow();
        for (var i = 0; i < LoginFixture.FailuresInTotal; i++)
            Assert.Equal(HttpStatusCode.OK, (await app.PostLoginAsync("sprayed@example.com", $"Guess-{i}-pass!", $"203.0.113.{i + 1}")).StatusCode);

        var paused = await app.PostLoginAsync("sprayed@example.com", AppHost.Password, "203.0.113.200");

        Assert.Equal(HttpStatusCode.TooManyRequests, paused.StatusCode);
        Assert.Contains("Wait 15 minutes", await paused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_email_a_wrong_password_and_a_locked_account_get_the_same_answer()
    {
        app.StartAFreshWindow();
        var answers = new[]
        {
            await app.PostLoginAsync("nobody@example.com", AppHost.Password, "192.0.2.1"),
            await app.PostLoginAsync(AppHost.OwnerEmail, "Wrong-pass1!", "192.0.2.2"),
            await app.PostLoginAsync(LoginFixture.LockedEmail, AppHost.Password, "192.0.2.3"),
        };

        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var message = Regex.Match(await answer.Content.ReadAsStringAsync(), "class=\"mud-alert-message\">\\s*([^<]*)<").Groups[1].Value.Trim();
            Assert.StartsWith("Error: " + Refused, message);
            Assert.Contains("locked for a few minutes", message);
        }
    }

    [Fact]
    public async Task An_unknown_email_and_a_locked_account_cost_one_password_check_like_a_wrong_password()
    {
        app.StartAFreshWindow();
        var checks = new Dictionary<string, int>();
        foreach (var (what, email, address) in new[]
                 {
                     ("unknown e-mail", "nobody@example.com", "192.0.2.11"),
                     ("locked account", LoginFixture.LockedEmail, "192.0.2.12"),
                     ("wrong password", AppHost.OwnerEmail, "192.0.2.13"),
                 })
        {
            var before = app.PasswordChecks;
            await app.PostLoginAsync(email, "Wrong-pass1!", address);
            checks[what] = app.PasswordChecks - before;
        }

        // The check is the slow part of a login (tens of milliseconds, by design); Identity skips it for the first two.
        Assert.Equal(new Dictionary<string, int> { ["unknown e-mail"] = 1, ["locked account"] = 1, ["wrong password"] = 1 }, checks);
    }

    [Fact]
    public async Task Failed_logins_are_logged_with_address_and_email_but_a_flood_writes_few_lines()
    {
        app.StartAFreshWindow();
        app.Log.Clear();
        for (var i = 0; i < 40; i++) await app.PostLoginAsync("flood@example.com", "Secret-guess-42!", "198.51.100.99");

        var lines = app.Log.Where(l => l.Contains("login", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(5, lines.Count(l => l.Contains("Failed login for flood@example.com from 198.51.100.99")));
        Assert.Single(lines, l => l.Contains("Logins from 198.51.100.99 paused"));
        Assert.Equal(6, lines.Count);
        Assert.DoesNotContain(app.Log, l => l.Contains("Secret-guess-42!"));
    }

    [Fact]
    public async Task A_forwarded_address_from_a_proxy_the_settings_do_not_name_is_ignored()
    {
        using var direct = new AppHost();
        await direct.SetUpSpaceAsync();

        // Claiming a new address each time does not buy new tries: the connection's own address counts.
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await LoginForm.PostAsync(direct, AppHost.OwnerEmail, "Wrong-pass1!", $"203.0.113.{i + 1}")).StatusCode);
        var response = await LoginForm.PostAsync(direct, AppHost.OwnerEmail, AppHost.Password, "203.0.113.99");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
    }

    [Theory]
    [InlineData("Login:FailuresPerAddress", "0", "Login:FailuresPerAddress")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "my-proxy", "\"my-proxy\" is not an IP address")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/99", "\"10.0.0.0/99\" is not a network")]
    public void A_setting_that_cannot_work_stops_the_app_at_start_with_a_message_naming_it(string key, string value, string message)
    {
        using var host = new AppHost().With(key, value);

        var error = Assert.ThrowsAny<Exception>(() => host.BaseAddress);

        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public async Task After_logging_in_the_person_lands_on_the_page_they_asked_for()
    {
        var path = await LandingAsync("/members?page=2");
        var full = await LandingAsync(new Uri(app.BaseAddress, "/members").ToString()); // the login redirect carries the whole address

        Assert.Equal("/members?page=2", path);
        Assert.Equal("/members", full);
    }

    private async Task<string> LandingAsync(string returnUrl)
    {
        var response = await app.PostLoginAsync(AppHost.OwnerEmail, AppHost.Password, query: "?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return new Uri(app.BaseAddress, response.Headers.Location!).PathAndQuery;
    }
}

/// <summary>The real login form, antiforgery token and all, posted from <c>address</c> as a proxy reports it when given.</summary>
public static class LoginForm
{
    public static async Task<HttpResponseMessage> PostAsync(AppHost host, string email, string password, string? address = null, string query = "")
    {
        var client = host.NewClient();
        var fields = Fields(await client.GetStringAsync("/Account/Login" + query), email, password);
        var request = new HttpRequestMessage(HttpMethod.Post, "/Account/Login" + query) { Content = new FormUrlEncodedContent(fields) };
        if (address is not null) request.Headers.Add("X-Forwarded-For", address);
        return await client.SendAsync(request);
    }

    /// <summary>The form's hidden fields (antiforgery token, handler) with the e-mail and password filled in.</summary>
    public static Dictionary<string, string> Fields(string html, string email, string password)
    {
        var fields = Regex.Matches(html, "<input[^>]*type=\"hidden\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        return fields;
    }
}
