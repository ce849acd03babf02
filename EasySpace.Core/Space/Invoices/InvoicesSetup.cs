using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space.Invoices;

internal static class InvoicesSetup
{
    /// <summary>Invoices: writing, numbering and sending them, and the lists.</summary>
    public static IServiceCollection AddEasySpaceInvoices(this IServiceCollection services)
    {
        services.AddSingleton<InvoiceService>();
        services.AddSingleton<InvoiceReader>();
        return services;
    }
}
