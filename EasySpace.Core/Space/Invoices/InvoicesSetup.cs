using EasySpace.Core.Space.Community;
using EasySpace.Core.Space.Guests;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Passes;
using EasySpace.Core.Space.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Core.Space;

internal static class BillingSetup
{
    /// <summary>Invoices, payments, drop-in passes, wifi guest accounts and community events.</summary>
    public static IServiceCollection AddEasySpaceBilling(this IServiceCollection services)
    {
        services.AddSingleton<InvoiceService>();
        services.AddSingleton<InvoiceReader>();
        services.AddSingleton<PaymentRecorder>();
        services.AddSingleton<PaymentReader>();
        services.AddSingleton<DropInPassService>();
        services.AddSingleton<GuestAccountService>();
        services.AddSingleton<CommunityService>();
        return services;
    }
}
