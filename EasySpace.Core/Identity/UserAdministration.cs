using System.Security.Claims;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Identity;

/// <param name="Password">Null for an account whose owner sets the password from an invitation link (AccountMail):
/// it gets a random one nobody is told.</param>
public sealed record NewAccount(string Email, string? Password, string? DisplayName = null);

/// <summary>Adds and removes the people who log in. Each call is one operation with its own DbContext.</summary>
public sealed class UserAdministration(IServiceScopeFactory scopes, EventOutbox outbox, PublicUrls urls, TimeProvider clock,
    IEnumerable<IAccountRemoval> removals)
{
    /// <summary>Checks an e-mail and password the way account creation will, without creating anything.</summary>
    public async Task<ValidationErrors> ValidateAsync(NewAccount account)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await ValidateAsync(scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>(), account);
    }

    public async Task<Result<AppUser>> AddAdminAsync(NewAccount account, bool manageIntegrations, string actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var errors = await ValidateAsync(users, account);
        if (!errors.IsEmpty) return errors;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await CreateInRoleAsync(users, account, Roles.Admin);
        if (manageIntegrations)
            Check(await users.AddClaimAsync(user, new Claim(Permissions.ClaimType, Permissions.ManageIntegrations)));
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.AdminAdded, user.Email!, clock.GetUtcNow(),
            manageIntegrations ? "with ManageIntegrations" : null));
        var admin = AdminResource.Of(user, await urls.ApiUrlAsync(AdminDirectory.Collection, user.Id, ct));
        await outbox.RaiseAsync(db, new CreatedAdmin(new EventSubject(user.Id, admin.Name, admin.ToJson())), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user;
    }

    /// <summary>Removes an admin's account; the deleted_admin payload carries their last state.</summary>
    public async Task<Result<AppUser>> RemoveAdminAsync(string userId, string actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (await users.FindByIdAsync(userId) is not { } user || !await users.IsInRoleAsync(user, Roles.Admin))
            return new ValidationErrors().Add("", "There is no admin with that id.");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var snapshot = AdminResource.Of(user, await urls.ApiUrlAsync(AdminDirectory.Collection, user.Id, ct));
        Check(await users.DeleteAsync(user)); // their sessions end with the account: the next request finds no user
        var now = clock.GetUtcNow();
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.AdminRemoved, user.Email!, now));
        foreach (var removal in removals) await removal.AccountRemovedAsync(db, user.Id, user.Email!, actor, now, ct);
        await outbox.RaiseAsync(db, new DeletedAdmin(new EventSubject(user.Id, snapshot.Name, snapshot.ToJson())), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user;
    }

    /// <summary>
    /// Grants or takes away ManageIntegrations. A new security stamp ends the admin's sessions at once, so no open
    /// page keeps a right it lost; their API tokens are checked on each request anyway.
    /// </summary>
    public async Task<Result<AppUser>> SetManageIntegrationsAsync(string userId, bool granted, string actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (await users.FindByIdAsync(userId) is not { } user || !await users.IsInRoleAsync(user, Roles.Admin))
            return new ValidationErrors().Add("", "There is no admin with that id.");
        var claim = new Claim(Permissions.ClaimType, Permissions.ManageIntegrations);
        var has = (await users.GetClaimsAsync(user)).Any(c => c.Type == claim.Type && c.Value == claim.Value);
        if (has == granted) return user;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        Check(granted ? await users.AddClaimAsync(user, claim) : await users.RemoveClaimAsync(user, claim));
        Check(await users.UpdateSecurityStampAsync(user));
        db.ActivityLog.Add(ActivityEntry.Record(actor, granted ? ActivityKinds.IntegrationsGranted : ActivityKinds.IntegrationsRevoked, user.Email!,
            clock.GetUtcNow(), "their sessions were ended"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user;
    }

    /// <summary>Logging out ends every session of the user, not just this browser's cookie (a copied cookie opens nothing).</summary>
    public async Task EndSessionsAsync(string userId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByIdAsync(userId) is { } user) Check(await users.UpdateSecurityStampAsync(user));
    }

    internal async Task<AppUser> CreateInRoleAsync(UserManager<AppUser> users, NewAccount account, string role)
    {
        var email = account.Email.Trim();
        var user = new AppUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(account.DisplayName) ? email : account.DisplayName.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
        Check(await users.CreateAsync(user, account.Password ?? Passwords.Generate()));
        Check(await users.AddToRoleAsync(user, role));
        return user;
    }

    internal static async Task<ValidationErrors> ValidateAsync(UserManager<AppUser> users, NewAccount account)
    {
        var errors = new ValidationErrors();
        if (InputRules.EmailProblem(account.Email) is { } emailProblem) errors.Add("Email", emailProblem);
        else if (await users.FindByEmailAsync(account.Email.Trim()) is not null) errors.Add("Email", "An account with this e-mail address already exists.");

        if (account.Password is null) { }   // invited: a random password, set by its owner later
        else if (account.Password.Length == 0) errors.Add("Password", "Enter a password.");
        else
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, null!, account.Password);
                foreach (var e in result.Errors) errors.Add("Password", e.Description);
            }
        if (account.DisplayName is { Length: > 200 }) errors.Add("DisplayName", "A name has at most 200 characters.");
        else if (InputRules.HiddenCharacterProblem(account.DisplayName, "the name") is { } hidden) errors.Add("DisplayName", hidden);
        return errors;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
