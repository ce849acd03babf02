using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace EasySpace.Tests.Harness;

/// <summary>axe-core (Deque's engine, evaluated in the page: the CSP forbids an injected script tag) on a loaded page.</summary>
public static class Axe
{
    /// <summary>Fails with each critical or serious violation's rule, what to fix and the elements it found.</summary>
    public static async Task AssertNoSeriousViolationsAsync(this IPage page, string name)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "critical" or "serious")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => $"{n.Target} {n.Html} {string.Join(" ", n.Any.Select(c => c.Message))}"))}").ToList();
        Assert.True(serious.Count == 0, $"axe on {name} ({page.Url}):\n" + string.Join("\n", serious));
    }
}
