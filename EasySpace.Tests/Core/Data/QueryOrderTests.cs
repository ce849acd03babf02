using EasySpace.Core.Space;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Data;

/// <summary>
/// Every query that limits its rows (Skip, Take, First) states its order: without one the database may answer with any
/// row, and EF warns in the log ("without OrderBy") at each start.
/// </summary>
public class QueryOrderTests : IAsyncLifetime
{
    private readonly CoreHost core = new();

    public async Task InitializeAsync()
    {
        await core.InitializeAsync();
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
    }

    public Task DisposeAsync() => core.DisposeAsync();

    [Fact]
    public async Task Reading_the_space_its_settings_and_the_delivery_log_leaves_no_unordered_row_limit_in_the_log()
    {
        var settings = (await core.Get<SpaceSettingsService>().GetAsync())!;
        Assert.True((await core.Get<SpaceSettingsService>().SaveAsync(settings, "test")).Succeeded);
        Assert.NotNull(await core.Get<SetupService>().GetProfileAsync());
        Assert.Equal("EUR", await core.Get<BookingDirectory>().SpaceCurrencyAsync());
        Assert.Equal("EUR", await core.Get<PlanService>().SpaceCurrencyAsync());
        Assert.True((await core.Get<PlanService>().CreateAsync(new PlanDraft { Name = "Flex desk", Price = 10m }, "test")).Succeeded);
        await core.Get<InvoiceService>().GetSettingsAsync();
        Assert.True((await core.Get<InvoiceService>().SaveSettingsAsync(new InvoiceSettingsDraft { Company = "Co-Up" }, "test")).Succeeded);
        await core.Get<WebhookQueries>().DeliveriesAsync(null, new DeliveryFilter(), 0, 25);

        // Tried before the fix: EF's RowLimitingOperationWithoutOrderByWarning and FirstWithoutOrderByAndFilterWarning, one per query.
        Assert.Empty(core.Logs.Lines.Where(l => l.Message.Contains("OrderBy", StringComparison.Ordinal)).Select(l => $"{l.Category}: {l.Message}"));
    }
}
