using EasySpace.Core;
using EasySpace.Core.Space.Members;
using EasySpace.Web.Components.Pages.Members.Components;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EasySpace.Web.Components.Pages.Members;

/// <summary>One membership: its plan and dates, details, account, and the dialogs that change them.</summary>
public partial class MemberPage
{
    [Parameter] public long Id { get; set; }

    private MemberView? view;
    private bool loaded;
    private string actor = "";
    private SpaceClock clock = SpaceClock.Utc;

    protected override async Task OnParametersSetAsync()
    {
        actor = (await CurrentActor.GetAsync()).Email;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        clock = await Clocks.CurrentAsync();
        view = await Directory.GetAsync(Id);
        loaded = true;
    }

    private string Day(DateOnly date) => clock.Day(date);

    private static string Initials(string name) =>
        string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(p => char.ToUpperInvariant(p[0])));

    /// <summary>Opens a dialog; on success says so and reloads the page's data.</summary>
    private async Task OpenAsync<TDialog>(string title, DialogParameters<TDialog> parameters, string success) where TDialog : IComponent
    {
        var dialog = await Dialogs.ShowAsync<TDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add(success, Severity.Success);
            await LoadAsync();
        }
    }

    private Task EditDetailsAsync() => OpenAsync("Edit details",
        new DialogParameters<EditDetailsDialog> { { d => d.Membership, view!.Membership }, { d => d.Actor, actor } }, "Details saved.");

    private Task ChangeEmailAsync() => OpenAsync("Change e-mail",
        new DialogParameters<ChangeEmailDialog> { { d => d.Membership, view!.Membership }, { d => d.Actor, actor } }, "E-mail address changed.");

    private Task ChangePlanAsync() => OpenAsync("Change plan", new DialogParameters<ChangePlanDialog>
    {
        { d => d.MembershipId, Id }, { d => d.CurrentPlan, view!.Plan.Name }, { d => d.CurrentPlanId, view.Plan.Id }, { d => d.Actor, actor }, { d => d.Space, clock },
    }, "Plan change saved.");

    private Task CancelAsync() => OpenAsync(view!.Membership.CanceledTo is null ? "Cancel membership" : "Change end date", new DialogParameters<CancelDialog>
    {
        { d => d.MembershipId, Id }, { d => d.CurrentEnd, view.Membership.CanceledTo }, { d => d.Actor, actor }, { d => d.Space, clock },
    }, "Cancellation saved.");

    private Task ChangePaymentMethodAsync() => OpenAsync("Payment method", new DialogParameters<PaymentMethodDialog>
    {
        { d => d.MembershipId, Id }, { d => d.Current, view!.Membership.PaymentMethod }, { d => d.Actor, actor },
    }, "Payment method changed.");

    private Task TimePassesAsync(bool adding) => OpenAsync(adding ? "Add time passes" : "Remove time passes", new DialogParameters<TimePassesDialog>
    {
        { d => d.MembershipId, Id }, { d => d.Adding, adding }, { d => d.Current, view!.Membership.TimePasses }, { d => d.Actor, actor },
    }, adding ? "Time passes added." : "Time passes removed.");

    private Task EditCustomFieldsAsync() => OpenAsync("Custom fields", new DialogParameters<CustomFieldsDialog>
    {
        { d => d.Membership, view!.Membership }, { d => d.FieldNames, view.CustomFieldNames }, { d => d.Actor, actor },
    }, "Custom fields saved.");

    private Task ChangePictureAsync() => OpenAsync("Picture", new DialogParameters<PictureDialog>
    {
        { d => d.MembershipId, Id }, { d => d.Actor, actor },
    }, "Picture saved.");

    /// <summary>Asks first, then runs a one-click action; its errors show in a snackbar.</summary>
    private async Task ConfirmAsync(string title, string question, string yes, Func<Task<Result<Membership>>> action, string success)
    {
        if (await Dialogs.ShowMessageBoxAsync(title, question, yesText: yes, cancelText: "Cancel") != true) return;
        var result = await action();
        if (result.Succeeded) Snackbar.Add(success, Severity.Success);
        else Snackbar.Add(string.Join(" ", result.Errors.ByField.SelectMany(e => e.Value)), Severity.Error);
        await LoadAsync();
    }

    private Task DropPlanChangeAsync() => ConfirmAsync("Withdraw plan change", $"Keep {view!.Membership.Name} on {view.Plan.Name}?", "Withdraw",
        () => Memberships.DropPlanChangeAsync(Id, actor), "Planned change withdrawn.");

    private Task UncancelAsync() => ConfirmAsync("Remove cancellation", $"Keep {view!.Membership.Name}'s membership running?", "Remove cancellation",
        () => Memberships.UncancelAsync(Id, actor), "Cancellation removed.");

    private Task ReactivateAsync() => ConfirmAsync("Reactivate", $"Reactivate {view!.Membership.Name}'s membership?", "Reactivate",
        () => Memberships.ReactivateAsync(Id, actor), "Membership reactivated.");

    private Task RemovePictureAsync() => ConfirmAsync("Remove picture", $"Remove {view!.Membership.Name}'s picture?", "Remove",
        () => Memberships.RemovePictureAsync(Id, actor), "Picture removed.");

    private async Task ResetPasswordAsync()
    {
        var name = view!.Membership.Name;
        if (await Dialogs.ShowMessageBoxAsync("New password", $"Give {name} a new random password? The old one stops working at once.",
                yesText: "New password", cancelText: "Cancel") != true) return;
        var result = await Accounts.ResetPasswordAsync(Id, actor);
        if (!result.Succeeded) { Snackbar.Add(string.Join(" ", result.Errors.ByField.SelectMany(e => e.Value)), Severity.Error); return; }
        var shown = await Dialogs.ShowAsync<PasswordOnceDialog>($"{name}'s new password", new DialogParameters<PasswordOnceDialog>
        {
            { d => d.Intro, $"{name} logs in with {view.Membership.Email} and this password:" }, { d => d.Password, result.Value! },
        });
        await shown.Result;
    }

    private async Task DeleteAsync()
    {
        var m = view!.Membership;
        if (await Dialogs.ShowMessageBoxAsync("Delete membership",
                $"Delete the membership of {m.Name} ({m.Email})? Their login is deleted too. This cannot be undone.",
                yesText: $"Delete {m.Name}", cancelText: "Cancel") != true) return;
        var result = await Memberships.DeleteAsync(Id, actor);
        if (!result.Succeeded) { Snackbar.Add(string.Join(" ", result.Errors.ByField.SelectMany(e => e.Value)), Severity.Error); await LoadAsync(); return; }
        Snackbar.Add($"The membership of {m.Name} was deleted.", Severity.Success);
        Navigation.NavigateTo("members");
    }
}
