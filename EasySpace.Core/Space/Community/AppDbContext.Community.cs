using EasySpace.Core.Space.Community;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext
{
    public DbSet<CommunityEvent> CommunityEvents => Set<CommunityEvent>();
    public DbSet<EventAttendance> EventAttendances => Set<EventAttendance>();
}
