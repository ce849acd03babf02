namespace EasySpace.Core.Events;

/// <summary>One kind of event a webhook can subscribe to.</summary>
/// <param name="Resource">The API collection its payload URL points into, e.g. "bookings".</param>
/// <param name="Filters">The filters a subscription may set: resource_id, fields, lead_time.</param>
/// <param name="LastState">Where a thin payload carries the object's last state: a deleted object can't be read any more.</param>
/// <param name="Title">What a manager reads in lists and pickers: "Membership confirmed".</param>
/// <param name="Sentence">The event as a sentence about its subject ({0}): "{0} became a member".</param>
public sealed record EventType(string Name, string Category, string Title, string Sentence, string Description, string Resource,
    IReadOnlyList<string> Filters, LastState LastState = LastState.None)
{
    /// <summary>"Ada Keller became a member"; what it is about is the label the event was raised with.</summary>
    public string Describe(string about) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Sentence, about);

    /// <summary>The name the last state is nested under: "booking" for "bookings", "guest_account" for "guest_accounts".</summary>
    public string SnapshotName => Resource[..^1];
}

/// <summary>
/// Where a thin (Cobot) payload puts the last state of a deleted object, as Cobot's documentation shows each event:
/// deleted_membership and deleted_booking nest it under the object's name beside <c>url</c>; deleted_invoice is the
/// invoice itself, its fields beside <c>url</c>; the other events send the url alone.
/// </summary>
public enum LastState { None, UnderItsName, AtTopLevel }

/// <summary>Filter names a subscription may carry.</summary>
public static class EventFilters
{
    public const string ResourceId = "resource_id";
    public const string Fields = "fields";
    public const string LeadTime = "lead_time";

    /// <summary>What a filter narrows, in a manager's words (the published catalogue's page).</summary>
    public static string Words(string filter) => filter switch
    {
        ResourceId => "one room or desk",
        Fields => "changes to chosen custom fields",
        LeadTime => "a lead time of 0 to 60 minutes before the start",
        _ => filter,
    };
}

/// <summary>
/// Every event EasySpace raises (the Cobot catalogue). The settings UI, the API's validation and the docs read this list.
/// </summary>
public static class EventCatalogue
{
    public const string TestWebhook = "test_webhook";

    public const string Members = "Members & profiles";
    public const string Plans = "Membership plans";
    public const string Bookings = "Bookings";
    public const string CheckIns = "Check-ins";
    public const string Payments = "Payments & invoices";
    public const string SpaceAndAdmins = "Space & admins";
    public const string Testing = "Testing";
    /// <summary>EasySpace's own news about its webhooks (not Cobot's): never sent to the webhook they are about.</summary>
    public const string Operations = "Operations";

    private static readonly string[] None = [];
    private static readonly string[] ByResource = [EventFilters.ResourceId];

