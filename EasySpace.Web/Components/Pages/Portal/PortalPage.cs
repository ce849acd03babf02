using System.Globalization;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Space.Payments;
using Microsoft.AspNetCore.Components;
using EasySpace.Web.Components.Account;

namespace EasySpace.Web.Components.Pages.Portal;

/// <summary>
/// What every page of the member's own portal needs: whose records to read (the logged-in account, never an id from the
/// address) and how the space writes days, times and money (its time zone and country).
/// </summary>
public abstract class PortalPage : ComponentBase
{
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private InvoiceReader Space { get; set; } = default!;
    [Inject] private MembershipDirectory Memberships { get; set; } = default!;
    [Inject] private CheckoutService Checkout { get; set; } = default!;
    [Inject] protected TimeProvider Clock { get; set; } = default!;

    private CultureInfo culture = CultureInfo.InvariantCulture;

    /// <summary>The logged-in account; every reader the portal calls takes it and returns only that account's records.</summary>
    protected string UserId { get; private set; } = "";
    /// <summary>The account's membership; null for an account without one, whose portal pages are empty.</summary>
    protected MembershipSummary? Member { get; private set; }
    protected SpaceLocale Locale { get; private set; } = SpaceLocale.Unset;
    /// <summary>The providers a member can pay with now; empty (and no pay buttons) when none is active.</summary>
    protected IReadOnlyList<CheckoutOption> PayOptions { get; private set; } = [];
    protected bool Loaded { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        UserId = (await CurrentActor.GetAsync()).UserId;
        Locale = await Space.SpaceAsync();
        culture = TransactionText.CultureOf(Locale.Country);
        Member = UserId.Length == 0 ? null : await Memberships.FindByUserAsync(UserId);
        if (Member is not null)
        {
            PayOptions = await Checkout.OptionsAsync();
            await LoadAsync();
        }
        Loaded = true;
    }

    /// <summary>Reads the page's records; called once the account and the space are known.</summary>
    protected abstract Task LoadAsync();

    protected DateOnly Today => Locale.Clock.Today(Clock.GetUtcNow());

    protected string Day(DateOnly day) => Locale.Clock.Day(day);

    /// <summary>An instant on the space's wall clock.</summary>
    protected string Time(DateTimeOffset at) => Locale.Clock.When(at);

    /// <summary>An invoice's state in a member's words: open, overdue (past its due date), paid, or nothing to pay.</summary>
    protected string InvoiceState(InvoiceStatus status, DateOnly due) => status switch
    {
        InvoiceStatus.Paid => "Paid",
        InvoiceStatus.WrittenOff => "Nothing to pay (canceled by the space)",
        _ when due < Today => "Overdue",
        _ => "Open",
    };

    protected string Money(decimal amount, string currency) => TransactionText.Money(amount, currency, culture);
}
