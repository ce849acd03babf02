using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space.Payments;

internal static class PaymentRecordsSetup
{
    /// <summary>The money recorded against invoices (by hand or from a provider) and the transactions list.</summary>
    public static IServiceCollection AddEasySpacePaymentRecords(this IServiceCollection services)
    {
        services.AddSingleton<PaymentRecorder>();
        services.AddSingleton<PaymentReader>();
        return services;
    }
}
