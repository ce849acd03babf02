using EasySpace.Core.Data;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Checkout;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Payments;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Payments;

/// <summary>
/// A set-up space (https://space.example.com) connected to the fake Stripe, on one fake clock. The fake delivers no
/// webhooks: the space's address is not this machine, so the return page and reconciliation must do.
/// </summary>
public abstract class StripeCoreTest : IAsyncLifetime
{
    protected FakeStripe stripe = null!;
    protected CoreHost core = null!;
    protected IServiceProvider Services => core.Services;

    public async Task InitializeAsync()
    {
        stripe = await FakeStripe.StartAsync();
        stripe.DeliverWebhooks = false;
        core = await CoreHost.StartAsync(new Dictionary<string, string?> { ["Payments:Stripe:ApiBase"] = stripe.ApiBase });
        stripe.Clock = core.Clock;
        await PublicUrlsTests.SetUpAsync(core, "https://space.example.com");
        await Services.ConnectStripeAsync();
    }

    public async Task DisposeAsync()
    {
        await core.DisposeAsync();
        await stripe.DisposeAsync();
    }
}

/// <summary>A member with a login, a plan and what they owe: the starting point of a checkout.</summary>
internal sealed record PayingMember(long MembershipId, string UserId, long PlanId);

/// <summary>The Stripe checkout tests' shared steps: connect Stripe to the fake, add a paying member, read what was recorded.</summary>
internal static class StripeCheckoutKit
{
    public const string SecretKey = "rk_test_51PgafTB7WZ01zgkWcheckoutKeyA1b2";
    public const string PublishableKey = "pk_test_51PgafTB7WZ01zgkWpublishable";
    /// <summary>The secret a forwarding tool (stripe listen) prints, pasted in the wizard's local mode.</summary>
    public const string ForwardingSecret = "whsec_forwardingtool0123456789abcdef";

    public static async Task ConnectStripeAsync(this IServiceProvider services, string? localSigningSecret = null)
    {
        var keys = new StripeKeys { Mode = ProviderMode.Test, SecretKey = SecretKey, PublishableKey = PublishableKey };
        var connected = await services.GetRequiredService<StripeConnector>().ConnectAsync(keys, localSigningSecret, BillingTestData.Actor);
        Assert.True(connected.Succeeded, connected.Errors.ToString());
    }

    public static async Task<PayingMember> AddPayingMemberAsync(this IServiceProvider services, decimal planPrice = 120m)
    {
        var plan = await services.AddPlanAsync(price: planPrice);
        var member = (await services.AddMemberAsync(plan.Id)).Membership;
        return new PayingMember(member.Id, member.UserId, plan.Id);
    }

    /// <summary>Cobot's example invoice for the member: 240.00 EUR with VAT, due in two weeks by the host's clock.</summary>
    public static Task<Invoice> OpenInvoiceAsync(this IServiceProvider services, PayingMember member)
    {
        var today = DateOnly.FromDateTime(services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        var draft = BillingTestData.CobotExample(today.AddDays(14));
        draft.MembershipId = member.MembershipId;
        return services.CreateInvoiceAsync(draft);
    }

    public static async Task<CheckoutStart> StartStripeCheckoutAsync(this IServiceProvider services, PayingMember member, CheckoutRequest request) =>
        (await services.GetRequiredService<CheckoutService>().StartAsync(member.UserId, request, PaymentProvider.Stripe)).Ok();

    /// <summary>A new member opens a Stripe checkout for an open invoice of theirs (240.00 EUR).</summary>
    public static async Task<(PayingMember Member, CheckoutStart Start, long InvoiceId)> StartInvoiceCheckoutAsync(this IServiceProvider services)
    {
        var member = await services.AddPayingMemberAsync();
        var invoice = await services.OpenInvoiceAsync(member);
        return (member, await services.StartStripeCheckoutAsync(member, new CheckoutRequest(PaymentPurpose.Invoice, invoice.Id)), invoice.Id);
    }

    public static async Task<Invoice> InvoiceAsync(this IServiceProvider services, long id)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == id);
    }

    public static async Task<List<Payment>> PaymentsAsync(this IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Payments.AsNoTracking().OrderBy(p => p.Id).ToListAsync();
    }

    public static async Task<PaymentAttempt> AttemptAsync(this IServiceProvider services, string id)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.PaymentAttempts.AsNoTracking().SingleAsync(a => a.Id == id);
    }

    public static async Task<PaymentSubscription> SubscriptionAsync(this IServiceProvider services, string stripeId)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.PaymentSubscriptions.AsNoTracking().SingleAsync(s => s.ProviderReference == stripeId);
    }

    /// <summary>The Stripe session id is the last segment of the hosted page's address.</summary>
    public static string SessionId(this CheckoutStart start) => start.RedirectUrl.Split('/')[^1];
}
