using Bunit;
using EasySpace.Core.Mail;
using EasySpace.Core.Space.Invoices;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Web.Components.Pages.Invoices;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Web.Space;

/// <summary>"Send" on an invoice: e-mailed to the member when e-mail is on, said plainly when it is off.</summary>
public class InvoiceMailPageTests : MembersComponentTest
{
    private async Task<Invoice> MiasInvoiceAsync()
    {
        var plan = await S.AddPlanAsync();
        var mia = await S.AddMemberAsync(plan.Id, "Mia Keller", "mia@example.com");
        var draft = BillingTestData.CobotExample(due: DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));   // this bUnit host runs on the real clock
        draft.MembershipId = mia.Membership.Id;
        return await S.CreateInvoiceAsync(draft);
    }

    [Fact]
    public async Task With_e_mail_on_Send_e_mails_the_member()
    {
        await using var smtp = await SmtpRecorder.StartAsync();
        (await S.GetRequiredService<MailSettingsService>().SaveAsync(new MailServer
        {
            Host = SmtpRecorder.Host, Port = smtp.Port, Security = MailSecurity.None, SenderName = "Co-Up", SenderAddress = "hello@co-up.example",
        }, "test")).Ok();
        var invoice = await MiasInvoiceAsync();
        LogInAsOwner();
        var page = RenderPage<InvoicePage>(p => p.Add(x => x.Id, invoice.Id));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=invoice-email-on]")));

        Click(page, "invoice-send");

        Assert.Equal("mia@example.com", (await smtp.NextAsync()).To.Mailboxes.Single().Address);
        page.WaitForAssertion(() => Assert.Contains("Send again", page.Markup));
    }

    [Fact]
    public async Task With_e_mail_off_the_page_says_so_and_Send_still_marks_the_invoice_sent()
    {
        var invoice = await MiasInvoiceAsync();
        LogInAsOwner();
        var page = RenderPage<InvoicePage>(p => p.Add(x => x.Id, invoice.Id));
        page.WaitForAssertion(() => Assert.Contains("E-mail is off", page.Find("[data-testid=email-off]").TextContent));

        Click(page, "invoice-send");

        page.WaitForAssertion(() => Assert.Contains("Send again", page.Markup));
        Assert.True((await S.GetRequiredService<InvoiceReader>().FindAsync(invoice.Id))!.IsSent);
    }
}
