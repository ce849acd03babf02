using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Mail;

public static class MailSetup
{
    /// <summary>The mail server settings, the sender, and what the product e-mails.</summary>
    public static IServiceCollection AddEasySpaceMail(this IServiceCollection services, IConfiguration configuration)
    {
        // A Mail section that names a host must be usable: the app stops at start with the setting named, rather than
        // failing the first invoice.
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailOptions>, MailOptionsCheck>();
        services.AddSingleton<MailSettingsService>();
        services.AddSingleton<Mailer>();
        services.AddSingleton<AccountMail>();
        services.AddSingleton<InvoiceMail>();
        return services;
    }

    internal static MailServer ServerOf(MailOptions o) => new MailServer
    {
        Host = o.Host ?? "",
        Port = o.Port,
        Security = o.Security,
        User = o.User ?? "",
        Password = o.Password ?? "",
        SenderName = o.SenderName ?? "",
        SenderAddress = o.SenderAddress ?? "",
    }.Normalised();
}

/// <summary>Each problem of the Mail section with the setting it is about, e.g. "Mail:Port: Enter a port from 1 to 65535…".</summary>
internal sealed class MailOptionsCheck : IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        var failures = new List<string>();
        if (options.TimeoutSeconds is < 1 or > 600) failures.Add("Mail:TimeoutSeconds: enter from 1 to 600 seconds.");
        if (options.IsSet)
            foreach (var (field, messages) in MailServer.Problems(MailSetup.ServerOf(options)).ByField)
                failures.AddRange(messages.Select(m => $"{MailOptions.Section}:{field}: {m}"));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
