using System.Globalization;
using System.Reflection;

namespace EasySpace.Core.Activity;

/// <summary>One kind of line in the activity log.</summary>
/// <param name="Code">What is stored (<c>booking.changed</c>): developers and old rows read it, managers never do.</param>
/// <param name="Title">What the log's filter shows: "Booking changed".</param>
/// <param name="Sentence">The line about its subject ({0}): "{0} was changed", then "by" whoever did it.</param>
/// <param name="SaysWho">False where the actor is the subject's own source (a Stripe notice handled by "Stripe").</param>
public sealed record ActivityKind(string Code, string Title, string Sentence, bool SaysWho = true)
{
    /// <summary>"Ada Keller's booking of Room 1 on Tue 3 Dec 2026, 10:00–11:00 was changed by owner@example.com".</summary>
    public string Describe(string subject, string actor)
    {
        var line = string.Format(CultureInfo.InvariantCulture, Sentence, subject);
        line = char.ToUpperInvariant(line[0]) + line[1..];
        if (!SaysWho) return line;
        return actor switch
        {
            ActivityKinds.System => line,
            ActivityKinds.CommandLine => line + " from the command line",
            _ => line + " by " + actor,
        };
    }
}

/// <summary>
/// Every kind of activity the product records, in the manager's words. <see cref="ActivityEntry.Record"/> takes a kind,
/// not a string, so a line of an unknown kind cannot be written. Codes are dotted (<c>booking.created</c>); the webhook
/// event names (<c>created_booking</c>) are another catalogue, <see cref="Events.EventCatalogue"/>.
/// </summary>
public static class ActivityKinds
{
    /// <summary>The actor of what the product does by itself (a date reached, a webhook switched off).</summary>
    public const string System = "system";
    /// <summary>The actor of what a management command did.</summary>
    public const string CommandLine = "cli";

    // Space, admins and access
    public static readonly ActivityKind SetupCompleted = new("setup.completed", "Space set up", "{0} was set up");
    public static readonly ActivityKind SpaceSettingsChanged = new("space.settings-changed", "Space settings changed", "the settings of {0} were changed");
    public static readonly ActivityKind MailSettingsChanged = new("mail.settings_changed", "E-mail settings changed", "the {0} were changed");
    public static readonly ActivityKind AdminAdded = new("admin.added", "Admin added", "{0} was made an admin");
    public static readonly ActivityKind AdminRemoved = new("admin.removed", "Admin removed", "{0} was removed as an admin");
    public static readonly ActivityKind IntegrationsGranted = new("admin.integrations_granted", "Integrations access given", "{0} was given access to integrations");
    public static readonly ActivityKind IntegrationsRevoked = new("admin.integrations_revoked", "Integrations access taken away", "{0}'s access to integrations was taken away");
    public static readonly ActivityKind ApiTokenCreated = new("api_token.created", "API token created", "API token “{0}” was created");
    public static readonly ActivityKind ApiTokenRevoked = new("api_token.revoked", "API token revoked", "API token “{0}” was revoked");
    public static readonly ActivityKind GuestAccountAdded = new("guest-account.added", "Guest account added", "guest account {0} was added");
    public static readonly ActivityKind GuestAccountRemoved = new("guest-account.removed", "Guest account removed", "guest account {0} was removed");

