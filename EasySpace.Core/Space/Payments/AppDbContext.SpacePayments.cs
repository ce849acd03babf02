using EasySpace.Core.Space.Payments;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

// The money recorded against invoices, and members' recurring payments.
public sealed partial class AppDbContext
{
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<PaymentSubscription> PaymentSubscriptions => Set<PaymentSubscription>();
}
