using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Identity;

/// <summary>
/// What the owner and admins change about their own account on the account page: their name and their e-mail (their
/// login). A member's name and e-mail belong to their membership and change on their membership page, where the
/// webhooks hear of it.
/// </summary>
public sealed class OwnAccount(IServiceScopeFactory scopes, TimeProvider clock)
{
    public const int MaxNameLength = MemberInputRules.NameMax;

    /// <summary>The same rule as every person's name in the product (members, admins, the owner at setup).</summary>
    public static string? NameProblem(string? name, string what = "your name") => MemberInputRules.Name(name, what, MaxNameLength);

    public async Task<Result<AppUser>> ChangeNameAsync(string userId, string? name, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var found = await StaffAsync(users, userId);
        if (found.Value is not { } user) return found.Errors;
        if (NameProblem(name) is { } problem) return new ValidationErrors().Add("Name", problem);

        user.DisplayName = name!.Trim();
        Check(await users.UpdateAsync(user));
        return user;
    }

    /// <summary>
    /// A new login e-mail, confirmed with the current password. Identity gives the user a new security stamp with it, so
    /// every session made before ends at its next request; the caller signs its own browser in again with the user returned.
    /// </summary>
    public async Task<Result<AppUser>> ChangeEmailAsync(string userId, string? email, string? currentPassword, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var found = await StaffAsync(users, userId);
        if (found.Value is not { } user) return found.Errors;

        var errors = new ValidationErrors();
        if (InputRules.EmailProblem(email) is { } problem) errors.Add("Email", problem);
        else if (string.Equals(email!.Trim(), user.Email, StringComparison.OrdinalIgnoreCase))
            errors.Add("Email", "That is already your e-mail address.");
        else if (await users.FindByEmailAsync(email.Trim()) is not null || await users.FindByNameAsync(email.Trim()) is not null)
            errors.Add("Email", "An account with this e-mail address already exists.");
        if (string.IsNullOrEmpty(currentPassword) || !await users.CheckPasswordAsync(user, currentPassword))
            errors.Add("CurrentPassword", "Enter your current password to change your e-mail address.");
        if (!errors.IsEmpty) return errors;

        var before = user.Email!;
        var address = email!.Trim();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        Check(await users.SetEmailAsync(user, address));       // each gives the user a new security stamp
        Check(await users.SetUserNameAsync(user, address));
        user.EmailConfirmed = true; // nobody else can confirm it: EasySpace sends no e-mail
        Check(await users.UpdateAsync(user));
        db.ActivityLog.Add(ActivityEntry.Record(before, ActivityKinds.OwnEmailChanged, address, clock.GetUtcNow(),
            $"from {before} to {address}; their other sessions were ended"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user;
    }

    private static async Task<Result<AppUser>> StaffAsync(UserManager<AppUser> users, string userId) =>
        await users.FindByIdAsync(userId) is not { } user ? new ValidationErrors().Add("", "This account no longer exists.")
        : await users.IsInRoleAsync(user, Roles.Member) ? new ValidationErrors().Add("", "A member changes their name and e-mail on their membership page.")
        : user;

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