    // Members and plans
    public static readonly ActivityKind MembershipCreated = new("membership.created", "Member added", "{0} became a member");
    public static readonly ActivityKind MembershipDeleted = new("membership.deleted", "Membership deleted", "{0}'s membership was deleted");
    public static readonly ActivityKind MembershipConfirmed = new("membership.confirmed", "Membership confirmed", "{0}'s membership was confirmed");
    public static readonly ActivityKind MembershipDetailsUpdated = new("membership.details_updated", "Member details changed", "{0}'s details were changed");
    public static readonly ActivityKind MembershipEmailChanged = new("membership.email_changed", "Member e-mail changed", "{0}'s e-mail address was changed");
    public static readonly ActivityKind MembershipPictureChanged = new("membership.picture_changed", "Member picture changed", "{0}'s picture was changed");
    public static readonly ActivityKind MembershipPictureRemoved = new("membership.picture_removed", "Member picture removed", "{0}'s picture was removed");
    public static readonly ActivityKind MembershipCustomFieldsUpdated = new("membership.custom_fields_updated", "Member fields changed", "{0}'s member fields were changed");
    public static readonly ActivityKind MembershipPaymentMethodChanged = new("membership.payment_method_changed", "Payment method changed", "{0}'s payment method was changed");
    public static readonly ActivityKind MembershipPasswordChanged = new("membership.password_changed", "Member password changed", "{0}'s password was changed");
    public static readonly ActivityKind MembershipPasswordReset = new("membership.password_reset", "Member password reset", "{0}'s password was reset");
    public static readonly ActivityKind OwnEmailChanged = new("account.email_changed", "Own e-mail address changed", "a user changed their e-mail address to {0}");
    public static readonly ActivityKind MembershipPlanChanged = new("membership.plan_changed", "Member's plan changed", "{0}'s plan was changed");
    public static readonly ActivityKind MembershipPlanChangeWithdrawn = new("membership.plan_change_withdrawn", "Plan change withdrawn", "{0}'s coming plan change was withdrawn");
    public static readonly ActivityKind MembershipPlanChangeReached = new("membership.plan_change_reached", "New plan took effect", "{0}'s new plan took effect");
    public static readonly ActivityKind MembershipCanceled = new("membership.canceled", "Membership canceled", "{0}'s membership was canceled");
    public static readonly ActivityKind MembershipUncanceled = new("membership.uncanceled", "Cancellation withdrawn", "{0}'s cancellation was withdrawn");
    public static readonly ActivityKind MembershipReactivated = new("membership.reactivated", "Membership reactivated", "{0}'s membership was reactivated");
    public static readonly ActivityKind MembershipEnded = new("membership.ended", "Membership ended", "{0}'s membership ended");
    public static readonly ActivityKind TimePassesAdded = new("membership.time_passes_added", "Time passes added", "time passes were added to {0}'s membership");
    public static readonly ActivityKind TimePassesRemoved = new("membership.time_passes_removed", "Time passes removed", "time passes were taken from {0}'s membership");
    public static readonly ActivityKind CustomFieldAdded = new("custom_field.added", "Member field added", "member field “{0}” was added");
    public static readonly ActivityKind CustomFieldRemoved = new("custom_field.removed", "Member field removed", "member field “{0}” was removed");
    public static readonly ActivityKind PlanCreated = new("plan.created", "Plan added", "plan {0} was added");
    public static readonly ActivityKind PlanUpdated = new("plan.updated", "Plan changed", "plan {0} was changed");
    public static readonly ActivityKind PlanDeleted = new("plan.deleted", "Plan deleted", "plan {0} was deleted");

    // Rooms, desks, bookings, check-ins, passes
    public static readonly ActivityKind ResourceAdded = new("resource.added", "Room or desk added", "{0} was added");
    public static readonly ActivityKind ResourceChanged = new("resource.changed", "Room or desk changed", "{0} was changed");
    public static readonly ActivityKind ResourceArchived = new("resource.archived", "Room or desk archived", "{0} was archived");
    public static readonly ActivityKind ResourceRestored = new("resource.restored", "Room or desk restored", "{0} was restored");
    public static readonly ActivityKind BookingCreated = new("booking.created", "Booking made", "{0} was made");
    public static readonly ActivityKind BookingChanged = new("booking.changed", "Booking changed", "{0} was changed");
    public static readonly ActivityKind BookingCanceled = new("booking.canceled", "Booking canceled", "{0} was canceled");
    public static readonly ActivityKind CheckedIn = new("checkin.created", "Checked in", "{0} was checked in");
    public static readonly ActivityKind CheckedOut = new("checkout.created", "Checked out", "{0} was checked out");
    public static readonly ActivityKind CheckInTokenAdded = new("checkin_token.added", "Check-in token added", "a check-in token for {0} was added");
    public static readonly ActivityKind CheckInTokenDeleted = new("checkin_token.deleted", "Check-in token removed", "a check-in token of {0} was removed");
    public static readonly ActivityKind DayPassSold = new("drop-in-pass.sold", "Day pass sold", "a day pass was sold to {0}");

    // Community events
    public static readonly ActivityKind CommunityEventDrafted = new("event.drafted", "Community event drafted", "community event “{0}” was drafted");
    public static readonly ActivityKind CommunityEventDraftChanged = new("event.draft-updated", "Community event draft changed", "the draft of community event “{0}” was changed");
    public static readonly ActivityKind CommunityEventPublished = new("event.published", "Community event published", "community event “{0}” was published");
    public static readonly ActivityKind CommunityEventAttendee = new("event.attendee-registered", "Attendee registered", "an attendee for “{0}” was registered");

