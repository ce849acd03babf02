using AngleSharp.Dom;
using Bunit;
using EasySpace.Core.Data;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using EasySpace.Tests.Core.Space;
using EasySpace.Web.Components.Pages.Bookings;
using EasySpace.Web.Components.Pages.CheckIns;
using EasySpace.Web.Components.Pages.Invoices;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace EasySpace.Tests.Web.Space;

/// <summary>
/// The member picker of the booking, check-in and invoice forms: a manager finds the member by name or e-mail and the
/// record is saved with that membership; someone without a membership stays possible and is marked as such.
/// </summary>
public class MemberPickerTests : BookingsPageTest
{
    private IRenderedComponent<MudPopoverProvider> popovers = default!;
    private (long Id, string Name) ada;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var plan = await Services.AddPlanAsync();
        await Services.AddMemberAsync(plan.Id, "Bruno Bauer", "bruno@example.com");
        var created = await Services.AddMemberAsync(plan.Id, "Ada Lovelace", "ada@analytical.example");
        ada = (created.Membership.Id, created.Membership.Name);
    }

    private IRenderedComponent<T> RenderPage<T>() where T : IComponent
    {
        popovers = Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
        return Render<T>();
    }

    /// <summary>Types into the picker and clicks the one suggestion, as a manager would.</summary>
    private void Pick<T>(IRenderedComponent<T> where, string testId, string typed) where T : IComponent
    {
        where.WaitForAssertion(() => Fill(where, testId, typed), Patience);
        popovers.WaitForAssertion(() => Assert.Equal("Ada Lovelace (ada@analytical.example)", Suggestion().TextContent.Trim()), Patience);
        popovers.InvokeAsync(() => Suggestion().Click()).GetAwaiter().GetResult();
    }

    private IElement Suggestion() => Assert.Single(popovers.FindAll(".mud-popover-open .mud-list-item"));

    /// <summary>The Bookings page with the new-booking dialog open and its title typed.</summary>
    private IRenderedComponent<BookingsPage> OpenNewBooking(string title)
    {
        var page = RenderPage<BookingsPage>();
        page.WaitForAssertion(() => Assert.False(page.Find("button[data-testid=booking-new]").HasAttribute("disabled")), Patience);
        page.Find("button[data-testid=booking-new]").Click();
        Dialogs.WaitForElement("[data-testid=booking-title-input]", Patience);
        Fill(Dialogs, "booking-title-input", title);
        return page;
    }

    private async Task<Booking> OnlyBookingAsync() =>
        Assert.Single((await Services.GetRequiredService<BookingDirectory>().PageAsync(null, null, null, 0, 10)).Items).Booking;

    [Fact]
    public async Task A_booking_is_made_for_a_member_found_by_e_mail()
    {
        await Services.AddResourceAsync();
        OpenNewBooking("Pitch");

        Pick(Dialogs, "booking-membership", "ada@analytical");

        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[data-testid=booking-member]")), Patience);   // no walk-in name once a member is picked
        Dialogs.Find("button[data-testid=booking-save]").Click();
        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[data-testid=booking-dialog]")), Patience);
        var booking = await OnlyBookingAsync();
        Assert.Equal((ada.Id, "Ada Lovelace"), (booking.MembershipId, booking.MemberName));
    }

    [Fact]
    public async Task A_walk_in_is_booked_by_name_and_marked_as_such_in_the_form_and_the_list()
    {
        await Services.AddResourceAsync();
        var page = OpenNewBooking("Drop-by");

        Fill(Dialogs, "booking-member", "Wanda Walkin");

        Dialogs.WaitForAssertion(() => Assert.Contains("Walk-in: no membership", Dialogs.Find("[data-testid=booking-walk-in]").TextContent), Patience);
        Dialogs.Find("button[data-testid=booking-save]").Click();
        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[data-testid=booking-dialog]")), Patience);
        var booking = await OnlyBookingAsync();
        Assert.Equal((null, "Wanda Walkin"), (booking.MembershipId, booking.MemberName));
        if (WeeksAhead(booking.From) == 0)
            page.WaitForAssertion(() => Assert.Equal("walk-in", page.Find("[data-testid=booking-for] [data-testid=no-membership]").TextContent.Trim()), Patience);
    }

    [Fact]
    public async Task A_booking_made_before_members_existed_opens_as_a_walk_in_with_its_name()
    {
        var room = await Services.AddResourceAsync();
        var from = Tomorrow(10);
        await Services.BookAsync(room, from, TimeSpan.FromHours(1), memberName: "Old Row");
        var page = RenderPage<BookingsPage>();
        for (var i = 0; i < WeeksAhead(from); i++) page.Find("button[data-testid=bookings-next]").Click();

        page.WaitForAssertion(() => Assert.Contains("walk-in", page.Find("[data-testid=booking-for]").TextContent), Patience);
        page.Find("[data-testid=booking-edit]").Click();

        // The walk-in mark shows only under a typed name: the dialog opened with the row's name in its walk-in field.
        Dialogs.WaitForAssertion(() => Assert.Contains("Walk-in: no membership", Dialogs.Find("[data-testid=booking-walk-in]").TextContent), Patience);
        Dialogs.Find("button[data-testid=booking-save]").Click();
        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[data-testid=booking-dialog]")), Patience);
        var booking = await OnlyBookingAsync();
        Assert.Equal((null, "Old Row"), (booking.MembershipId, booking.MemberName));
    }

    [Fact]
    public async Task A_member_is_checked_in_by_picking_them_and_a_guest_by_name()
    {
        var page = RenderPage<CheckInsPage>();
        page.WaitForElement("[data-testid=present-empty]", Patience);

        Pick(page, "checkin-membership", "Ada");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=checkin-member]")), Patience);
        page.Find("[data-testid=checkin-submit]").Closest("form")!.Submit();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=present-member]")), Patience);
        Fill(page, "checkin-member", "Gina Guest");
        page.Find("[data-testid=checkin-submit]").Closest("form")!.Submit();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=present-member]").Count), Patience);
        var present = await Services.GetRequiredService<CheckInDirectory>().PresentAsync();
        Assert.Equal([(ada.Id, "Ada Lovelace"), (null, "Gina Guest")], present.Select(c => (c.MembershipId, c.MemberName)));
        var rows = page.FindAll("[data-testid=present-member]").Select(r => r.TextContent).ToList();
        Assert.DoesNotContain("guest", rows[0]);
        Assert.Contains("guest", rows[1]);
    }

    [Fact]
    public async Task An_invoice_is_written_for_a_picked_member_under_their_name()
    {
        var page = RenderPage<InvoicesPage>();
        page.WaitForElement("[data-testid=invoice-new]", Patience);
        page.Find("[data-testid=invoice-new]").Click();
        Dialogs.WaitForElement("[data-testid=invoice-dialog]", Patience);

        Pick(Dialogs, "invoice-membership", "lovelace");

        Dialogs.WaitForAssertion(() => Assert.Contains("The invoice belongs to this member's membership.", Text(Dialogs)), Patience);
        Fill(Dialogs, "invoice-item-0-description", "Flex desk, March");
        Fill(Dialogs, "invoice-item-0-amount", "120");
        Dialogs.Find("form#invoice-form").Submit();
        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[data-testid=invoice-dialog]")), Patience);
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var invoice = await db.Invoices.SingleAsync();
        Assert.Equal((ada.Id, "Ada Lovelace"), (invoice.MembershipId, invoice.BillingName));
    }
}
