using EasySpace.Core.Data;
using EasySpace.Core.Space.Invoices;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Space;

/// <summary>The billing tests' shared starting points: a set-up space (Europe/Berlin, EUR) and Cobot's example invoice.</summary>
internal static class BillingTestData
{
    public const string Actor = "owner@example.com";

    /// <summary>A migrated, set-up space whose public address is https://space.example.com; the clock reads 2026-03-02 09:00 UTC.</summary>
    public static async Task<CoreHost> StartAsync()
    {
        var core = await CoreHost.StartAsync();
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
        return core;
    }

    /// <summary>
    /// The deleted_invoice example of Cobot's documentation: 2 × 80.0 and 2 × 20.0 at 20 % VAT. Without a membership: an
    /// invoice's membership must exist, so a test that wants one adds a member and sets its id.
    /// </summary>
    public static InvoiceDraft CobotExample(DateOnly? due = null) => new()
    {
        Name = "joe doe",
        Company = "joe inc.",
        FullAddress = "broadway\n12345 Berlin",
        Country = "DE",
        TaxName = "VAT",
        TaxRate = 20,
        InvoiceText = "pay now",
        DueDate = due ?? new DateOnly(2026, 3, 16),
        Items =
        [
            new InvoiceLineDraft { Description = "monthly rent", Quantity = 2, Amount = 80, AccountingCode = "FlexPlan" },
            new InvoiceLineDraft { Description = "2 time passes", Quantity = 2, Amount = 20, AccountingCode = "Pass" },
        ],
    };

    public static async Task<Invoice> CreateInvoiceAsync(this IServiceProvider services, InvoiceDraft? draft = null)
    {
        var result = await services.GetRequiredService<InvoiceService>().CreateAsync(draft ?? CobotExample(), Actor);
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }

    /// <summary>How many times an event was raised (the outbox rows), endpoints or not.</summary>
    public static async Task<int> RaisedAsync(this IServiceProvider services, string eventName)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Events.CountAsync(e => e.Name == eventName);
    }

    /// <summary>Every event raised so far, oldest first.</summary>
    public static async Task<List<string>> RaisedAsync(this IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Events.OrderBy(e => e.Id).Select(e => e.Name).ToListAsync();
    }

    public static T Ok<T>(this EasySpace.Core.Result<T> result)
    {
        Assert.True(result.Succeeded, result.Errors.ToString());
        return result.Value!;
    }
}