    // Invoices and payments
    public static readonly ActivityKind InvoiceCreated = new("invoice.created", "Invoice created", "invoice {0} was created");
    public static readonly ActivityKind InvoiceUpdated = new("invoice.updated", "Invoice changed", "invoice {0} was changed");
    public static readonly ActivityKind InvoiceSent = new("invoice.sent", "Invoice marked as sent", "invoice {0} was marked as sent");
    public static readonly ActivityKind InvoiceEmailed = new("invoice.e-mailed", "Invoice e-mailed", "invoice {0} was e-mailed to the member");
    public static readonly ActivityKind EInvoiceRequested = new("invoice.e-invoice-requested", "E-invoice requested", "an e-invoice for invoice {0} was requested");
    public static readonly ActivityKind EInvoiceAttached = new("invoice.e-invoice-attached", "E-invoice attached", "an e-invoice was attached to invoice {0}");
    public static readonly ActivityKind InvoiceMarkedPaid = new("invoice.marked-paid", "Invoice marked as paid", "invoice {0} was marked as paid");
    public static readonly ActivityKind InvoiceMarkedUnpaid = new("invoice.marked-unpaid", "Invoice marked as unpaid", "invoice {0} was marked as unpaid");
    public static readonly ActivityKind InvoiceWrittenOff = new("invoice.written-off", "Invoice written off", "invoice {0} was written off");
    public static readonly ActivityKind InvoiceDeleted = new("invoice.deleted", "Invoice deleted", "invoice {0} was deleted");
    public static readonly ActivityKind InvoiceSettingsChanged = new("invoice-settings.changed", "Invoice settings changed", "the {0} were changed");
    public static readonly ActivityKind PaymentRecorded = new("payment.recorded", "Payment recorded", "a payment for invoice {0} was recorded");
    public static readonly ActivityKind PaymentFailed = new("payment.failed", "Payment failed", "a payment for invoice {0} failed");
    public static readonly ActivityKind PaymentRefunded = new("payment.refunded", "Payment refunded", "a payment for invoice {0} was refunded");
    public static readonly ActivityKind PaymentSubscriptionChanged = new("payment-subscription.changed", "Payment subscription changed", "payment subscription {0} changed", SaysWho: false);
    public static readonly ActivityKind CheckoutRefused = new("payments.checkout_refused", "Online payment refused", "an online payment for {0} was refused", SaysWho: false);

    // Payment providers: the actor is the provider itself where it told us something
    public static readonly ActivityKind StripeConnected = new("payments.stripe_connected", "Stripe connected", "{0} was connected");
    public static readonly ActivityKind StripeTested = new("payments.stripe_tested", "Stripe connection tested", "the connection to {0} was tested");
    public static readonly ActivityKind StripeError = new("payments.stripe_error", "Stripe connection failed", "the connection test to {0} failed");
    public static readonly ActivityKind StripeDisconnected = new("payments.stripe_disconnected", "Stripe disconnected", "{0} was disconnected");
    public static readonly ActivityKind StripeNoticeRefused = new("payments.stripe_webhook_refused", "Stripe notice refused", "a notice claiming to come from Stripe was refused", SaysWho: false);
    public static readonly ActivityKind StripeNoticeHandled = new("payments.stripe_event", "Stripe notice handled", "Stripe's notice “{0}” was handled", SaysWho: false);
    public static readonly ActivityKind StripeNoticeFailed = new("payments.stripe_event_failed", "Stripe notice failed", "Stripe's notice “{0}” could not be handled", SaysWho: false);
    public static readonly ActivityKind PayPalConnected = new("payments.paypal_connected", "PayPal connected", "{0} was connected");
    public static readonly ActivityKind PayPalTested = new("payments.paypal_tested", "PayPal connection tested", "the connection to {0} was tested");
    public static readonly ActivityKind PayPalError = new("payments.paypal_error", "PayPal connection failed", "the connection test to {0} failed");
    public static readonly ActivityKind PayPalDisconnected = new("payments.paypal_disconnected", "PayPal disconnected", "{0} was disconnected");
    public static readonly ActivityKind PayPalNoticeRefused = new("payments.paypal_webhook_refused", "PayPal notice refused", "a notice claiming to come from PayPal was refused", SaysWho: false);
    public static readonly ActivityKind PayPalNoticeHandled = new("payments.paypal_event", "PayPal notice handled", "PayPal's notice “{0}” was handled", SaysWho: false);
    public static readonly ActivityKind PayPalNoticeFailed = new("payments.paypal_event_failed", "PayPal notice failed", "PayPal's notice “{0}” could not be handled", SaysWho: false);

