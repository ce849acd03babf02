using EasySpace.Core;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Webhooks;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Fakes;
using EasySpace.Tests.Harness;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EasySpace.Tests.E2E;

/// <summary>
/// Names, addresses and descriptions as long as each field accepts, typed as one word with no space to break at (a
/// pasted token, a mistake): the pages that show them wrap them instead of growing sideways. Found from outside: one
/// such value made an invoice 9,313 px wide.
/// </summary>
[Collection(BrowserCollection.Name)]
public class UnbrokenTextBrowserTests(BrowserFixture browser, UnbrokenTextBrowserTests.LongWords space) : IClassFixture<UnbrokenTextBrowserTests.LongWords>
{
    /// <summary>A space whose plan, member, invoice and failing webhook each carry the longest unbroken value allowed.</summary>
    public sealed class LongWords : IAsyncLifetime
    {
        private Receiver receiver = default!;

        public AppHost App { get; } = new();
        public long MemberId { get; private set; }
        public long InvoiceId { get; private set; }
        public long WebhookId { get; private set; }

        // One letter per field, so a test can wait for the field it expects on a page.
        public static readonly string PlanName = new('P', PlanService.NameMax);
        public static readonly string MemberName = new('M', MemberInputRules.NameMax);
        public static readonly string Company = new('C', MemberInputRules.CompanyMax);
        public static readonly string Address = new('A', MemberInputRules.AddressMax);
        public static readonly string InvoiceText = new('T', 2000);
        public static readonly string Line = new('L', 500);
        public static readonly string WebhookName = new('W', EndpointService.MaxNameLength);

        public async Task InitializeAsync()
        {
            await App.SetUpSpaceAsync("Co-Up Berlin");
            var plan = await App.Services.AddPlanAsync(PlanName);
            var member = await App.Get<MembershipService>().CreateAsync(
                new NewMember { Name = MemberName, Email = "mia@example.com", PlanId = plan.Id, Company = Company, Address = Address }, "test");
            MemberId = member.Ok().Membership.Id;

            var draft = BillingTestData.CobotExample(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14));
            (draft.Name, draft.Company, draft.FullAddress, draft.InvoiceText, draft.MembershipId) = (MemberName, Company, Address, InvoiceText, MemberId);
            draft.Items[0].Description = Line;
            InvoiceId = (await App.Services.CreateInvoiceAsync(draft)).Id;

            // Failing: its last attempts all got HTTP 500, so the dashboard warns about it by name.
            receiver = await Receiver.StartAsync();
            receiver.Respond = Receiver.Status(500);
            WebhookId = (await App.CreateEndpointAsync(receiver.Url, ["created_admin"], name: WebhookName)).Endpoint.Id;
            for (var i = 0; i < WebhookHealth.RecentAttempts; i++) await App.AddAdminAsync();
            await App.PumpAsync();
        }

        public async Task DisposeAsync()
        {
            await receiver.DisposeAsync();
            App.Dispose();
        }
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task Pages_wrap_the_longest_unbroken_names_instead_of_scrolling_sideways_and_pass_axe(int width, int height)
    {
        var page = await browser.NewPageAsync(space.App.BaseAddress, width, height);
        await page.GotoAsync("/Account/Login");
        await page.LogInAsync(AppHost.OwnerEmail, AppHost.Password);
        await page.WaitForInteractiveAsync();
        var webhook = $"/settings/integrations/webhooks/{space.WebhookId}";
        (string Path, string? Tab, string Shows)[] pages =
        [
            ("/", null, LongWords.WebhookName), ("/settings/integrations", null, LongWords.WebhookName),
            ("/members", null, LongWords.MemberName), ("/members", "Plans", LongWords.PlanName), ($"/members/{space.MemberId}", null, LongWords.Address),
            ("/invoices", null, LongWords.MemberName), ($"/invoices/{space.InvoiceId}", null, LongWords.Line),
            ("/settings/integrations/webhooks", null, LongWords.WebhookName), (webhook, null, LongWords.WebhookName), (webhook + "/edit", null, LongWords.WebhookName),
        ];

        var findings = new List<string>();
        try
        {
            foreach (var (path, tab, shows) in pages)
            {
                await page.GotoAsync(path);
                await page.WaitForInteractiveAsync();
                if (tab is not null)
                {
                    var tabButton = page.GetByRole(AriaRole.Tab, new() { Name = tab });
                    await tabButton.ClickAsync();
                    await Expect(tabButton).ToHaveAttributeAsync("aria-selected", "true");
                }
                // The long value is on screen: the page has its data, so its width is final.
                await Expect(page.Locator("main").GetByText(shows).First).ToBeVisibleAsync();
                var name = $"unbroken-{path.Trim('/').Replace('/', '-')}{(tab is null ? "" : "-" + tab)}";
                if (await page.SidewaysScrollAsync(name, width) is { } sideways) findings.Add(sideways);
                // A table that scrolls inside itself keeps the page narrow but hides its other columns off to the side.
                var tables = await page.Locator("main .mud-table-container").EvaluateAllAsync<int[]>("ts => ts.map(t => t.scrollWidth - t.clientWidth)");
                if (tables.Any(over => over > 0)) findings.Add($"At {width} px a table on {name} scrolls sideways inside itself by {tables.Max()} px.");
                findings.AddRange((await page.SeriousViolationsAsync()).Select(v => $"{path} @ {width} px: {v.Rule} ({v.Impact}): {v.Help}"));
            }
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }
}
