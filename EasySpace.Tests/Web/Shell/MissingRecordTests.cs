using System.Net;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Web.Shell;

public class MissingRecordTests : IAsyncLifetime
{
    private readonly AppHost app = new();

    public Task InitializeAsync() => app.SetUpSpaceAsync();

    public Task DisposeAsync()
    {
        app.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("/settings/integrations/webhooks/987654")]
    [InlineData("/settings/integrations/webhooks/987654/edit")]
    [InlineData("/members/987654")]
    [InlineData("/invoices/987654")]
    [InlineData("/community/987654")]
    public async Task A_direct_request_for_an_id_that_does_not_exist_answers_404_with_the_not_found_page(string path)
    {
        var owner = await app.LoggedInClientAsync(AppHost.OwnerEmail);

        var response = await owner.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("the thing it pointed to was deleted", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }
}
