using EasySpace.Core.Alerts;
using EasySpace.Core.Backup;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Core.Mail;
using EasySpace.Core.Payments;
using EasySpace.Core.RequestInbox;
using EasySpace.Core.Scheduling;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using EasySpace.Core.Space.Community;
using EasySpace.Core.Space.Guests;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Space.Passes;
using EasySpace.Core.Space.Payments;
using EasySpace.Core.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EasySpace.Core;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddEasySpaceCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddEasySpaceCore(builder.Configuration);
        return builder;
    }

    /// <summary>Everything Core needs, for a host or for a component test's container.</summary>
    public static IServiceCollection AddEasySpaceCore(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(EasySpaceOptions.Section);
        services.Configure<EasySpaceOptions>(section);
        var options = section.Get<EasySpaceOptions>() ?? new EasySpaceOptions();

        services.AddSingleton(TimeProvider.System);

        // The factory serves the pages and jobs (one context per operation); Identity's stores take the scoped context.
        // Pooled: building a context's services was a third of the CPU of raising an event (docs/performance.md).
        services.AddSingleton<WakePumpInterceptor>();
        services.AddSingleton<StorageHealth>();
        services.AddSingleton<StorageHealthInterceptor>();
        var database = DatabaseOptions.From(configuration);
        services.AddSingleton(database);
        services.AddPooledDbContextFactory<AppDbContext>((sp, o) =>
        {
            if (database.IsPostgres)
                o.UseNpgsql(database.ConnectionString, n => n.MigrationsAssembly(DatabaseSetup.PostgresMigrationsAssembly)
                        // Npgsql's default strategy wraps a "transient" error (a full disk, 53100) in InvalidOperationException;
                        // this one lets DbUpdateException through, as SQLite does, so the catches and StorageHealth see it.
                        .ExecutionStrategy(d => new NonRetryingExecutionStrategy(d)))
                    .AddInterceptors(sp.GetRequiredService<WakePumpInterceptor>(), sp.GetRequiredService<StorageHealthInterceptor>());
            else
                o.UseSqlite(DatabaseSetup.ConnectionString(options))
                    .AddInterceptors(sp.GetRequiredService<WakePumpInterceptor>(), sp.GetRequiredService<StorageHealthInterceptor>(), new BusyTimeoutInterceptor(), new GroupCommitInterceptor())
                    // SQLite rebuilds a table to drop or change a column, with foreign keys off outside the migration's
                    // transaction; EF says so on every fresh install (EngineFanOut, decision 0010), which a manager cannot act on.
                    .ConfigureWarnings(w => w.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning));
        });
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());

        // One application name, so every node (and every process of one install) reads what another protected.
        var protection = services.AddDataProtection().SetApplicationName("EasySpace");
        if (database.IsPostgres)
            // Several nodes share the keys through the database: a cookie or a secret one node made opens on the others.
            protection.PersistKeysToDbContext<AppDbContext>();
        else
            // The key files are made 0600 as they are written (Data Protection's own files take the process's umask).
            services.AddOptions<KeyManagementOptions>().Configure<ILoggerFactory>((o, loggers) => o.XmlRepository =
                new PrivateKeyFolder(new FileSystemXmlRepository(new DirectoryInfo(options.KeysDirectory), loggers), options.KeysDirectory));
        if (KeyCertificate.Load(configuration) is { } certificate)
            protection.ProtectKeysWithCertificate(certificate);

        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // The user name is the e-mail, which InputRules.EmailProblem checks; Identity's default ASCII-only list
                // refused "zoé@example.com" with an exception instead of letting her in.
                o.User.AllowedUserNameCharacters = "";
                o.Password.RequiredLength = 10;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        services.AddSingleton<PasswordLinks>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<OwnAccount>();
        services.AddSingleton<SetupService>();
        services.AddSingleton<SpaceClockReader>();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<SpaceSettingsService>();
        services.AddSingleton<ApiTokenService>();
        services.AddSingleton<AdminDirectory>();
        services.AddSingleton<Activity.ActivityLogReader>();
        services.AddSingleton<Space.Dashboard.DashboardReader>();
        services.AddSingleton<Demo.DemoServices>();
        services.AddSingleton<Demo.DemoData>();

        services.AddEasySpaceMembers();
        services.AddEasySpaceWebhooks(configuration);
        services.AddEasySpaceRequestInbox();
        services.AddEasySpaceBookings();
        services.AddEasySpaceCheckIns();
        services.AddEasySpaceScheduling(configuration);
        services.AddEasySpaceInvoices();
        services.AddEasySpacePaymentRecords();
        services.AddEasySpacePasses();
        services.AddEasySpaceGuests();
        services.AddEasySpaceCommunity();
        services.AddEasySpacePayments(configuration);
        services.AddEasySpaceMail(configuration);
        services.AddEasySpaceBackup(configuration);
        services.AddEasySpaceAlerts(configuration);
        return services;
    }
}
