using Bunit;
using EasySpace.Core.Identity;
using EasySpace.Web.Components.Pages.Integrations.ApiAccess;

namespace EasySpace.Tests.Web.Integrations;

public class ApiAccessTests : IntegrationsTest
{
    private IRenderedComponent<ApiAccessPage> RenderPage()
    {
        var page = Render<ApiAccessPage>();
        page.WaitForElement("[data-testid=tokens-table]");
        return page;
    }

    [Fact]
    public void The_page_links_to_the_API_reference_and_the_OpenAPI_document()
    {
        var page = RenderPage();

        Assert.Equal("/api/docs", page.Find("[data-testid=api-docs-link]").GetAttribute("href"));
        Assert.Equal("/openapi/v1.json", page.Find("[data-testid=openapi-link]").GetAttribute("href"));
        Assert.Contains("No tokens yet.", page.Markup);
    }

    [Fact]
    public async Task A_created_token_is_shown_once_and_then_only_its_prefix()
    {
        var page = RenderPage();

        page.Find("button[data-testid=create-token]").Click();
        Type(DialogProvider, "token-name-input", "CRM sync");
        DialogProvider.Find("[data-testid=scope-read_subscriptions] input, input[data-testid=scope-read_subscriptions]").Change(true);
        DialogProvider.Find("[data-testid=scope-write_subscriptions] input, input[data-testid=scope-write_subscriptions]").Change(true);
        DialogProvider.Find("button[data-testid=token-create-confirm]").Click();

        DialogProvider.WaitForAssertion(() => Assert.True(DialogProvider.FindAll("[data-testid=new-token]").Count > 0, DialogProvider.Markup), TimeSpan.FromSeconds(5));
        var token = DialogProvider.Find("[data-testid=new-token]").TextContent;
        Assert.StartsWith(ApiTokenService.TokenPrefix, token);
        var caller = await Get<ApiTokenService>().AuthenticateAsync(token);
        Assert.Equal(OwnerEmail, caller!.Email);
        Assert.Equal([ApiScopes.ReadSubscriptions, ApiScopes.WriteSubscriptions], caller.Scopes);

        DialogProvider.Find("button[data-testid=new-token-done]").Click();

        DialogProvider.WaitForAssertion(() => Assert.DoesNotContain(token, DialogProvider.Markup));
        page.WaitForAssertion(() => Assert.Equal("CRM sync", page.Find("[data-testid=token-name]").TextContent));
        Assert.Equal(token[..ApiToken.PrefixLength] + "…", page.Find("[data-testid=token-prefix]").TextContent);
        Assert.DoesNotContain(token, page.Markup);
        Assert.DoesNotContain(token, RenderPage().Markup);
    }

    [Fact]
    public void A_token_needs_a_name_and_a_scope()
    {
        RenderPage().Find("button[data-testid=create-token]").Click();

        DialogProvider.WaitForElement("button[data-testid=token-create-confirm]").Click();

        DialogProvider.WaitForAssertion(() => Assert.Equal("Choose at least one scope.", DialogProvider.Find("[data-testid=scopes-error]").TextContent));
        Assert.Contains("Enter a name for the token.", DialogProvider.Markup);
    }

    [Fact]
    public async Task Revoking_asks_first_then_the_token_stops_working()
    {
        var created = await Get<ApiTokenService>().CreateAsync(Owner.UserId, "Books", [ApiScopes.Read], OwnerEmail);
        var page = RenderPage();

        page.Find("button[data-testid=token-revoke]").Click();
        DialogProvider.WaitForAssertion(() => Assert.Contains("Revoke the token “Books”", DialogProvider.Markup));
        ClickButton(DialogProvider, "Revoke");

        page.WaitForElement("[data-testid=token-revoked]");
        Assert.Null(await Get<ApiTokenService>().AuthenticateAsync(created.Value!.Token));
    }
}
