using EasySpace.Core.Identity;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Dashboard;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace EasySpace.Web.Components.Pages.Dashboard;

public partial class DashboardPage
{
    [Inject] private SetupService Setup { get; set; } = default!;
    [Inject] private DashboardReader Dashboard { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private string? spaceName;
    private DashboardView? view;

    protected override async Task OnInitializedAsync()
    {
        spaceName = (await Setup.GetProfileAsync())?.Name;
        // Members see a welcome; only staff pay for reading the space's figures.
        if ((await Authorization.AuthorizeAsync((await AuthState).User, Policies.Staff)).Succeeded) view = await Dashboard.ReadAsync();
    }

    private static string MomentWord(BookingMoment moment) => moment switch
    {
        BookingMoment.Ended => "Ended",
        BookingMoment.Now => "Now",
        _ => "Later",
    };

    /// <summary>"3 more to collect" when the card shows only the first ones; the plain link otherwise.</summary>
    private static string MoreOr(int more, string what, string link) => more > 0 ? $"{link}: {more} {what}" : link;

    private string InDays(DateOnly day)
    {
        var days = day.DayNumber - view!.Clock.Today(view.Now).DayNumber;
        return days == 1 ? "tomorrow" : $"in {days} days";
    }

    private string TotalsLine() => string.Join("; ", view!.InvoiceTotals.Select(t =>
        $"{Core.Space.Invoices.BillingFormat.Money(t.Outstanding, t.Currency)} open"
        + (t.Overdue > 0 ? $", of which {Core.Space.Invoices.BillingFormat.Money(t.Overdue, t.Currency)} overdue" : "")));
}
