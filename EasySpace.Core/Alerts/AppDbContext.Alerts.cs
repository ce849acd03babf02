using EasySpace.Core.Alerts;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Data;

public sealed partial class AppDbContext
{
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<AlertRead> AlertReads => Set<AlertRead>();
    public DbSet<AlertSubscriber> AlertSubscribers => Set<AlertSubscriber>();
}
