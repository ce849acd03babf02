using System.Net;
using System.Text;
using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Invoices;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Mail;

/// <summary>
/// "Send invoice" e-mails the member their invoice: the space's name and address, the lines, the total, the due date
/// on the space's clock, and a link to pay it in the member portal. Sent after the invoice is recorded as sent, so a
/// slow mail server never holds the database.
/// </summary>
public sealed class InvoiceMail(IDbContextFactory<AppDbContext> dbFactory, Mailer mailer, PublicUrls urls, TimeProvider clock)
{
    public async Task<MailOutcome> SendAsync(long invoiceId, string actor, CancellationToken ct = default)
    {
        OutgoingMail mail;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == invoiceId, ct) is not { } invoice)
                return MailOutcome.Failed("There is no invoice with that id; it may have been deleted.");
            var member = invoice.MembershipId is { } id ? await db.Memberships.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct) : null;
            if (member is null) return MailOutcome.Failed("This invoice is not for a member, so EasySpace has no address to e-mail it to.");
            var payUrl = $"{await urls.BaseUrlAsync(ct)}/me/invoices/{invoice.Id}";
            mail = Compose(invoice, member.Email, member.Name, await SpaceClock.LoadAsync(db, ct), payUrl);
        }

        var outcome = await mailer.SendAsync(mail, ct);
        if (outcome.Sent)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var number = await db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.FormattedNumber).FirstAsync(ct);
            db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.InvoiceEmailed, number, clock.GetUtcNow(), $"to {mail.ToAddress}"));
            await db.SaveChangesAsync(ct);
        }
        return outcome;
    }

    internal static OutgoingMail Compose(Invoice invoice, string toAddress, string toName, SpaceClock spaceClock, string payUrl)
    {
        static string H(string? text) => WebUtility.HtmlEncode(text ?? "");
        var totals = invoice.Totals();
        var due = spaceClock.Day(invoice.DueDate);
        var issuer = string.Join(", ", new[] { invoice.IssuerCompany, invoice.IssuerAddress?.ReplaceLineEndings(", "), invoice.IssuerCountry }
            .Where(s => !string.IsNullOrWhiteSpace(s)));
        var lines = invoice.Items.OrderBy(i => i.Position).ToList();

        var html = new StringBuilder();
        html.Append($"<!DOCTYPE html><html><body style=\"font-family: sans-serif; color: #222; max-width: 40em\">");
        html.Append($"<h1 style=\"font-size: 1.3em\">{H(invoice.IssuerName)}</h1>");
        if (issuer.Length > 0) html.Append($"<p>{H(issuer)}</p>");
        html.Append($"<p>Hello {H(toName)},</p><p>here is invoice {H(invoice.FormattedNumber)} of {H(spaceClock.Day(invoice.IssuedOn))}, due on <b>{H(due)}</b>.</p>");
        html.Append("<table style=\"border-collapse: collapse; width: 100%\"><thead><tr><th align=\"left\">Description</th><th align=\"right\">Quantity</th><th align=\"right\">Unit amount</th><th align=\"right\">Net</th></tr></thead><tbody>");
        foreach (var item in lines)
            html.Append($"<tr><td>{H(item.Description)}</td><td align=\"right\">{H(BillingFormat.Decimal(item.Quantity))}</td><td align=\"right\">{H(BillingFormat.Money(item.Amount, invoice.Currency))}</td><td align=\"right\">{H(BillingFormat.Money(item.NetAmount, invoice.Currency))}</td></tr>");
        html.Append("</tbody></table>");
        html.Append($"<p>Net: {H(BillingFormat.Money(totals.Net, invoice.Currency))}<br>");
        foreach (var (rate, tax) in totals.Taxes)
            html.Append($"{H(invoice.TaxName ?? "Tax")} {H(BillingFormat.Decimal(rate))} %: {H(BillingFormat.Money(tax, invoice.Currency))}<br>");
        html.Append($"<b>Total: {H(BillingFormat.Money(totals.Total, invoice.Currency))}</b></p>");
        if (invoice.PaidAmount > 0) html.Append($"<p>Already paid: {H(BillingFormat.Money(invoice.PaidAmount, invoice.Currency))}. Still to pay: {H(BillingFormat.Money(invoice.Outstanding, invoice.Currency))}.</p>");
        if (invoice.InvoiceText is { } text) html.Append($"<p style=\"white-space: pre-line\">{H(text)}</p>");
        html.Append($"<p><a href=\"{H(payUrl)}\">Pay this invoice online</a> (you log in to your member page first).</p>");
        html.Append("</body></html>");

        var plain = new StringBuilder();
        plain.AppendLine(invoice.IssuerName);
        if (issuer.Length > 0) plain.AppendLine(issuer);
        plain.AppendLine().AppendLine($"Hello {toName},").AppendLine()
            .AppendLine($"here is invoice {invoice.FormattedNumber} of {spaceClock.Day(invoice.IssuedOn)}, due on {due}.").AppendLine();
        foreach (var item in lines)
            plain.AppendLine($"- {item.Description}: {BillingFormat.Decimal(item.Quantity)} × {BillingFormat.Money(item.Amount, invoice.Currency)} = {BillingFormat.Money(item.NetAmount, invoice.Currency)}");
        plain.AppendLine().AppendLine($"Total: {BillingFormat.Money(totals.Total, invoice.Currency)}");
        if (invoice.PaidAmount > 0) plain.AppendLine($"Still to pay: {BillingFormat.Money(invoice.Outstanding, invoice.Currency)}");
        plain.AppendLine().AppendLine($"Pay it online: {payUrl}");

        return new OutgoingMail(toAddress, toName, $"Invoice {invoice.FormattedNumber} from {invoice.IssuerName}", html.ToString(), plain.ToString());
    }
}
