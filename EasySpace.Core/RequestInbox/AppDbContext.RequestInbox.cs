using EasySpace.Core.RequestInbox;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext
{
    public DbSet<Inbox> RequestInboxes => Set<Inbox>();
    public DbSet<InboxRequest> InboxRequests => Set<InboxRequest>();
}
