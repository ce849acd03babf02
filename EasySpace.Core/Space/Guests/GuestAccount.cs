using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EasySpace.Core.Space.Invoices;

namespace EasySpace.Core.Space.Guests;

/// <summary>
/// A wifi login for a visitor, valid until the end of a day. The password is shown once, when the account is made;
/// only its hash is kept, and it never appears in the API or an event.
/// </summary>
public sealed class GuestAccount
{
    // No 0/O, 1/l/I: the visitor copies these from a screen or a slip of paper.
    internal const string UsernameAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    internal const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
    public const int PasswordLength = 12;

    private GuestAccount() { }

    public long Id { get; private set; }
    public string Name { get; private set; } = "";
    public string? Email { get; private set; }
    /// <summary>e.g. "guest-k7m2qp": unique.</summary>
    public string Username { get; private set; } = "";
    public string PasswordHash { get; private set; } = "";
    /// <summary>The last day (in the space's calendar) the account works.</summary>
    public DateOnly ValidUntil { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsExpired(DateOnly today) => today > ValidUntil;

    internal static GuestAccount Create(GuestAccountDraft draft, string username, string passwordHash, string by, DateTimeOffset at) => new()
    {
        Name = draft.Name.Trim(),
        Email = BillingInput.Clean(draft.Email),
        Username = username,
        PasswordHash = passwordHash,
        ValidUntil = draft.ValidUntil!.Value,
        CreatedBy = by,
        CreatedAt = at,
    };

    internal static string NewUsername() => "guest-" + RandomNumberGenerator.GetString(UsernameAlphabet, 6);

    internal static string NewPassword() => RandomNumberGenerator.GetString(PasswordAlphabet, PasswordLength);
}

/// <summary>The "Add guest account" form.</summary>
public sealed class GuestAccountDraft
{
    public string Name { get; set; } = "";
    public string? Email { get; set; }
    public DateOnly? ValidUntil { get; set; }

    public ValidationErrors Validate(DateOnly today)
    {
        var errors = new ValidationErrors();
        BillingInput.AddIf(errors, nameof(Name), InputRules.RequiredText(Name, "the guest's name", 200));
        BillingInput.AddIf(errors, nameof(Email), BillingInput.OptionalEmail(Email));
        if (ValidUntil is not { } until) errors.Add(nameof(ValidUntil), "Choose the last day the account works.");
        else if (until < today) errors.Add(nameof(ValidUntil), "Choose today or a later day.");
        else if (until > today.AddYears(1)) errors.Add(nameof(ValidUntil), "A guest account lasts at most a year.");
        return errors;
    }
}

/// <summary>A new account and its password, which is shown this once.</summary>
public sealed record CreatedGuestAccount(GuestAccount Account, string Password);

/// <summary>A guest account as <c>GET /api/guest_accounts/{id}</c> returns it: never with a password.</summary>
public sealed record GuestAccountResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("valid_until")] string ValidUntil,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("url")] string Url)
{
    public const string Collection = "guest_accounts";

    public static GuestAccountResource Of(GuestAccount g, string url) => new(g.Id.ToString(CultureInfo.InvariantCulture), g.Name, g.Email, g.Username,
        BillingFormat.Day(g.ValidUntil), BillingFormat.Timestamp(g.CreatedAt), url);

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();
}
