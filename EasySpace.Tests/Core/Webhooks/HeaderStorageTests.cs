using EasySpace.Core.Data;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Webhooks;

/// <summary>Custom header values often hold API keys: encrypted at rest like the secret, sent in clear, never recorded.</summary>
public class HeaderStorageTests() : AppWithReceiverTest(new AppHost())
{
    [Fact]
    public async Task A_header_value_is_stored_encrypted_and_sent_as_typed()
    {
        var created = await app.CreateEndpointAsync(receiver.Url, ["created_admin"], headers: [new("X-Api-Key", "k-live-7d2f")]);

        var stored = StoredHeaders(created.Endpoint.Id);
        Assert.Contains("X-Api-Key", stored);
        Assert.DoesNotContain("k-live-7d2f", stored);

        await app.AddAdminAsync();
        Assert.Equal("k-live-7d2f", (await receiver.NextAsync()).Header("X-Api-Key"));
        Assert.Equal("k-live-7d2f", Assert.Single(app.Get<EndpointService>().HeadersOf(await app.EndpointAsync(created.Endpoint.Id))).Value);
    }

    [Fact]
    public async Task Values_an_older_version_stored_in_clear_are_encrypted_at_start_and_still_sent()
    {
        var created = await app.CreateEndpointAsync(receiver.Url, ["created_admin"]);
        // How versions before the encryption wrote them.
        Execute("UPDATE Endpoints SET Headers = '[{\"Name\":\"X-Api-Key\",\"Value\":\"k-old-456\"},{\"Name\":\"X-Team\",\"Value\":\"ops-team-berlin\"}]' WHERE Id = $id",
            created.Endpoint.Id);

        await app.Services.MigrateDatabaseAsync(); // what every start does
        var upgraded = StoredHeaders(created.Endpoint.Id);
        await app.Services.MigrateDatabaseAsync(); // and again: nothing left to encrypt, nothing encrypted twice

        Assert.DoesNotContain("k-old-456", upgraded);
        Assert.DoesNotContain("ops-team-berlin", upgraded);
        Assert.Equal(upgraded, StoredHeaders(created.Endpoint.Id));
        await app.AddAdminAsync();
        var request = await receiver.NextAsync();
        Assert.Equal("k-old-456", request.Header("X-Api-Key"));
        Assert.Equal("ops-team-berlin", request.Header("X-Team"));
    }

    private string StoredHeaders(long endpointId)
    {
        using var connection = app.OpenDatabase();
        return (string)connection.Scalar("SELECT Headers FROM Endpoints WHERE Id = $id", ("$id", endpointId))!;
    }

    private void Execute(string sql, long endpointId)
    {
        using var connection = app.OpenDatabase();
        Assert.Equal(1, connection.Execute(sql, ("$id", endpointId)));
    }
}
