using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Payments;
using EasySpace.Core.Payments.Inbox;
using EasySpace.Web.Security;
using Microsoft.EntityFrameworkCore;
using Stripe;

namespace EasySpace.Web.Payments;

/// <summary>
/// POST /payments/stripe/webhook: Stripe's events. The raw body is verified against the Stripe-Signature header with our
/// endpoint's signing secret (300 s tolerance, on our clock); anything unverified is answered 400 and logged with the
/// reason, and nothing else happens. A verified event is stored in the provider inbox, then processed; it is answered
/// 200 once stored, even when processing fails, because the reconciliation job retries it from the inbox.
/// </summary>
public static class StripeWebhookEndpoint
{
    /// <summary>Stripe's events are a few kilobytes; a body far beyond that is not one.</summary>
    public const int MaxBodyBytes = 512 * 1024;
    public const long ToleranceSeconds = 300;

    public static void MapStripeWebhook(this IEndpointRouteBuilder app) =>
        // Stripe has no cookie and no antiforgery token: the signature is the authentication.
        app.MapPost(StripeConnector.WebhookPath, ReceiveAsync).AllowAnonymous().DisableAntiforgery();

    private static async Task<IResult> ReceiveAsync(HttpContext http, StripeConnector stripe, ProviderInbox inbox,
        IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, CancellationToken ct)
    {
        var bytes = await http.Request.ReadLimitedAsync(MaxBodyBytes, ct);
        if (bytes is null)
            return await RefuseAsync(http, dbFactory, clock, StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBodyBytes / 1024} KB");
        var body = System.Text.Encoding.UTF8.GetString(bytes);

        if (await stripe.SigningSecretAsync(ct) is not { } secret)
            return await RefuseAsync(http, dbFactory, clock, StatusCodes.Status400BadRequest,
                "no signing secret: Stripe is not connected, or runs in local mode without a pasted signing secret");
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(body, http.Request.Headers["Stripe-Signature"].ToString(), secret, ToleranceSeconds,
                clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is StripeException or Newtonsoft.Json.JsonException or ArgumentException or FormatException)
        {
            // Stripe.net's reason (no signature, a bad one, a stale timestamp) names neither the body nor the secret.
            return await RefuseAsync(http, dbFactory, clock, StatusCodes.Status400BadRequest, e.Message);
        }
        if (string.IsNullOrEmpty(stripeEvent.Id) || string.IsNullOrEmpty(stripeEvent.Type))
            return await RefuseAsync(http, dbFactory, clock, StatusCodes.Status400BadRequest, "the signed body is not a Stripe event");

        var stored = await inbox.AcceptAsync(PaymentProvider.Stripe, stripeEvent.Id, stripeEvent.Type, body, EventSource.Webhook, ct);
        return Results.Json(new { received = true, duplicate = stored == InboxResult.AlreadyKnown });
    }

    private static async Task<IResult> RefuseAsync(HttpContext http, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, int status, string why)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(http.RequestAborted))
        {
            db.ActivityLog.Add(ActivityEntry.Record("Stripe webhook", ActivityKinds.StripeNoticeRefused, StripeConnector.WebhookPath, clock.GetUtcNow(),
                $"from {http.Connection.RemoteIpAddress}: {why}"));
            await db.SaveChangesAsync(http.RequestAborted);
        }
        return Results.Json(new { error = $"Refused: {why.TrimEnd('.')}." }, statusCode: status);
    }
}
