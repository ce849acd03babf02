using System.Text;
using EasySpace.Core.Payments.PayPal;
using Microsoft.AspNetCore.Http.Features;

namespace EasySpace.Web.Payments;

/// <summary>
/// POST /payments/paypal/webhook: PayPal's notifications. Anonymous (PayPal has no login) and without antiforgery
/// (PayPal posts no form token); what makes a request trusted is PayPal's own answer to verify-webhook-signature,
/// checked in <see cref="PayPalWebhookReceiver"/>. The body is read raw, because that is what PayPal signed.
/// </summary>
public static class PayPalWebhookEndpoint
{
    public const string Path = "/payments/paypal/webhook";
    /// <summary>PayPal's events are a few kilobytes; anything near this is not one.</summary>
    public const int MaxBodyBytes = 512 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void MapPayPalWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, ReceiveAsync).AllowAnonymous().DisableAntiforgery();

    private static async Task<IResult> ReceiveAsync(HttpContext http, PayPalWebhookReceiver webhook, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxBodyBytes) return TooLarge();
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        string body;
        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, ct);
            body = StrictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { return TooLarge(); }
        catch (DecoderFallbackException) { body = ""; }   // not UTF-8, so not PayPal's: refused below like any unverified body

        var answer = await webhook.ReceiveAsync(body, name => http.Request.Headers[name].FirstOrDefault(), ct);
        return answer.Accepted ? Results.Json(new { received = true }) : Results.Json(new { error = answer.Message }, statusCode: StatusCodes.Status400BadRequest);
    }

    private static IResult TooLarge() =>
        Results.Json(new { error = $"A PayPal event is at most {MaxBodyBytes / 1024} KB." }, statusCode: StatusCodes.Status413PayloadTooLarge);
}
