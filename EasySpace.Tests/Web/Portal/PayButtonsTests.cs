using Bunit;
using EasySpace.Core.Data;
using EasySpace.Core.Payments;
using EasySpace.Web.Components.Pages.Members;
using EasySpace.Web.Components.Pages.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Web.Portal;

/// <summary>With Stripe Active (and able to take payments), the member's pages offer to pay; PortalPayTests shows the opposite.</summary>
public class PayButtonsTests() : PortalTest(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero))
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = await S.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        db.ProviderConnections.Add(ProviderConnection.ConnectStripe(ProviderMode.Test, new ProviderAccount("acct_1", "Co-Up", "DE", "eur", ChargesEnabled: true),
            new StoredCredentials("protected", "rk_test_…abcd", "pk_test_1"), new WebhookRegistration(EventDelivery.Local, null, null, null),
            "owner@example.com", Clock.GetUtcNow()));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task An_open_invoice_has_a_pay_button()
    {
        var invoice = await InvoiceAsync(Mia, new DateOnly(2026, 3, 20));

        var page = RenderPage<MyInvoicePage>(p => p.Add(x => x.Id, invoice.Id));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=pay-invoice]")));
    }

    [Fact]
    public void The_member_page_offers_to_subscribe_to_the_plan_and_no_day_pass_while_the_space_sells_none_online()
    {
        var page = RenderPage<MePage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=subscribe]")));
        Assert.Empty(page.FindAll("[data-testid=buy-day-pass]"));
    }
}
