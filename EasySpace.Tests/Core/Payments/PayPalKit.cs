using EasySpace.Core.Data;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Payments;

/// <summary>The PayPal checkout tests' starting points: a PayPal connection as the wizard stores it, a member with a user, things to pay.</summary>
internal static class PayPalKit
{
    private static int plans;

    /// <summary>
    /// Stores a PayPal connection the way the PayPal wizard does (client id in PublishableKey, the secret encrypted, our
    /// webhook's id, or none in local mode). The wizard is built in parallel; until it lands the row is made here.
    /// </summary>
    public static async Task ConnectPayPalAsync(this IServiceProvider services, FakePayPal paypal, string? webhookId, ProviderMode mode = ProviderMode.Test)
    {
        var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ProviderConnection.CredentialsProtection);
        var delivery = webhookId is null ? EventDelivery.Local : EventDelivery.Webhook;
        var connection = ProviderConnection.ConnectPayPal(mode, new ProviderAccount("paypal-app", "Co-Up", "DE", "EUR", true),
            new StoredCredentials(protector.Protect(paypal.Secret), "…" + paypal.Secret[^4..], paypal.ClientId),
            new WebhookRegistration(delivery, webhookId, null, null), "owner@example.com", DateTimeOffset.UtcNow);
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        db.ProviderConnections.Add(connection);
        await db.SaveChangesAsync();
    }

    /// <summary>A member (with a login) on a plan of <paramref name="price"/> EUR a month.</summary>
    public static async Task<(Membership Member, Plan Plan)> MemberAsync(this IServiceProvider services, decimal price = 120m)
    {
        var plan = await services.AddPlanAsync($"Flex desk {Interlocked.Increment(ref plans)}", price);
        var member = await services.AddMemberAsync(plan.Id);
        return (member.Membership, plan);
    }

    /// <summary>An open invoice of 240.00 EUR (Cobot's example) for the member.</summary>
    public static async Task<Invoice> InvoiceForAsync(this IServiceProvider services, Membership member)
    {
        var draft = BillingTestData.CobotExample((await services.TodayAsync()).AddDays(14));
        draft.MembershipId = member.Id;
        return await services.CreateInvoiceAsync(draft);
    }

    public static async Task<CheckoutStart> PayWithPayPalAsync(this IServiceProvider services, Membership member, CheckoutRequest request)
    {
        var started = await services.GetRequiredService<CheckoutService>().StartAsync(member.UserId, request, PaymentProvider.PayPal);
        Assert.True(started.Succeeded, started.Errors.ToString());
        return started.Value!;
    }

    // AttemptAsync and InvoiceAsync come from StripeCheckoutKit: they read our tables, whichever provider paid.

    /// <summary>The payments PayPal brought, oldest first.</summary>
    public static async Task<List<EasySpace.Core.Space.Payments.Payment>> PayPalPaymentsAsync(this IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Payments.AsNoTracking().Where(p => p.Provider == "paypal").OrderBy(p => p.Id).ToListAsync();
    }

    public static async Task<List<EasySpace.Core.Space.Payments.PaymentSubscription>> SubscriptionsAsync(this IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.PaymentSubscriptions.AsNoTracking().OrderBy(s => s.Id).ToListAsync();
    }

    public static async Task SellDayPassesAsync(this IServiceProvider services, decimal price)
    {
        var settings = services.GetRequiredService<SpaceSettingsService>();
        var current = (await settings.GetAsync())!;
        current.DropInPrice = price;
        var saved = await settings.SaveAsync(current, "owner@example.com");
        Assert.True(saved.Succeeded, saved.Errors.ToString());
    }
}
