using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace EasySpace.Tests.Harness;

/// <summary>One violation axe found: its rule, how bad, what to fix and the elements (CSS selectors) it found.</summary>
public sealed record AxeFinding(string Rule, string Impact, string Help, IReadOnlyList<string> Targets)
{
    public override string ToString() => $"{Impact} {Rule}: {Help} at {string.Join(", ", Targets)}";
}

/// <summary>axe-core (Deque's engine, evaluated in the page: the CSP forbids an injected script tag) on a loaded page.</summary>
public static class Axe
{
    // Details of the violations only: the passes' details were most of what axe sent back.
    private static readonly AxeRunOptions ViolationsOnly = new() { ResultTypes = [ResultType.Violations] };

    /// <summary>Every critical and serious violation on the page as it is now.</summary>
    public static async Task<IReadOnlyList<AxeFinding>> SeriousViolationsAsync(this IPage page)
    {
        // axe once found no <title> on the PayPal return page (CI): while the circuit starts, the title is empty
        // from the interactive HeadOutlet's first render until the page's PageTitle renders (seen with a
        // MutationObserver: "Integrations", "", "Integrations"). A page with no title still has none after this wait.
        try { await page.WaitForFunctionAsync("() => document.title.trim().length > 0", null, new() { Timeout = 5_000 }); }
        catch (TimeoutException) { }
        // RunAxe opens and closes a page of its own and loads axe twice on every call: 3.4 s a check here, against
        // 0.6 s for this one, with the same violations on every page compared (EveryPageTests: 940 s in CI).
#pragma warning disable CS0618
        var result = await page.RunAxeLegacy(null, ViolationsOnly);
#pragma warning restore CS0618
        return result.Violations.Where(v => v.Impact is "critical" or "serious")
            .Select(v => new AxeFinding(v.Id, v.Impact, v.Help, v.Nodes.Select(n => $"{n.Target} {n.Html} {string.Join(" ", n.Any.Select(c => c.Message))}".Trim()).ToList()))
            .ToList();
    }

    /// <summary>Fails with each critical or serious violation's rule, what to fix and the elements it found.</summary>
    public static async Task AssertNoSeriousViolationsAsync(this IPage page, string name)
    {
        var serious = await page.SeriousViolationsAsync();
        Assert.True(serious.Count == 0, $"axe on {name} ({page.Url}):\n" + string.Join("\n", serious));
    }
}
