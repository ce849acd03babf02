using EasySpace.Core.Webhooks;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Webhooks;

/// <summary>Our deliveries, as the engine really sends them, verified by the npm packages standardwebhooks and svix.</summary>
public class SignatureEndToEndTests : IAsyncLifetime
{
    private readonly AppHost app = new();

    public Task InitializeAsync() => app.SetUpSpaceAsync();

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Third_party_libraries_verify_a_delivery_unchanged()
    {
        var secret = Signer.NewSecret();
        await using var node = await NodeReceiver.StartAsync(secret);
        var endpoint = (await app.CreateEndpointAsync(node.Url, ["created_admin"], secret: secret)).Endpoint;

        await app.AddAdminAsync();
        await app.PumpAsync();

        var check = Assert.Single(await node.ResultsAsync());
        Assert.True(check.BothVerified, check.Error);
        Assert.Equal("created_admin", check.Event);
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await app.DeliveriesAsync(endpoint.Id)).Status);
    }

    [Fact]
    public async Task During_a_rotation_receivers_on_the_old_secret_and_on_the_new_one_both_verify()
    {
        var oldSecret = Signer.NewSecret();
        var newSecret = Signer.NewSecret();
        await using var stillOnOld = await NodeReceiver.StartAsync(oldSecret);
        await using var alreadyOnNew = await NodeReceiver.StartAsync(newSecret);
        var a = (await app.CreateEndpointAsync(stillOnOld.Url, ["created_admin"], secret: oldSecret, name: "old")).Endpoint;
        var b = (await app.CreateEndpointAsync(alreadyOnNew.Url, ["created_admin"], secret: oldSecret, name: "new")).Endpoint;
        var endpoints = app.Get<EndpointService>();
        Assert.Equal(newSecret, (await endpoints.RotateSecretAsync(a.Id, newSecret, WebhookHostExtensions.Owner)).Value);
        Assert.Equal(newSecret, (await endpoints.RotateSecretAsync(b.Id, newSecret, WebhookHostExtensions.Owner)).Value);

        await app.AddAdminAsync();
        await app.PumpAsync();

        Assert.True(Assert.Single(await stillOnOld.ResultsAsync()).BothVerified);
        Assert.True(Assert.Single(await alreadyOnNew.ResultsAsync()).BothVerified);
    }
}

public class RotationGraceTests() : AppWithReceiverTest(new AppHost().With("Webhooks:PumpIntervalSeconds", "3600"))
{
    private Microsoft.Extensions.Time.Testing.FakeTimeProvider clock = default!;

    public override async Task InitializeAsync()
    {
        clock = app.UseFakeClock();
        await base.InitializeAsync();
    }

    [Fact]
    public async Task The_previous_secret_signs_alongside_the_new_one_for_24_hours_and_then_stops()
    {
        var endpoint = (await app.CreateEndpointAsync(receiver.Url, ["created_admin"])).Endpoint;
        var newSecret = (await app.Get<EndpointService>().RotateSecretAsync(endpoint.Id, null, WebhookHostExtensions.Owner)).Value!;

        clock.Advance(TimeSpan.FromHours(23));
        await app.AddAdminAsync();
        await app.PumpAsync();
        var during = await receiver.NextAsync();
        var signatures = during.Header("webhook-signature").Split(' ');
        Assert.Equal(2, signatures.Length);
        Assert.Equal(Signer.Sign(newSecret, during.Header("webhook-id"), long.Parse(during.Header("webhook-timestamp")), during.Body), signatures[0]);

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await app.AddAdminAsync();
        await app.PumpAsync();
        var after = await receiver.NextAsync();
        Assert.Equal(Signer.Sign(newSecret, after.Header("webhook-id"), long.Parse(after.Header("webhook-timestamp")), after.Body), after.Header("webhook-signature"));
    }
}
