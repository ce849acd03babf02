using System.Globalization;

namespace EasySpace.Core.Events;

// One type per event of EventCatalogue.All, in its order, named after it (see CatalogueEvent). test_webhook has none:
// only the "Test" button sends it, and it is never raised.

// Members & profiles
public sealed record ConnectedUser(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record UpdatedConnectedUser(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record CreatedMembership(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record ConfirmedMembership(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record UpdatedMembershipDetails(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record UpdatedMembershipPicture(EventSubject Subject) : CatalogueEvent(Subject);

/// <summary>The <c>fields</c> filter matches the names of the custom fields that changed.</summary>
public sealed record UpdatedCustomField(EventSubject Subject, IReadOnlyCollection<string> ChangedFields) : CatalogueEvent(Subject)
{
    internal override EventSubject Filterable => Subject with { ChangedFields = ChangedFields };
}

public sealed record UpdatedPaymentMethod(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record DeletedMembership(EventSubject Subject) : CatalogueEvent(Subject);

// Membership plans
public sealed record ChangedMembershipPlan(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record MembershipPlanChangeDateReached(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record CanceledMembership(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record UncanceledMembership(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record ReactivatedMembership(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record MembershipCancellationDateReached(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record MembershipAddedTimePasses(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record MembershipRemovedTimePasses(EventSubject Subject) : CatalogueEvent(Subject);

// Bookings
/// <summary>A booking event: the <c>resource_id</c> filter matches the booked room or desk.</summary>
public abstract record BookingEvent(EventSubject Subject, long ResourceId) : CatalogueEvent(Subject)
{
    internal override EventSubject Filterable => Subject with { ResourceId = ResourceId.ToString(CultureInfo.InvariantCulture) };
}

public sealed record CreatedBooking(EventSubject Subject, long ResourceId) : BookingEvent(Subject, ResourceId);
public sealed record UpdatedBooking(EventSubject Subject, long ResourceId) : BookingEvent(Subject, ResourceId);
public sealed record DeletedBooking(EventSubject Subject, long ResourceId) : BookingEvent(Subject, ResourceId);

/// <summary>Announced once per lead time subscribed (0–60 minutes); only endpoints with this lead get it.</summary>
public sealed record BookingWillBegin(EventSubject Subject, long ResourceId, int LeadMinutes) : BookingEvent(Subject, ResourceId)
{
    internal override EventSubject Filterable => base.Filterable with { LeadMinutes = LeadMinutes };
}

public sealed record BookingHasEnded(EventSubject Subject, long ResourceId) : BookingEvent(Subject, ResourceId);

// Check-ins
public sealed record CreatedCheckin(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record CreatedCheckout(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record CreatedCheckinToken(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record DeletedCheckinToken(EventSubject Subject) : CatalogueEvent(Subject);

// Payments & invoices
public sealed record CreatedInvoice(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record UpdatedInvoice(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record SentInvoice(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record WroteOffInvoice(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record RequestedEInvoice(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record DeletedInvoice(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record CreatedPayment(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record FailedPayment(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record RefundedPayment(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record UpdatedPaymentSubscription(EventSubject Subject) : CatalogueEvent(Subject);

// Space & admins
public sealed record CreatedAdmin(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record DeletedAdmin(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record CreatedGuestAccount(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record DeletedGuestAccount(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record CreatedDropInPass(EventSubject Subject) : CatalogueEvent(Subject);
/// <summary>A community event is published.</summary>
public sealed record PublishedEvent(EventSubject Subject) : CatalogueEvent(Subject);
public sealed record CreatedEventAttendance(EventSubject Subject) : CatalogueEvent(Subject);

// Operations
/// <summary>An event about one of our own webhooks: its id is the resource id, so the fan-out keeps it from that webhook.</summary>
public abstract record WebhookOperationEvent(EventSubject Subject, long WebhookId) : CatalogueEvent(Subject)
{
    internal override EventSubject Filterable => Subject with { ResourceId = WebhookId.ToString(CultureInfo.InvariantCulture) };
}

public sealed record DeactivatedWebhook(EventSubject Subject, long WebhookId) : WebhookOperationEvent(Subject, WebhookId);
public sealed record FailingWebhook(EventSubject Subject, long WebhookId) : WebhookOperationEvent(Subject, WebhookId);
public sealed record RecoveredWebhook(EventSubject Subject, long WebhookId) : WebhookOperationEvent(Subject, WebhookId);
