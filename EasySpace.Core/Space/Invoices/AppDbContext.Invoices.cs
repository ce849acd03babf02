using EasySpace.Core.Space.Community;
using EasySpace.Core.Space.Guests;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Passes;
using EasySpace.Core.Space.Payments;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

// Billing and community: invoices, payments, drop-in passes, wifi guest accounts, community events.
public sealed partial class AppDbContext
{
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<InvoiceCounter> InvoiceCounters => Set<InvoiceCounter>();
    public DbSet<InvoiceSettings> InvoiceSettings => Set<InvoiceSettings>();
    public DbSet<EInvoiceFile> EInvoiceFiles => Set<EInvoiceFile>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<PaymentSubscription> PaymentSubscriptions => Set<PaymentSubscription>();
    public DbSet<DropInPass> DropInPasses => Set<DropInPass>();
    public DbSet<GuestAccount> GuestAccounts => Set<GuestAccount>();
    public DbSet<CommunityEvent> CommunityEvents => Set<CommunityEvent>();
    public DbSet<EventAttendance> EventAttendances => Set<EventAttendance>();
}
