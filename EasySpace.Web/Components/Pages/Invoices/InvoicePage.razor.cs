using EasySpace.Core;
using EasySpace.Core.Payments;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Payments;
using EasySpace.Web.Components.Pages.Invoices.Components;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace EasySpace.Web.Components.Pages.Invoices;

/// <summary>One invoice: its state, actions, e-invoice file, line items and payments.</summary>
public partial class InvoicePage
{
    [Parameter] public long Id { get; set; }

    private Invoice? invoice;
    private InvoiceTotals? totals;
    private IReadOnlyList<PaymentRow> payments = [];
    private bool eInvoicing;
    private bool mailOn;
    private bool loaded;
    private ValidationErrors errors = new();
    private SpaceClock clock = SpaceClock.Utc;

    private string SendLabel => invoice switch
    {
        { IsSent: true } => "Send again",
        { HasEInvoice: false } when eInvoicing => "Send (asks for the e-invoice)",
        _ => "Send",
    };

    protected override async Task OnParametersSetAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        clock = await Clocks.CurrentAsync();
        invoice = await Reader.FindAsync(Id);
        totals = invoice?.Totals();
        payments = invoice is null ? [] : await PaymentsReader.ForInvoiceAsync(invoice.Id);
        eInvoicing = (await Invoices.GetSettingsAsync()).EInvoicingEnabled;
        mailOn = await MailSettings.IsOnAsync();
        loaded = true;
    }

    private async Task EditAsync()
    {
        var parameters = new DialogParameters<InvoiceFormDialog>
        {
            { d => d.InvoiceId, invoice!.Id },
            { d => d.Draft, InvoiceDraft.From(invoice) },
            { d => d.Actor, await ActorAsync() },
            { d => d.Currency, invoice.Currency },
            { d => d.Space, clock },
        };
        var dialog = await DialogService.ShowAsync<InvoiceFormDialog>($"Edit invoice {invoice.FormattedNumber}", parameters, InvoicesPage.Wide);
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add(invoice.HasEInvoice ? "Invoice saved. Its e-invoice no longer matched and was removed." : "Invoice saved.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task SendAsync()
    {
        var actor = await ActorAsync();
        var result = await Invoices.SendAsync(Id, actor);
        if (result.Value is not { IsSent: true })
        {
            await DoneAsync(result, "E-invoice requested. Attach the file, then send the invoice.");
            return;
        }
        // Recorded first, e-mailed after: a mail server that fails leaves the invoice sent, and says why no e-mail went out.
        var mail = await InvoiceMail.SendAsync(Id, actor);
        if (mail.Sent) await DoneAsync(result, "Invoice sent: the member has it by e-mail, with a link to pay online.");
        else if (mail.IsOff) await DoneAsync(result, "Invoice recorded as sent. E-mail is off, so no e-mail went out: deliver it to the member yourself.");
        else
        {
            await DoneAsync(result, "Invoice recorded as sent, but no e-mail went out.");
            errors = new ValidationErrors().Add("", $"The invoice e-mail did not go out: {mail.Problem}");
        }
    }

    private async Task MarkPaidAsync() => await DoneAsync(await Invoices.MarkPaidAsync(Id, await ActorAsync()), "Invoice marked paid.");

    private async Task MarkUnpaidAsync() => await DoneAsync(await Invoices.MarkUnpaidAsync(Id, await ActorAsync()), "Invoice marked unpaid.");

    private async Task WriteOffAsync()
    {
        if (await DialogService.ShowMessageBoxAsync("Write off this invoice?",
                $"Invoice {invoice!.FormattedNumber} will no longer be payable. This can't be undone.", yesText: "Write off", cancelText: "Cancel") != true)
            return;
        await DoneAsync(await Invoices.WriteOffAsync(Id, await ActorAsync()), "Invoice written off.");
    }

    private async Task DeleteAsync()
    {
        if (await DialogService.ShowMessageBoxAsync("Delete this invoice?",
                $"Invoice {invoice!.FormattedNumber} will be deleted for good; its number will not be used again.", yesText: "Delete", cancelText: "Cancel") != true)
            return;
        var result = await Invoices.DeleteAsync(Id, await ActorAsync());
        if (!result.Succeeded)
        {
            errors = result.Errors;
            return;
        }
        Snackbar.Add($"Invoice {invoice.FormattedNumber} deleted.", Severity.Success);
        Navigation.NavigateTo("invoices");
    }

    private async Task AttachAsync(IBrowserFile? file)
    {
        if (file is null) return;
        errors = new();
        if (file.Size > InvoiceService.MaxEInvoiceBytes)
        {
            errors = new ValidationErrors().Add("EInvoice", "The file is larger than 2 MB.");
            return;
        }
        await using var content = file.OpenReadStream(InvoiceService.MaxEInvoiceBytes);
        await DoneAsync(await Invoices.AttachEInvoiceAsync(Id, file.Name, content, await ActorAsync()), "E-invoice attached.");
    }

    private async Task RecordPaymentAsync()
    {
        var actor = await ActorAsync();
        var parameters = new DialogParameters<AmountDialog>
        {
            { d => d.Explanation, $"Money received for invoice {invoice!.FormattedNumber} outside EasySpace (cash, bank transfer). At most {BillingFormat.Money(invoice.Outstanding, invoice.Currency)} is still to pay." },
            { d => d.SubmitText, "Record payment" },
            { d => d.Currency, invoice.Currency },
                        { d => d.Amount, invoice.Outstanding },
            { d => d.Submit, async (amount, reference) =>
                (await Recorder.RecordPaymentAsync(invoice.Id, amount, invoice.Currency, PaymentProviders.Manual, reference, actor)).Errors },
        };
        var dialog = await DialogService.ShowAsync<AmountDialog>("Record a payment", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("Payment recorded.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task RefundAsync(PaymentRow payment)
    {
        var actor = await ActorAsync();
        var parameters = new DialogParameters<AmountDialog>
        {
            { d => d.Explanation, $"Money paid back from this payment, outside EasySpace. At most {BillingFormat.Money(payment.Refundable, payment.Currency)} can be refunded." },
            { d => d.SubmitText, "Record refund" },
            { d => d.Currency, payment.Currency },
            { d => d.Amount, payment.Refundable },
            { d => d.Submit, async (amount, reference) => (await Recorder.RecordRefundAsync(payment.Id, amount, reference, actor)).Errors },
        };
        var dialog = await DialogService.ShowAsync<AmountDialog>("Refund a payment", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("Refund recorded.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task DoneAsync(Result<Invoice> result, string success)
    {
        if (!result.Succeeded)
        {
            errors = result.Errors;
            return;
        }
        errors = new();
        Snackbar.Add(success, Severity.Success);
        await LoadAsync();
    }

    private async Task<string> ActorAsync() => (await CurrentActor.GetAsync()).Email;

    private static string FileSize(int bytes) => bytes >= 1024 * 1024 ? $"{bytes / 1024d / 1024d:0.0} MB" : $"{Math.Max(1, bytes / 1024)} KB";

    /// <summary>An instant on the space's clock, or nothing.</summary>
    private string When(DateTimeOffset? at) => at is { } t ? clock.When(t) : "";
}
