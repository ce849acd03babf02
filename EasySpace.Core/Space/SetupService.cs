using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space;

public sealed class SetupRequest
{
    /// <summary>The owner's name as the app shows it; null when not asked (the CLI's optional --name): then the e-mail.</summary>
    public string? OwnerName { get; set; }
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";
    public string SpaceName { get; set; } = "";
    public string Country { get; set; } = "DE";
    public string Currency { get; set; } = "EUR";
    public string TimeZone { get; set; } = "Europe/Berlin";
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";
}

/// <summary>First run: until an owner exists every page leads to setup.</summary>
public sealed class SetupService(IServiceScopeFactory scopes, UserAdministration users, TimeProvider clock)
{
    // Once true it stays true: an installation is never "un-set-up". Until then every request asks the database.
    private volatile bool done;

    public async Task<bool> IsCompleteAsync(CancellationToken ct = default)
    {
        if (done) return true;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        done = await db.SpaceProfiles.AnyAsync(ct);
        return done;
    }

    public async Task<SpaceProfile?> GetProfileAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.SpaceProfiles.AsNoTracking().OrderBy(p => p.Id).FirstOrDefaultAsync(ct);
    }

    public async Task<ValidationErrors> ValidateAsync(SetupRequest request)
    {
        var errors = await users.ValidateAsync(new NewAccount(request.Email, request.Password));
        if (request.OwnerName is not null && OwnAccount.NameProblem(request.OwnerName, "the owner's name") is { } nameProblem)
            errors.Add(nameof(request.OwnerName), nameProblem);
        // The space's part follows the same rules as the Space settings page; only the name's field is called differently here.
        var space = SpaceSettings.Problems(new SpaceSettings
        {
            Name = request.SpaceName, Country = request.Country, Currency = request.Currency, TimeZone = request.TimeZone, PublicBaseUrl = request.PublicBaseUrl,
        });
        foreach (var (field, messages) in space.ByField)
            foreach (var message in messages)
                errors.Add(field == nameof(SpaceSettings.Name) ? nameof(request.SpaceName) : field, message);
        return errors;
    }

    /// <summary>Creates the owner and the space in one transaction; refused once setup is complete.</summary>
    public async Task<Result<SpaceProfile>> CompleteAsync(SetupRequest request, string actor, CancellationToken ct = default)
    {
        if (await IsCompleteAsync(ct)) return new ValidationErrors().Add("", "This EasySpace is already set up.");
        var errors = await ValidateAsync(request);
        if (!errors.IsEmpty) return errors;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Checked again inside the transaction: two browsers may submit setup at once.
        if (await db.SpaceProfiles.AnyAsync(ct)) return new ValidationErrors().Add("", "This EasySpace is already set up.");

        var now = clock.GetUtcNow();
        var owner = await users.CreateInRoleAsync(userManager, new NewAccount(request.Email, request.Password, request.OwnerName), Roles.Owner);
        var profile = SpaceProfile.Create(request.SpaceName, request.Country, request.Currency, request.TimeZone, request.PublicBaseUrl, now);
        db.SpaceProfiles.Add(profile);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.SetupCompleted, profile.Name, now, $"owner {owner.Email}"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        done = true;
        return profile;
    }
}
