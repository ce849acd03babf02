using EasySpace.Tests.Fakes;

namespace EasySpace.Tests.Harness;

/// <summary>A set-up app and a receiver that really listens: the starting point of most webhook tests.</summary>
public abstract class AppWithReceiverTest(AppHost app) : IAsyncLifetime
{
    protected readonly AppHost app = app;
    protected Receiver receiver = default!;

    public virtual async Task InitializeAsync()
    {
        receiver = await Receiver.StartAsync();
        await app.SetUpSpaceAsync();
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        app.Dispose();
    }
}
