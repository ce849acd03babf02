using Bunit;
using EasySpace.Core.Alerts;
using EasySpace.Core.Data;
using EasySpace.Web.Components.Layout;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Web.Integrations;

public class AlertBellTests : IntegrationsTest
{
    private const string Bell = "[data-testid=alert-bell]";

    [Fact]
    public async Task The_bell_counts_unread_alerts_links_each_to_the_place_to_act_and_opening_one_reads_it()
    {
        var endpoint = await CreateEndpointAsync("CRM");
        await using (var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            (await db.Endpoints.SingleAsync(e => e.Id == endpoint.Id)).Deactivate("The receiver answered 410 Gone.", DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }
        await Get<AlertEvaluator>().EvaluateAsync();

        var bell = Render<AlertBell>();
        bell.WaitForAssertion(() => Assert.Equal("Alerts: 1 unread", bell.Find(Bell).GetAttribute("aria-label")));
        Assert.Equal("1", bell.Find(".mud-badge").TextContent.Trim());

        await bell.InvokeAsync(() => bell.Find(Bell).Click());
        var item = Popovers.WaitForElement("[data-testid=alert-item]");
        Assert.Contains("Webhook “CRM” was switched off by EasySpace: The receiver answered 410 Gone.", item.TextContent);
        Assert.Equal($"settings/integrations/webhooks/{endpoint.Id}", item.GetAttribute("href"));

        await Popovers.InvokeAsync(() => Popovers.Find("[data-testid=alert-item]").Click());
        bell.WaitForAssertion(() => Assert.Equal("Alerts: none unread", bell.Find(Bell).GetAttribute("aria-label")));
        Assert.EndsWith($"/settings/integrations/webhooks/{endpoint.Id}", CurrentUri);
        Assert.Empty(bell.FindAll(".mud-badge-content, .mud-badge.mud-badge-visible"));
    }

    [Fact]
    public async Task A_new_alert_raises_the_count_of_a_bell_already_on_screen()
    {
        var bell = Render<AlertBell>();
        bell.WaitForAssertion(() => Assert.Equal("Alerts: none unread", bell.Find(Bell).GetAttribute("aria-label")));

        Get<EasySpace.Core.Data.StorageHealth>().Failed(new SqliteException("database or disk is full", 13));
        await Get<AlertEvaluator>().EvaluateAsync();

        bell.WaitForAssertion(() => Assert.Equal("Alerts: 1 unread", bell.Find(Bell).GetAttribute("aria-label")));
    }
}
