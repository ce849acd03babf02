using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Payments.Inbox;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

// Payment providers: the connections managers make in the wizards, members' checkouts, and the providers' events.
public sealed partial class AppDbContext
{
    public DbSet<ProviderConnection> ProviderConnections => Set<ProviderConnection>();
    public DbSet<PaymentAttempt> PaymentAttempts => Set<PaymentAttempt>();
    public DbSet<ProviderEvent> ProviderEvents => Set<ProviderEvent>();
}
