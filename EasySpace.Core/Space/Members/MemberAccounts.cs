using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space.Members;

/// <summary>
/// The connected user's side: a member edits their own membership (found by their user id, never by an id they
/// typed), and passwords change here so updated_connected_user commits with the new password.
/// </summary>
public sealed class MemberAccounts(
    IDbContextFactory<AppDbContext> dbFactory,
    IServiceScopeFactory scopes,
    MembershipService memberships,
    EventOutbox outbox,
    PublicUrls urls,
    TimeProvider clock)
{
    public async Task<Result<Membership>> UpdateOwnDetailsAsync(string userId, MemberDetails details, CancellationToken ct = default) =>
        await OwnAsync(userId, ct) is { } m ? await memberships.UpdateDetailsAsync(m.Id, details, m.Email, ct) : NoMembership();

    public async Task<Result<Membership>> ChangeOwnEmailAsync(string userId, string? email, string? currentPassword, CancellationToken ct = default) =>
        await OwnAsync(userId, ct) is { } m
            ? await memberships.ChangeEmailAsync(m.Id, email, m.Email, currentPassword, requirePassword: true, ct)
            : NoMembership();

    public async Task<Result<Membership>> ChangeOwnPaymentMethodAsync(string userId, PaymentMethod method, CancellationToken ct = default) =>
        await OwnAsync(userId, ct) is { } m ? await memberships.ChangePaymentMethodAsync(m.Id, method, m.Email, ct) : NoMembership();

    /// <summary>
    /// Changes anyone's password; when the user is connected to a membership, updated_connected_user is raised in the
    /// same transaction. Returns the user as saved (fresh security stamp) for refreshing the sign-in cookie.
    /// </summary>
    public async Task<Result<AppUser>> ChangePasswordAsync(string userId, string currentPassword, string newPassword, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (await users.FindByIdAsync(userId) is not { } user) return new ValidationErrors().Add("", "This account no longer exists.");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded)
        {
            var errors = new ValidationErrors();
            foreach (var e in result.Errors) errors.Add(e.Code == "PasswordMismatch" ? "OldPassword" : "NewPassword", e.Description);
            return errors; // rolled back with the transaction; nothing raised
        }
        await RaiseConnectedUserUpdatedAsync(db, userId, user.Email ?? userId, ActivityKinds.MembershipPasswordChanged, ct);
        await tx.CommitAsync(ct);
        return user;
    }

    /// <summary>An admin gives a member a new random password (shown once; no e-mail is sent) → updated_connected_user.</summary>
    public async Task<Result<string>> ResetPasswordAsync(long membershipId, string actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (await db.Memberships.AsNoTracking().FirstOrDefaultAsync(m => m.Id == membershipId, ct) is not { } membership
            || await users.FindByIdAsync(membership.UserId) is not { } user)
            return new ValidationErrors().Add("", "This membership no longer exists.");

        var password = Passwords.Generate();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, password);
        if (!result.Succeeded) throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        await RaiseConnectedUserUpdatedAsync(db, user.Id, actor, ActivityKinds.MembershipPasswordReset, ct);
        await tx.CommitAsync(ct);
        return password;
    }

    private async Task RaiseConnectedUserUpdatedAsync(AppDbContext db, string userId, string actor, ActivityKind action, CancellationToken ct)
    {
        if (await db.Memberships.FirstOrDefaultAsync(m => m.UserId == userId, ct) is not { } membership) return; // staff: no membership, no event
        var now = clock.GetUtcNow();
        db.ActivityLog.Add(ActivityEntry.Record(actor, action, MembershipService.Subject(membership), now));
        await outbox.RaiseAsync(db, new UpdatedConnectedUser(await MembershipResources.SubjectAsync(db, membership, urls, ct)), ct);
        await db.SaveChangesAsync(ct);
    }

    private async Task<Membership?> OwnAsync(string userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Memberships.AsNoTracking().FirstOrDefaultAsync(m => m.UserId == userId, ct);
    }

    private static ValidationErrors NoMembership() => new ValidationErrors().Add("", "Your account has no membership.");
}
