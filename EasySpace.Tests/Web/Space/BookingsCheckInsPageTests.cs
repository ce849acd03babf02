using EasySpace.Core;
using Bunit;
using EasySpace.Core.Space.Bookings;
using EasySpace.Core.Space.CheckIns;
using EasySpace.Tests.Core.Space;
using EasySpace.Web.Components.Pages.CheckIns;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Web.Space;

/// <summary>The Check-ins page (part of the Bookings slice): who is in, checking in and out, badge tokens.</summary>
public class BookingsCheckInsPageTests : BookingsPageTest
{
    private CheckInDirectory Directory => Services.GetRequiredService<CheckInDirectory>();

    private static void Submit<T>(IRenderedComponent<T> page, string buttonTestId) where T : Microsoft.AspNetCore.Components.IComponent => page.Find($"[data-testid={buttonTestId}]").Closest("form")!.Submit();

    [Fact]
    public void Checking_in_without_a_name_says_so_at_the_field()
    {
        var page = RenderWithDialogs<CheckInsPage>();
        page.WaitForElement("[data-testid=present-empty]", Patience);

        Submit(page, "checkin-submit");

        page.WaitForAssertion(() => Assert.Contains("Enter the member's name.", Text(page)), Patience);
    }

    [Fact]
    public async Task A_member_checked_in_is_listed_and_checking_out_takes_them_off()
    {
        var page = RenderWithDialogs<CheckInsPage>();
        page.WaitForElement("[data-testid=present-empty]", Patience);

        Fill(page, "checkin-member", "<i>Ada</i>");
        Submit(page, "checkin-submit");
        page.WaitForAssertion(() => Assert.Equal("<i>Ada</i>", page.Find("[data-testid=present-member] [data-testid=member-name]").TextContent), Patience);
        Assert.Empty(page.FindAll("[data-testid=present-member] i"));
        var since = Berlin.Time(Assert.Single(await Directory.PresentAsync()).ValidFrom);
        Assert.Contains(since, page.Markup); // on the space's clock

        Fill(page, "checkin-member", "<i>Ada</i>");
        Submit(page, "checkin-submit");
        page.WaitForAssertion(() => Assert.Contains($"is already checked in (since {since}).", page.Markup), Patience);

        page.Find("button[data-testid=checkout]").Click();
        page.WaitForElement("[data-testid=present-empty]", Patience);
        Assert.Single(await Services.EventsAsync("created_checkout"));
        Assert.Empty(await Directory.PresentAsync());
    }

    [Fact]
    public async Task Tokens_are_checked_added_used_and_removed_after_a_confirmation()
    {
        var page = RenderWithDialogs<CheckInsPage>();
        page.WaitForElement("[data-testid=tokens-empty]", Patience);

        Fill(page, "token-value", "abc");
        Fill(page, "token-member", "Grace Hopper");
        Submit(page, "token-add");
        page.WaitForAssertion(() => Assert.Contains("A token has at least 4 characters.", page.Markup), Patience);

        Fill(page, "token-value", "04:A2:3B:9C");
        Submit(page, "token-add");
        page.WaitForAssertion(() => Assert.Equal("04:A2:3B:9C", page.Find("[data-testid=token-row-value]").TextContent), Patience);

        Fill(page, "checkin-token", "FF:FF:FF:FF");
        Submit(page, "checkin-token-submit");
        page.WaitForAssertion(() => Assert.Contains("No member has this token.", page.Markup), Patience);
        Fill(page, "checkin-token", "04:A2:3B:9C");
        Submit(page, "checkin-token-submit");
        page.WaitForAssertion(() => Assert.Equal("Grace Hopper", page.Find("[data-testid=present-member] [data-testid=member-name]").TextContent), Patience);

        page.Find("button[data-testid=token-delete]").Click();
        Confirm("Remove");
        page.WaitForElement("[data-testid=tokens-empty]", Patience);
        Assert.Empty(await Directory.TokensAsync());
        Assert.Single(await Services.EventsAsync("deleted_checkin_token"));
    }
}
