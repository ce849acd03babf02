namespace EasySpace.Core.Identity;

/// <summary>One permission an API token can carry.</summary>
public sealed record ApiScope(string Name, string Description);

/// <summary>
/// The scope catalogue of the REST API (Cobot's names). The token form, the <c>create-token</c> verb, the API's
/// checks and the OpenAPI document all read it. Every resource has its own <c>read_*</c> scope, so a token given each
/// <c>read_*</c> scope reads everything <c>read</c> does; docs/api.md lists which routes each one opens.
/// </summary>
public static class ApiScopes
{
    public const string ReadSubscriptions = "read_subscriptions";
    public const string WriteSubscriptions = "write_subscriptions";
    public const string ReadMemberships = "read_memberships";
    public const string ReadBookings = "read_bookings";
    public const string ReadInvoices = "read_invoices";
    public const string ReadCheckIns = "read_check_ins";
    public const string ReadAdmins = "read_admins";
    public const string ReadPayments = "read_payments";
    public const string ReadDropInPasses = "read_drop_in_passes";
    public const string ReadGuestAccounts = "read_guest_accounts";
    public const string ReadEvents = "read_events";
    public const string ReadEventAttendances = "read_event_attendances";
    /// <summary>Every <c>read_*</c> scope at once.</summary>
    public const string Read = "read";

    /// <summary>The claim type of one scope in an API caller's principal.</summary>
    public const string ClaimType = "scope";

    public static IReadOnlyList<ApiScope> All { get; } =
    [
        new(ReadSubscriptions, "List and read this user's webhook subscriptions."),
        new(WriteSubscriptions, "Create and delete this user's webhook subscriptions."),
        new(ReadMemberships, "Read memberships (the URLs in membership events)."),
        new(ReadBookings, "Read bookings (the URLs in booking events)."),
        new(ReadInvoices, "Read invoices (the URLs in invoice events)."),
        new(ReadCheckIns, "Read check-ins and check-in tokens."),
        new(ReadAdmins, "Read the space's admins (the URLs in admin events)."),
        new(ReadPayments, "Read payments (the URLs in payment events)."),
        new(ReadDropInPasses, "Read drop-in passes (the URLs in created_drop_in_pass)."),
        new(ReadGuestAccounts, "Read wifi guest accounts (the URLs in guest account events)."),
        new(ReadEvents, "Read community events (the URLs in published_event)."),
        new(ReadEventAttendances, "Read registrations for community events (the URLs in created_event_attendance)."),
        new(Read, "Every read_* scope at once."),
    ];

    private static readonly Dictionary<string, int> Order =
        All.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    /// <summary>Scope names are exact, lower-case as in Cobot's documentation.</summary>
    public static bool Exists(string name) => Order.ContainsKey(name);

    /// <summary>
    /// Whether holding <paramref name="held"/> permits a call that needs <paramref name="wanted"/>.
    /// <c>read</c> grants every <c>read_*</c> scope. Nothing else implies anything: <c>write_subscriptions</c>
    /// does not grant <c>read_subscriptions</c>, because Cobot documents each subscriptions call with its own scope.
    /// </summary>
    public static bool Grants(IEnumerable<string> held, string wanted)
    {
        foreach (var scope in held)
        {
            if (string.Equals(scope, wanted, StringComparison.Ordinal)) return true;
            if (scope == Read && wanted.StartsWith("read_", StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>Trimmed, without repeats, in catalogue order; unknown names are kept (at the end) for the caller to refuse.</summary>
    public static IReadOnlyList<string> Normalise(IEnumerable<string> scopes) => scopes
        .Select(s => s.Trim())
        .Where(s => s.Length > 0)
        .Distinct(StringComparer.Ordinal)
        .OrderBy(s => Order.GetValueOrDefault(s, int.MaxValue))
        .ToList();
}
