using EasySpace.Core.Mail;
using EasySpace.Core.Space.Invoices;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Mail;

/// <summary>"Send invoice" e-mails the member the invoice with a link to pay it in the member portal.</summary>
public class InvoiceMailTests
{
    [Fact]
    public async Task The_member_gets_the_invoice_as_HTML_with_the_spaces_details_lines_total_due_day_and_pay_link()
    {
        var (core, smtp) = await MailKit.StartAsync();
        await using var _ = core;
        await using var __ = smtp;
        var invoice = await MiasInvoiceAsync(core);
        (await core.Get<InvoiceService>().SendAsync(invoice.Id, BillingTestData.Actor)).Ok();

        var outcome = await core.Get<InvoiceMail>().SendAsync(invoice.Id, BillingTestData.Actor);

        Assert.True(outcome.Sent, outcome.Problem);
        var message = await smtp.NextAsync();
        Assert.Equal("mia@example.com", message.To.Mailboxes.Single().Address);
        Assert.Equal($"Invoice {invoice.FormattedNumber} from {invoice.IssuerName}", message.Subject);
        var html = message.HtmlBody;
        Assert.Contains(invoice.IssuerName, html);
        Assert.Contains("monthly rent", html);
        Assert.Contains("2 time passes", html);
        Assert.Contains("Total: 240.00 EUR", html);
        Assert.Contains("Mon 16 Mar 2026", html);                             // the due day on the space's clock
        Assert.Contains($"href=\"https://space.example.com/me/invoices/{invoice.Id}\"", html);
        Assert.Contains($"https://space.example.com/me/invoices/{invoice.Id}", message.TextBody);
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'invoice.e-mailed'"));
    }

    [Fact]
    public async Task What_a_member_typed_is_encoded_in_the_HTML()
    {
        var (core, smtp) = await MailKit.StartAsync();
        await using var _ = core;
        await using var __ = smtp;
        var invoice = await MiasInvoiceAsync(core, d => d.Items[0].Description = "<script>alert(1)</script>");

        Assert.True((await core.Get<InvoiceMail>().SendAsync(invoice.Id, BillingTestData.Actor)).Sent);

        var html = (await smtp.NextAsync()).HtmlBody;
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Fact]
    public async Task Without_e_mail_sending_still_marks_it_sent_and_says_no_e_mail_went_out()
    {
        await using var core = await BillingTestData.StartAsync();
        var invoice = await MiasInvoiceAsync(core);

        var sent = (await core.Get<InvoiceService>().SendAsync(invoice.Id, BillingTestData.Actor)).Ok();
        var outcome = await core.Get<InvoiceMail>().SendAsync(invoice.Id, BillingTestData.Actor);

        Assert.True(sent.IsSent);
        Assert.True(outcome.IsOff);
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM ActivityLog WHERE Action = 'invoice.e-mailed'"));
    }

    [Fact]
    public async Task An_invoice_without_a_member_has_no_one_to_e_mail()
    {
        var (core, smtp) = await MailKit.StartAsync();
        await using var _ = core;
        await using var __ = smtp;
        var invoice = await core.Services.CreateInvoiceAsync();

        var outcome = await core.Get<InvoiceMail>().SendAsync(invoice.Id, BillingTestData.Actor);

        Assert.False(outcome.Sent);
        Assert.Equal("This invoice is not for a member, so EasySpace has no address to e-mail it to.", outcome.Problem);
        Assert.Empty(smtp.Messages);
    }

    /// <summary>Cobot's example invoice, for the member Mia Keller (mia@example.com).</summary>
    private static async Task<Invoice> MiasInvoiceAsync(CoreHost core, Action<InvoiceDraft>? change = null)
    {
        var plan = await core.Services.AddPlanAsync();
        var mia = await core.Services.AddMemberAsync(plan.Id, "Mia Keller", "mia@example.com");
        var draft = BillingTestData.CobotExample();
        draft.MembershipId = mia.Membership.Id;
        change?.Invoke(draft);
        return await core.Services.CreateInvoiceAsync(draft);
    }
}
