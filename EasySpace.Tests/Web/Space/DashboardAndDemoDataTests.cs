using System.Net;
using EasySpace.Core.Data;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Dashboard;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Tests.Web.Space;

public class DashboardAndDemoDataTests : IAsyncLifetime
{
    private readonly AppHost app = new();

    public Task InitializeAsync() => app.SetUpSpaceAsync();

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Demo_data_fills_a_plausible_space_once_and_the_dashboard_shows_it()
    {
        var result = await app.Get<DemoData>().CreateAsync();
        Assert.True(result.Succeeded, result.Errors.ToString());

        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal(3, await db.Plans.CountAsync());
            Assert.Equal(50, await db.Memberships.CountAsync());
            Assert.Equal(4, await db.Resources.CountAsync());
            Assert.Equal(28, await db.Bookings.CountAsync());
            // Invoices open, paid and overdue, each for a demo member, and the payments recorded by hand against them.
            var invoices = await db.Invoices.AsNoTracking().ToListAsync();
            Assert.Equal(12, invoices.Count);
            Assert.All(invoices, i => Assert.NotNull(i.MembershipId));
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).DateTime);
            Assert.Equal(3, invoices.Count(i => i.IsPaid));
            Assert.Equal(3, invoices.Count(i => !i.IsPaid && i.DueDate < today));
            Assert.Equal(6, invoices.Count(i => !i.IsPaid && i.DueDate >= today));
            var payments = await db.Payments.AsNoTracking().ToListAsync();
            Assert.Equal(5, payments.Count);
            Assert.All(payments, p => Assert.Equal("manual", p.Provider));
        }
        var history = (await app.Get<EasySpace.Core.Space.Payments.PaymentReader>().PageAsync(EasySpace.Core.Space.Payments.TransactionFilter.None, 0, 25)).Value!;
        Assert.Equal(5, history.Total);
        Assert.All(history.Items, row => Assert.NotNull(row.MemberName));

        var again = await app.Get<DemoData>().CreateAsync();
        Assert.Contains("empty space only", again.Errors.ToString());

        var view = await app.Get<DashboardReader>().ReadAsync();
        Assert.Equal(50, view.ActiveMembers);
        Assert.NotEmpty(view.RecentEvents);

        var owner = await app.LoggedInClientAsync(AppHost.OwnerEmail);
        var html = await owner.GetStringAsync("/");
        Assert.Contains("Today&#x27;s bookings", html);
        Assert.Contains("50 members", html);
    }

    [Fact]
    public async Task A_member_sees_a_welcome_not_the_space_figures()
    {
        await app.AddUserAsync("m@example.com", EasySpace.Core.Identity.Roles.Member);
        var member = await app.LoggedInClientAsync("m@example.com");

        var response = await member.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Open invoices", html);
        Assert.Contains("See and edit your membership", html);
    }
}