    public static IReadOnlyList<EventType> All { get; } =
    [
        new("connected_user", Members, "Member's login connected", "{0} can now log in", "A user connects to a membership, by accepting an invite or being created by an admin.", "memberships", None),
        new("updated_connected_user", Members, "Member's login changed", "{0} changed their e-mail or password", "A user connected to a membership changes their e-mail address or password.", "memberships", None),
        new("created_membership", Members, "New membership", "{0} signed up", "A membership is created.", "memberships", None),
        new("confirmed_membership", Members, "Membership confirmed", "{0} became a member", "A membership is confirmed: at once when an admin creates it, or when its future confirmation date is reached.", "memberships", None),
        new("updated_membership_details", Members, "Member details changed", "{0}'s details changed", "A member's contact details change.", "memberships", None),
        new("updated_membership_picture", Members, "Member picture changed", "{0}'s picture changed", "A member's picture changes.", "memberships", None),
        new("updated_custom_field", Members, "Custom field changed", "A custom field of {0} changed", "A custom field of a membership changes.", "memberships", [EventFilters.Fields]),
        new("updated_payment_method", Members, "Payment method changed", "{0} changed their payment method", "A member changes their payment method.", "memberships", None),
        new("deleted_membership", Members, "Membership deleted", "{0}'s membership was deleted", "An admin deletes a membership; the payload carries its last state.", "memberships", None, LastState.UnderItsName),

        new("changed_membership_plan", Plans, "Plan change entered", "{0} is changing plan", "A plan change is entered (not when it takes effect).", "memberships", None),
        new("membership_plan_change_date_reached", Plans, "New plan started", "{0}'s new plan started", "The day a member's new plan becomes active.", "memberships", None),
        new("canceled_membership", Plans, "Membership canceled", "{0}'s membership was canceled", "A membership is canceled or its cancellation date changes.", "memberships", None),
        new("uncanceled_membership", Plans, "Cancellation withdrawn", "{0} is staying: the cancellation was withdrawn", "A future cancellation date is removed from a membership.", "memberships", None),
        new("reactivated_membership", Plans, "Membership reactivated", "{0}'s membership was reactivated", "A canceled membership is reactivated.", "memberships", None),
        new("membership_cancellation_date_reached", Plans, "Membership ended", "{0}'s membership ended", "The day a canceled membership ends.", "memberships", None),
        new("membership_added_time_passes", Plans, "Time passes added", "{0} got time passes", "Time passes are added to a membership.", "memberships", None),
        new("membership_removed_time_passes", Plans, "Time passes removed", "Time passes were taken from {0}", "An admin removes time passes from a membership.", "memberships", None),

        new("created_booking", Bookings, "New booking", "{0} was booked", "A booking is made.", "bookings", ByResource),
        new("updated_booking", Bookings, "Booking changed", "{0} changed", "A booking changes.", "bookings", ByResource),
        new("deleted_booking", Bookings, "Booking canceled", "{0} was canceled", "A booking is canceled; the payload carries its last state.", "bookings", ByResource, LastState.UnderItsName),
        new("booking_will_begin", Bookings, "Booking about to begin", "{0} is about to begin", "A booking is about to begin: when it starts, or up to 60 minutes before (filter lead_time).", "bookings", [EventFilters.ResourceId, EventFilters.LeadTime]),
        new("booking_has_ended", Bookings, "Booking ended", "{0} has ended", "A booking has ended (at most 10 minutes after its end).", "bookings", ByResource),

        new("created_checkin", CheckIns, "Checked in", "{0} checked in", "A member checks in.", "check_ins", None),
        new("created_checkout", CheckIns, "Checked out", "{0} checked out", "A member actively checks out (not when a check-in simply expires).", "check_ins", None),
        new("created_checkin_token", CheckIns, "Check-in token added", "{0} got a check-in token", "A member adds a check-in token.", "check_in_tokens", None),
        new("deleted_checkin_token", CheckIns, "Check-in token removed", "{0}'s check-in token was removed", "A member deletes a check-in token.", "check_in_tokens", None),

        new("created_invoice", Payments, "New invoice", "{0} was created", "An invoice is created for a member.", "invoices", None),
        new("updated_invoice", Payments, "Invoice changed", "{0} changed", "An invoice is changed by an admin or marked paid or unpaid.", "invoices", None),
        new("sent_invoice", Payments, "Invoice sent", "{0} was sent", "An invoice is sent to the member.", "invoices", None),
        new("wrote_off_invoice", Payments, "Invoice written off", "{0} was written off", "An invoice is written off.", "invoices", None),
        new("requested_e_invoice", Payments, "E-invoice needed", "{0} needs an e-invoice before it can be sent", "An e-invoice must be attached before an invoice can be sent.", "invoices", None),
        new("deleted_invoice", Payments, "Invoice deleted", "{0} was deleted", "An invoice is deleted; the payload carries its last state.", "invoices", None, LastState.AtTopLevel),
        new("created_payment", Payments, "Payment received", "{0} was received", "A payment succeeds (Stripe, PayPal or recorded by hand).", "payments", None),
        new("failed_payment", Payments, "Payment failed", "{0} failed", "A payment fails.", "payments", None),
        new("refunded_payment", Payments, "Payment refunded", "{0} was refunded", "A payment is refunded.", "payments", None),
        new("updated_payment_subscription", Payments, "Recurring payment changed", "{0}'s recurring payment changed", "A member's recurring payment subscription changes.", "payments", None),

        new("created_admin", SpaceAndAdmins, "Admin added", "{0} became an admin", "An admin is added to the space.", "admins", None),
        new("deleted_admin", SpaceAndAdmins, "Admin removed", "{0} is no longer an admin", "An admin is removed from the space.", "admins", None, LastState.UnderItsName),
        new("created_guest_account", SpaceAndAdmins, "Guest wifi account added", "{0} got a guest wifi account", "A wifi guest account is added.", "guest_accounts", None),
        new("deleted_guest_account", SpaceAndAdmins, "Guest wifi account removed", "{0}'s guest wifi account was removed", "A wifi guest account is removed.", "guest_accounts", None, LastState.UnderItsName),
        new("created_drop_in_pass", SpaceAndAdmins, "Day pass bought", "{0} bought a day pass", "Someone buys a drop-in pass.", "drop_in_passes", None),
        new("published_event", SpaceAndAdmins, "Community event published", "{0} was published", "An admin publishes a community event.", "events", None),
        new("created_event_attendance", SpaceAndAdmins, "Event sign-up", "{0} signed up for an event", "Someone registers to attend a community event.", "event_attendances", None),

        new("deactivated_webhook", Operations, "Webhook switched off", "Webhook {0} was switched off by EasySpace",
            "EasySpace switched a webhook off: its receiver answered 410 Gone or every retry failed. The body names the webhook and why; the webhook itself never gets it.", "subscriptions", None),
        new("failing_webhook", Operations, "Webhook failing", "Webhook {0} is failing",
            "Most deliveries to a webhook fail (by default under 50 % went through in the last hour, with at least 5 tries), or, for a webhook marked critical, one failed. Sent once per incident; the webhook itself never gets it.", "subscriptions", None),
        new("recovered_webhook", Operations, "Webhook working again", "Webhook {0} is working again",
            "A webhook that was switched off or failing delivers again. Sent once, when its incident ends; the webhook itself never gets it.", "subscriptions", None),

        new(TestWebhook, Testing, "Test event", "A test event for {0}", "Sent only by the \"Test\" button, to check that a webhook works.", "test", None),
    ];

    private static readonly Dictionary<string, EventType> ByName = All.ToDictionary(e => e.Name, StringComparer.Ordinal);

    public static EventType? Find(string? name) => name is not null && ByName.TryGetValue(name, out var type) ? type : null;

    /// <summary>The events a manager or an API client may subscribe to (test_webhook is only ever sent by "Test").</summary>
    private static readonly HashSet<string> AboutWebhooks = All.Where(e => e.Category == Operations).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>An operational event about a webhook (its id is the event's resource id): the fan-out never sends it to that webhook.</summary>
    public static bool IsAboutAWebhook(string name) => AboutWebhooks.Contains(name);

    public static IEnumerable<EventType> Subscribable => All.Where(e => e.Name != TestWebhook);

    public static IEnumerable<IGrouping<string, EventType>> ByCategory => Subscribable.GroupBy(e => e.Category);
}
