using System.Net;
using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Identity;

namespace EasySpace.Web.Components.Account;

/// <summary>What the login form tells the person.</summary>
internal abstract record LoginOutcome
{
    public sealed record LoggedIn : LoginOutcome;
    /// <summary>An unknown e-mail, a wrong password and a locked account alike: telling them apart would tell a stranger which e-mails have accounts.</summary>
    public sealed record Refused : LoginOutcome;
    public sealed record TooManyAttempts(TimeSpan Wait) : LoginOutcome;
}

/// <summary>One password login: the limits first, then the same work and the same answer whether or not the account exists.</summary>
internal sealed class PasswordLogin(SignInManager<AppUser> signInManager, IPasswordHasher<AppUser> hasher, LoginLimiter limiter)
{
    // A hash made by the same hasher (same cost) to check passwords against when there is no account to check them with.
    private static string? dummyHash;

    public async Task<LoginOutcome> TryAsync(string email, string password, bool rememberMe, IPAddress? address)
    {
        if (!limiter.TryStart(address, out var attempt, out var wait)) return new LoginOutcome.TooManyAttempts(wait);

        var users = signInManager.UserManager;
        var user = await users.FindByNameAsync(email);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            // Identity answers these two at once, without hashing: spend the time a wrong password takes.
            dummyHash ??= hasher.HashPassword(new AppUser(), Guid.NewGuid().ToString());
            hasher.VerifyHashedPassword(new AppUser(), dummyHash, password);
            limiter.Failed(attempt, email);
            return new LoginOutcome.Refused();
        }

        var result = await signInManager.PasswordSignInAsync(user, password, rememberMe, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            limiter.Failed(attempt, email);
            return new LoginOutcome.Refused();
        }
        limiter.Succeeded(attempt);
        return new LoginOutcome.LoggedIn();
    }
}
