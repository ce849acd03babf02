using Bunit;
using EasySpace.Core.Data;
using EasySpace.Core.Webhooks;
using EasySpace.Web.Components.Pages.Integrations.Overview;
using EasySpace.Web.Components.Pages.Integrations.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Web.Integrations;

/// <summary>The pages over 100,000 deliveries: they page and cap their counts instead of loading everything.</summary>
public class LargeLogTests : IntegrationsTest
{
    private const int Deliveries = 100_000;
    private Endpoint endpoint = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        endpoint = await CreateEndpointAsync("CRM");
        var newest = DateTimeOffset.UtcNow.UtcTicks;
        await using var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        // Two statements: one fanned-out created_admin event, and 100,000 delivered deliveries of it, ten seconds apart, newest first.
        var step = TimeSpan.TicksPerSecond * 10;
        var eventId = await db.Database.SqlQuery<long>($"""
            INSERT INTO Events (Name, Resource, ResourceId, Url, About, DataJson, OccurredAt, MessageId, FullBody, ThinBody, FannedOut)
            VALUES ('created_admin', 'admins', 'a1', 'http://x/api/admins/a1', 'Ada', {"{}"}, {newest}, 'msg_bulk', X'7B7D', X'7B7D', 1)
            RETURNING Id
            """).ToListAsync();
        await db.Database.ExecuteSqlAsync($"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Deliveries})
            INSERT INTO Deliveries (EndpointId, EventId, Format, EventName, Status, AttemptCount, FailuresInRow, NextAttemptAt, CreatedAt,
                                    LastAttemptAt, LastStatusCode, DeliveredAt, IsTest)
            SELECT {endpoint.Id}, {eventId.Single()}, 1, 'created_admin', {(int)DeliveryStatus.Delivered}, 1, 0,
                   {newest} - i * {step}, {newest} - i * {step}, {newest} - i * {step}, 200, {newest} - i * {step}, 0
            FROM n
            """);
    }

    [Fact]
    public void The_delivery_log_shows_one_page_and_says_there_are_more_than_10_000()
    {
        var page = Render<WebhookPage>(p => p.Add(x => x.Id, endpoint.Id));
        page.WaitForElement("[data-testid=webhook-title]");

        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Log").Click();

        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("[data-testid=delivery-log] tbody tr").Count), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Contains("1–25 of more than 10,000", page.Find("[data-testid=delivery-log]").TextContent));
    }

    [Fact]
    public void The_log_filtered_to_failures_is_empty_and_says_so()
    {
        var page = Render<WebhookPage>(p => p.Add(x => x.Id, endpoint.Id));
        page.WaitForElement("[data-testid=webhook-title]");
        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Log").Click();
        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("[data-testid=delivery-log] tbody tr").Count), TimeSpan.FromSeconds(10));

        Pick(page, "log-status", "Failed");

        page.WaitForAssertion(() => Assert.Equal("No delivery matches these filters.", page.Find("[data-testid=log-empty]").TextContent.Trim()), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_list_and_the_overview_render_from_the_rollups()
    {
        var list = Render<WebhooksPage>();
        list.WaitForElement("[data-testid=webhooks-table]", TimeSpan.FromSeconds(10));
        Assert.Contains("No deliveries", list.Markup); // the rollups count attempts, and the bulk rows were never attempted

        var overview = Render<IntegrationsPage>();
        overview.WaitForElement("[data-testid=card-webhooks]", TimeSpan.FromSeconds(10));
        Assert.Contains("1 active", overview.Find("[data-testid=webhook-counts]").TextContent);
    }
}
