using System.Net;
using Microsoft.Extensions.Options;

namespace EasySpace.Web.Components.Account;

/// <summary>The <c>Login</c> section of appsettings.json: how many failed logins are allowed in a sliding window.</summary>
public sealed class LoginLimitOptions
{
    public const string Section = "Login";

    /// <summary>Failed logins one client address may make in the window. Below the account lockout (10), so one stranger cannot lock an account out at once.</summary>
    public int FailuresPerAddress { get; set; } = 5;

    /// <summary>Failed logins all addresses together may make in the window: many addresses spraying passwords get no further.</summary>
    public int FailuresInTotal { get; set; } = 30;

    public int WindowMinutes { get; set; } = 15;
}

/// <summary>
/// Counts failed logins over the last <see cref="LoginLimitOptions.WindowMinutes"/>, per client address and in total, in memory
/// (a restart forgets them). An attempt counts as failed from the moment it starts, so parallel guesses cannot slip past
/// the limit while their passwords are being checked; a successful one is taken back.
/// Every failure is logged, and the limits bound how many there can be, so a flood of attempts cannot flood the log.
/// </summary>
internal sealed class LoginLimiter(IOptions<LoginLimitOptions> options, TimeProvider clock, ILogger<LoginLimiter> logger)
{
    private readonly Lock gate = new();
    // Oldest first; never longer than FailuresInTotal plus the attempts in flight.
    private readonly List<Attempt> recent = [];
    private bool totalPauseLogged;

    /// <summary>Starts an attempt, or says how long the caller must wait before the next one may start.</summary>
    public bool TryStart(IPAddress? address, out Attempt attempt, out TimeSpan wait)
    {
        var limits = options.Value;
        var window = TimeSpan.FromMinutes(limits.WindowMinutes);
        var now = clock.GetUtcNow();
        var key = address?.ToString() ?? "unknown";
        lock (gate)
        {
            recent.RemoveAll(a => a.At + window <= now);
            if (recent.Count == 0) totalPauseLogged = false;
            if (recent.Count >= limits.FailuresInTotal)
            {
                wait = recent[recent.Count - limits.FailuresInTotal].At + window - now;
                if (!totalPauseLogged)
                    logger.LogWarning("Logins paused for everyone for {Minutes} minutes: {Count} failed logins in {Window} minutes", Minutes(wait), recent.Count, limits.WindowMinutes);
                totalPauseLogged = true;
                attempt = default!;
                return false;
            }
            var mine = recent.Where(a => a.Address == key).ToList();
            if (mine.Count >= limits.FailuresPerAddress)
            {
                wait = mine[mine.Count - limits.FailuresPerAddress].At + window - now;
                attempt = default!;
                return false;
            }
            attempt = new Attempt(key, now);
            recent.Add(attempt);
            wait = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>Whole minutes to tell a person, rounded up: "wait 1 minute" rather than "wait 0 minutes".</summary>
    public static int Minutes(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));

    /// <summary>The attempt let the person in: it no longer counts.</summary>
    public void Succeeded(Attempt attempt)
    {
        lock (gate) recent.Remove(attempt);
    }

    /// <summary>The attempt stays counted; it is logged with the e-mail as typed (cut short: it is someone's input), never the password.</summary>
    public void Failed(Attempt attempt, string email)
    {
        var typed = email.Length > 100 ? email[..100] + "…" : email;
        logger.LogWarning("Failed login for {Email} from {Address}", typed, attempt.Address);
        var perAddress = options.Value.FailuresPerAddress;
        lock (gate)
        {
            if (recent.Count(a => a.Address == attempt.Address) == perAddress)
                logger.LogWarning("Logins from {Address} paused after {Count} failed logins", attempt.Address, perAddress);
        }
    }

    internal sealed record Attempt(string Address, DateTimeOffset At);
}
