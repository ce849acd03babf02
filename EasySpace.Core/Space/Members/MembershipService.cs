using System.Globalization;
using System.Security.Cryptography;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Identity;
using EasySpace.Core.Scheduling;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space.Members;

/// <summary>A new member as the "Add member" form fills it in.</summary>
public sealed class NewMember
{
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public long? PlanId { get; set; }
    public string? Company { get; set; }
    public string? Address { get; set; }
    public string? Phone { get; set; }
    /// <summary>yyyy-MM-dd; empty confirms the membership today.</summary>
    public string? ConfirmationDate { get; set; }

    internal MemberDetails Details => new() { Name = Name, Company = Company, Address = Address, Phone = Phone };
}

/// <summary>The new membership and the generated password, shown once to the admin (no e-mail is sent).</summary>
/// <param name="Password">The new login's random password. The pages never show it: the member chooses their own from the
/// invitation (AccountMail); tests and demo data log in with it.</param>
public sealed record CreatedMember(Membership Membership, string Password);

/// <summary>
/// What admins do to memberships. Each call validates first (field errors, nothing raised), then changes the data,
/// writes the activity log and raises its events through the outbox in ONE transaction.
/// </summary>
public sealed partial class MembershipService(
    IDbContextFactory<AppDbContext> dbFactory,
    IServiceScopeFactory scopes,
    UserAdministration accounts,
    EventOutbox outbox,
    PublicUrls urls,
    TimeProvider clock)
{
    public async Task<Result<CreatedMember>> CreateAsync(NewMember draft, string actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var today = (await SpaceClock.LoadAsync(db, ct)).Today(now);

        var errors = draft.Details.Validate();
        await ValidateNewEmailAsync(users, draft.Email, errors, "Email", ct);
        await ValidatePlanAsync(db, draft.PlanId, errors, nameof(draft.PlanId), ct);
        DateOnly? date = null;
        if (MemberInputRules.ParseDate(draft.ConfirmationDate, out date) is { } dateProblem) errors.Add(nameof(draft.ConfirmationDate), dateProblem);
        else if (date is { } d && MemberInputRules.DateInRange(d, today, "the confirmation date") is { } rangeProblem)
            errors.Add(nameof(draft.ConfirmationDate), rangeProblem);
        if (!errors.IsEmpty) return errors;

        var password = Passwords.Generate();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await accounts.CreateInRoleAsync(users, new NewAccount(draft.Email, password, draft.Name), Roles.Member);
        var confirmation = date ?? today;
        var confirmedNow = confirmation <= today;
        var membership = Membership.Create(user.Id, draft.Details, user.Email!, draft.PlanId!.Value, confirmation, confirmedNow, now);
        db.Memberships.Add(membership);
        await db.SaveChangesAsync(ct); // the id goes into the events' URLs

        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.MembershipCreated, Subject(membership), now,
            confirmedNow ? "confirmed" : $"to be confirmed on {MembershipResource.Day(confirmation)}"));
        var subject = await MembershipResources.SubjectAsync(db, membership, urls, ct);
        await outbox.RaiseAsync(db, new CreatedMembership(subject), ct);
        // Created by an admin: the user is connected to the membership from the start.
        await outbox.RaiseAsync(db, new ConnectedUser(subject), ct);
        if (confirmedNow) await outbox.RaiseAsync(db, new ConfirmedMembership(subject), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new CreatedMember(membership, password);
    }

    /// <summary>Deletes the membership and its user account; the deleted_membership payload carries its last state.</summary>
    public async Task<Result<Membership>> DeleteAsync(long id, string actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (await db.Memberships.FindAsync([id], ct) is not { } membership) return Gone();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var snapshot = await MembershipResources.SubjectAsync(db, membership, urls, ct);
        await db.MembershipPictures.Where(p => p.MembershipId == id).ExecuteDeleteAsync(ct);
        db.Memberships.Remove(membership);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.MembershipDeleted, Subject(membership), clock.GetUtcNow()));
        await outbox.RaiseAsync(db, new DeletedMembership(snapshot), ct);
        await db.SaveChangesAsync(ct);
        if (await users.FindByIdAsync(membership.UserId) is { } user) Check(await users.DeleteAsync(user));
        await tx.CommitAsync(ct);
        return membership;
    }

    // ---- shared machinery ----------------------------------------------------------------------------------------

    /// <summary>One change to one membership, inside <see cref="ChangeAsync"/>.</summary>
    private sealed class Change(AppDbContext db, Membership membership, DateOnly today, DateTimeOffset now)
    {
        public AppDbContext Db { get; } = db;
        public Membership Membership { get; } = membership;
        public DateOnly Today { get; } = today;
        public DateTimeOffset Now { get; } = now;
        public ValidationErrors Errors { get; } = new();
        public List<MembershipEvent> Events { get; } = [];
        public List<(ActivityKind Action, string? Details)> Log { get; } = [];
        /// <summary>Date-driven keys to mark as fired because the change reached its date at once.</summary>
        public List<string> Fired { get; } = [];

        public void Raise(MembershipEvent e) => Events.Add(e);
        public void Record(ActivityKind action, string? details = null) => Log.Add((action, details));
    }

    /// <summary>
    /// Loads the membership, lets <paramref name="change"/> validate and apply, then (only when it added no errors)
    /// writes the log entries and raises the events with the membership's state after the change, in one SaveChanges.
    /// </summary>
    private async Task<Result<Membership>> ChangeAsync(long id, string actor, Func<Change, Task> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ChangeAsync(db, id, actor, change, ct);
    }

    private async Task<Result<Membership>> ChangeAsync(AppDbContext db, long id, string actor, Func<Change, Task> change, CancellationToken ct)
    {
        if (await db.Memberships.FindAsync([id], ct) is not { } membership) return Gone();
        var now = clock.GetUtcNow();
        var step = new Change(db, membership, (await SpaceClock.LoadAsync(db, ct)).Today(now), now);
        await change(step);
        if (!step.Errors.IsEmpty) return step.Errors; // nothing saved, nothing raised
        foreach (var (action, details) in step.Log) db.ActivityLog.Add(ActivityEntry.Record(actor, action, Subject(membership), now, details));
        foreach (var key in step.Fired) await db.TryClaimAsync(key, now, ct);
        if (step.Events.Count > 0)
        {
            var subject = await MembershipResources.SubjectAsync(db, membership, urls, ct);
            foreach (var raise in step.Events) await outbox.RaiseAsync(db, raise(subject), ct);
        }
        await db.SaveChangesAsync(ct);
        return membership;
    }

    private static async Task ValidatePlanAsync(AppDbContext db, long? planId, ValidationErrors errors, string field, CancellationToken ct)
    {
        if (planId is not { } id) { errors.Add(field, "Choose a plan."); return; }
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null) errors.Add(field, "That plan does not exist (any more); choose another.");
        else if (!plan.IsActive) errors.Add(field, $"\"{plan.Name}\" is inactive; choose an active plan.");
    }

    private static async Task ValidateNewEmailAsync(UserManager<AppUser> users, string? email, ValidationErrors errors, string field, CancellationToken ct)
    {
        if (InputRules.EmailProblem(email) is { } problem) errors.Add(field, problem);
        else if (await users.FindByEmailAsync(email!.Trim()) is not null) errors.Add(field, "An account with this e-mail address already exists.");
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>The member's name: the activity log's sentences say "Ada Keller's membership was canceled".</summary>
    internal static string Subject(Membership m) => m.Name;

    private static ValidationErrors Gone() => new ValidationErrors().Add("", "This membership no longer exists.");

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }

}