    // Webhooks
    public static readonly ActivityKind WebhookCreated = new("webhook.created", "Webhook added", "webhook {0} was added");
    public static readonly ActivityKind WebhookUpdated = new("webhook.updated", "Webhook changed", "webhook {0} was changed");
    public static readonly ActivityKind WebhookDeleted = new("webhook.deleted", "Webhook deleted", "webhook {0} was deleted");
    public static readonly ActivityKind WebhookDisabled = new("webhook.disabled", "Webhook disabled", "webhook {0} was disabled");
    public static readonly ActivityKind WebhookEnabled = new("webhook.enabled", "Webhook enabled", "webhook {0} was enabled");
    public static readonly ActivityKind WebhookDeactivated = new("webhook.deactivated", "Webhook deactivated", "webhook {0} was deactivated after failing deliveries");
    public static readonly ActivityKind WebhookTakenOver = new("webhook.taken_over", "Webhook taken over", "webhook {0} was taken over");
    public static readonly ActivityKind WebhookSecretRotated = new("webhook.secret_rotated", "Webhook secret replaced", "webhook {0} got a new signing secret");
    public static readonly ActivityKind WebhookSecretRevealed = new("webhook.secret_revealed", "Webhook secret shown", "the signing secret of webhook {0} was shown");
    public static readonly ActivityKind WebhookTested = new("webhook.tested", "Webhook tested", "a test event was sent to webhook {0}");
    public static readonly ActivityKind WebhookRedelivered = new("webhook.redelivered", "Delivery sent again", "a delivery to webhook {0} was sent again");
    public static readonly ActivityKind WebhookResent = new("webhook.resent", "Deliveries sent again", "past deliveries to webhook {0} were sent again");

    // Backups
    public static readonly ActivityKind BackupMade = new("backup.made", "Backup made", "a backup was saved to {0}");
    public static readonly ActivityKind BackupFailed = new("backup.failed", "Backup failed", "the backup to {0} failed");
    public static readonly ActivityKind BackupRestored = new("backup.restored", "Backup restored", "the backup made {0} was restored");

    // Alerts (the subject is the alert's headline; what the product noticed by itself)
    public static readonly ActivityKind AlertOpened = new("alert.opened", "Alert raised", "alert: {0}");
    public static readonly ActivityKind AlertRecovered = new("alert.recovered", "Alert resolved", "alert resolved: {0}");
    public static readonly ActivityKind AlertClosed = new("alert.closed", "Alert closed", "alert closed: {0} (what it was about was removed or switched off)");

    // Request inbox
    public static readonly ActivityKind RequestInboxCreated = new("request_inbox.created", "Request inbox added", "request inbox {0} was added");
    public static readonly ActivityKind RequestInboxCleared = new("request_inbox.cleared", "Request inbox cleared", "request inbox {0} was cleared");
    public static readonly ActivityKind RequestInboxDeleted = new("request_inbox.deleted", "Request inbox deleted", "request inbox {0} was deleted");

    /// <summary>Every kind, in the order above.</summary>
    public static IReadOnlyList<ActivityKind> All { get; } = typeof(ActivityKinds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ActivityKind))
        .Select(f => (ActivityKind)f.GetValue(null)!)
        .ToList();

    private static readonly Dictionary<string, ActivityKind> ByCode = All.ToDictionary(k => k.Code, StringComparer.Ordinal);

    /// <summary>The kind of a stored line; null for a code no version of the product writes any more.</summary>
    public static ActivityKind? Find(string? code) => code is not null && ByCode.TryGetValue(code, out var kind) ? kind : null;

    /// <summary>The codes whose title contains <paramref name="text"/>, so a search for "booking" finds the booking lines.</summary>
    public static IReadOnlyList<string> CodesTitled(string text) =>
        All.Where(k => k.Title.Contains(text, StringComparison.OrdinalIgnoreCase)).Select(k => k.Code).ToList();
}
