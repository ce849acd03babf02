using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space.Members;

// Contact details, e-mail, picture, custom fields, payment method: the member's profile.
public sealed partial class MembershipService
{
    /// <summary>Contact details → updated_membership_details (nothing is raised when nothing changed).</summary>
    public Task<Result<Membership>> UpdateDetailsAsync(long id, MemberDetails details, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, step =>
        {
            details.Validate(step.Errors);
            if (step.Errors.IsEmpty && step.Membership.ChangeDetails(details, step.Now) is { } changed)
            {
                step.Record(ActivityKinds.MembershipDetailsUpdated);
                step.Raise(changed);
            }
            return Task.CompletedTask;
        }, ct);

    /// <summary>
    /// Changes the connected user's e-mail address (their login) and the membership's copy → updated_connected_user.
    /// A member changing their own address must give their current password; an admin does not.
    /// </summary>
    public async Task<Result<Membership>> ChangeEmailAsync(long id, string? email, string actor, string? currentPassword = null,
        bool requirePassword = false, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (await db.Memberships.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct) is not { } current) return Gone();
        if (await users.FindByIdAsync(current.UserId) is not { } user) return Gone();

        var errors = new ValidationErrors();
        if (InputRules.EmailProblem(email) is { } problem) errors.Add("Email", problem);
        else if (email!.Trim() == user.Email)
            errors.Add("Email", "That is already the e-mail address.");
        else if (await users.FindByEmailAsync(email.Trim()) is { } other && other.Id != user.Id)
            errors.Add("Email", "An account with this e-mail address already exists.");
        if (requirePassword && (string.IsNullOrEmpty(currentPassword) || !await users.CheckPasswordAsync(user, currentPassword)))
            errors.Add("CurrentPassword", "Enter your current password to change your e-mail address.");
        if (!errors.IsEmpty) return errors;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var address = email!.Trim();
        Check(await users.SetEmailAsync(user, address));
        Check(await users.SetUserNameAsync(user, address));
        user.EmailConfirmed = true; // nobody else can confirm it: EasySpace sends no e-mail
        Check(await users.UpdateAsync(user));
        var result = await ChangeAsync(db, id, actor, step =>
        {
            step.Raise(step.Membership.ChangeEmail(address, step.Now));
            step.Record(ActivityKinds.MembershipEmailChanged, $"from {current.Email} to {address}");
            return Task.CompletedTask;
        }, ct);
        if (result.Succeeded) await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>Replaces the picture (PNG or JPEG, at most 1 MB, checked by its bytes) → updated_membership_picture.</summary>
    public Task<Result<Membership>> ChangePictureAsync(long id, byte[]? bytes, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, async step =>
        {
            var (contentType, problem) = MembershipPicture.Inspect(bytes);
            if (problem is not null) { step.Errors.Add("Picture", problem); return; }
            var existing = await step.Db.MembershipPictures.FindAsync([id], ct);
            if (existing is null) step.Db.MembershipPictures.Add(MembershipPicture.Of(id, bytes!, contentType!, step.Now));
            else existing.Replace(bytes!, contentType!, step.Now);
            step.Raise(step.Membership.PictureChanged(step.Now));
            step.Record(ActivityKinds.MembershipPictureChanged, $"{contentType}, {bytes!.Length:N0} bytes");
        }, ct);

    /// <summary>Removes the picture → updated_membership_picture.</summary>
    public Task<Result<Membership>> RemovePictureAsync(long id, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, async step =>
        {
            if (!step.Membership.HasPicture) { step.Errors.Add("Picture", "This member has no picture."); return; }
            if (await step.Db.MembershipPictures.FindAsync([id], ct) is { } picture) step.Db.MembershipPictures.Remove(picture);
            step.Raise(step.Membership.PictureDeleted(step.Now));
            step.Record(ActivityKinds.MembershipPictureRemoved);
        }, ct);

    /// <summary>
    /// Sets custom field values by field name (blank clears one) → updated_custom_field with the names that changed,
    /// which the webhook filter <c>fields</c> matches. Unchanged values raise nothing.
    /// </summary>
    public Task<Result<Membership>> UpdateCustomFieldsAsync(long id, IReadOnlyDictionary<string, string?> values, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, async step =>
        {
            var defined = (await MembershipResources.FieldNamesAsync(step.Db, ct)).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, value) in values)
            {
                if (!defined.Contains(name)) step.Errors.Add(CustomFieldKey(name), $"\"{Shorten(name)}\" is not one of the space's custom fields.");
                else if (value is { } v && v.Trim().Length > MemberInputRules.CustomFieldValueMax)
                    step.Errors.Add(CustomFieldKey(name), $"A value has at most {MemberInputRules.CustomFieldValueMax} characters.");
                else if (value is { } w && w.Any(char.IsControl))
                    step.Errors.Add(CustomFieldKey(name), "A value is one line without control characters.");
            }
            if (!step.Errors.IsEmpty) return;
            var changed = step.Membership.SetCustomFields(values, step.Now);
            if (changed.Count == 0) return;
            step.Record(ActivityKinds.MembershipCustomFieldsUpdated, string.Join(", ", changed));
            step.Raise(s => new UpdatedCustomField(s, changed));
        }, ct);

    /// <summary>The error key of one custom field's value in the form.</summary>
    public static string CustomFieldKey(string name) => $"CustomFields[{name}]";

    /// <summary>Invoice, card, PayPal or SEPA → updated_payment_method.</summary>
    public Task<Result<Membership>> ChangePaymentMethodAsync(long id, PaymentMethod method, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, step =>
        {
            if (!Enum.IsDefined(method)) step.Errors.Add("PaymentMethod", "Choose invoice, card, PayPal or SEPA.");
            else if (step.Membership.PaymentMethod == method) step.Errors.Add("PaymentMethod", $"The payment method is already {method.Label()}.");
            else
            {
                var before = step.Membership.PaymentMethod;
                step.Raise(step.Membership.ChangePaymentMethod(method, step.Now));
                step.Record(ActivityKinds.MembershipPaymentMethodChanged, $"from {before.Label()} to {method.Label()}");
            }
            return Task.CompletedTask;
        }, ct);

    private static string Shorten(string s) => s.Length > 50 ? s[..50] + "…" : s;
}
