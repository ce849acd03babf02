using EasySpace.Core.Mail;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Mail;

/// <summary>A set-up space (https://space.example.com) whose e-mail goes to a recording SMTP server.</summary>
internal static class MailKit
{
    public static async Task<(CoreHost Core, SmtpRecorder Smtp)> StartAsync()
    {
        var smtp = await SmtpRecorder.StartAsync();
        var core = await BillingTestData.StartAsync();
        await core.Get<MailSettingsService>().SaveAsync(new MailServer
        {
            Host = SmtpRecorder.Host, Port = smtp.Port, Security = MailSecurity.None,
            SenderName = "Co-Up Berlin", SenderAddress = "hello@co-up.example",
        }, BillingTestData.Actor);
        return (core, smtp);
    }
}
