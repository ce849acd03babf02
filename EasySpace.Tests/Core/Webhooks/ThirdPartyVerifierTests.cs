using EasySpace.Core.Events;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Webhooks;

/// <summary>
/// A subscriber checks our signatures with the libraries they would really use: the Standard Webhooks
/// reference library and Svix's, both run by Node in tools/webhook-receiver.mjs.
/// </summary>
public class ThirdPartyVerifierTests : IDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task A_signed_delivery_verifies_with_standardwebhooks_and_svix()
    {
        var secret = Signer.NewSecret();
        await using var receiver = await NodeReceiver.StartAsync(secret);
        var body = Encoding.UTF8.GetBytes("""{"type":"booking.created","data":{"id":42,"room":"Blue"}}""");

        var (response, id) = await DeliverAsync(receiver, body, secret, eventType: "booking.created");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var check = Assert.Single(await receiver.ResultsAsync());
        Assert.Equal(new ReceivedSignatureCheck(id, "booking.created", "1", StandardWebhooks: true, Svix: true, Error: null), check);
    }

    [Fact]
    public async Task The_receiver_answers_the_status_it_was_told_when_the_signature_verifies()
    {
        var secret = Signer.NewSecret();
        await using var receiver = await NodeReceiver.StartAsync(secret, status: 202);

        var (response, _) = await DeliverAsync(receiver, """{"type":"ping"}"""u8.ToArray(), secret);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_body_altered_by_one_byte_is_refused_by_both_libraries()
    {
        var secret = Signer.NewSecret();
        await using var receiver = await NodeReceiver.StartAsync(secret);
        var body = Encoding.UTF8.GetBytes("""{"type":"invoice.paid","data":{"amount":1000}}""");
        var altered = Encoding.UTF8.GetBytes("""{"type":"invoice.paid","data":{"amount":9000}}""");

        var (response, _) = await DeliverAsync(receiver, body, secret, sentBody: altered);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var check = Assert.Single(await receiver.ResultsAsync());
        Assert.False(check.StandardWebhooks);
        Assert.False(check.Svix);
        Assert.Contains("No matching signature found", check.Error);
    }

    [Fact]
    public async Task A_signature_made_during_a_rotation_verifies_with_the_old_secret()
    {
        var oldSecret = Signer.NewSecret();
        var newSecret = Signer.NewSecret();
        await using var receiver = await NodeReceiver.StartAsync(oldSecret);

        var (response, _) = await DeliverAsync(receiver, """{"type":"member.joined"}"""u8.ToArray(), newSecret, oldSecret);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(Assert.Single(await receiver.ResultsAsync()).BothVerified);
    }

    [Fact]
    public async Task A_signature_made_during_a_rotation_verifies_with_the_new_secret()
    {
        var oldSecret = Signer.NewSecret();
        var newSecret = Signer.NewSecret();
        await using var receiver = await NodeReceiver.StartAsync(newSecret);

        var (response, _) = await DeliverAsync(receiver, """{"type":"member.joined"}"""u8.ToArray(), newSecret, oldSecret);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(Assert.Single(await receiver.ResultsAsync()).BothVerified);
    }

    [Fact]
    public async Task A_receiver_with_an_unrelated_secret_refuses_the_delivery()
    {
        await using var receiver = await NodeReceiver.StartAsync(Signer.NewSecret());

        var (response, _) = await DeliverAsync(receiver, """{"type":"member.joined"}"""u8.ToArray(), Signer.NewSecret(), Signer.NewSecret());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var check = Assert.Single(await receiver.ResultsAsync());
        Assert.False(check.StandardWebhooks);
        Assert.False(check.Svix);
    }

    [Fact]
    public async Task A_body_with_non_ascii_text_verifies_with_both_libraries()
    {
        var secret = Signer.NewSecret();
        await using var receiver = await NodeReceiver.StartAsync(secret);
        var body = Encoding.UTF8.GetBytes("""{"type":"space.renamed","data":{"name":"Café ☕ Zürich — 東京"}}""");

        var (response, _) = await DeliverAsync(receiver, body, secret);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(Assert.Single(await receiver.ResultsAsync()).BothVerified);
    }

    [Fact]
    public async Task A_typed_24_byte_secret_like_svix_issues_verifies_with_both_libraries()
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        await using var receiver = await NodeReceiver.StartAsync(secret);

        var (response, _) = await DeliverAsync(receiver, """{"test": 2432232314}"""u8.ToArray(), secret);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(Assert.Single(await receiver.ResultsAsync()).BothVerified);
    }

    [Fact]
    public async Task A_large_body_verifies_with_both_libraries()
    {
        var secret = Signer.NewSecret();
        await using var receiver = await NodeReceiver.StartAsync(secret);
        var body = Encoding.UTF8.GetBytes("{\"type\":\"report.ready\",\"data\":\"" + new string('x', 200_000) + "\"}");

        var (response, _) = await DeliverAsync(receiver, body, secret);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(Assert.Single(await receiver.ResultsAsync()).BothVerified);
    }

    /// <summary>
    /// Signs <paramref name="signedBody"/> now (both libraries refuse timestamps more than 5 minutes off their clock)
    /// and POSTs <paramref name="sentBody"/>, the signed body unless a test tampers with it.
    /// </summary>
    private async Task<(HttpResponseMessage Response, string Id)> DeliverAsync(
        NodeReceiver receiver, byte[] signedBody, string secret, string? previousSecret = null, byte[]? sentBody = null, string? eventType = null)
    {
        var id = MessageIds.New();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url)
        {
            Content = new ByteArrayContent(sentBody ?? signedBody) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString());
        request.Headers.Add("webhook-signature", Signer.SignatureHeader(secret, previousSecret, id, timestamp, signedBody));
        if (eventType is not null)
        {
            request.Headers.Add("x-easyspace-event", eventType);
            request.Headers.Add("x-easyspace-attempt", "1");
        }
        return (await http.SendAsync(request), id);
    }

    public void Dispose() => http.Dispose();
}
