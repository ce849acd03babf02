using System.Text.RegularExpressions;
using Bunit;
using EasySpace.Core.Events;
using EasySpace.Tests.Harness;
using EasySpace.Web.Components.Pages.Integrations.Webhooks.Components;

namespace EasySpace.Tests.Web.Integrations;

/// <summary>Managers read event titles; the code shows only where a developer needs it (the webhook form's picker, the API docs).</summary>
public class EventWordsTests : ComponentTest
{
    [Fact]
    public void No_page_writes_an_event_code_into_its_text()
    {
        // Tried: every .razor file, outside comments; a code in quotes is a value passed to code (a filter, a lookup), not text.
        var pages = Path.Combine(SourceTree.Root, "EasySpace.Web", "Components");
        var found = (from file in Directory.EnumerateFiles(pages, "*.razor", SearchOption.AllDirectories)
                     from line in File.ReadLines(file)
                     let text = line.Trim()
                     where !text.StartsWith("//", StringComparison.Ordinal) && !text.StartsWith("@*", StringComparison.Ordinal)
                     from type in EventCatalogue.All
                     where Regex.IsMatch(line, $@"(?<![\w""]){type.Name}(?![\w""])")
                     select $"{Path.GetRelativePath(pages, file)}: {type.Name} in “{text}”").ToList();

        Assert.Empty(found);
    }

    [Fact]
    public void The_webhook_forms_picker_shows_each_events_title_and_its_code()
    {
        var picker = Render<EventPicker>(p => p.Add(x => x.Selected, new HashSet<string>()));

        picker.InvokeAsync(() => picker.Find("[data-testid=category-space-admins] .mud-expand-panel-header").Click());

        var option = picker.WaitForElement("[data-testid=event-created_admin]").Closest(".event-option")!;
        Assert.Equal(EventCatalogue.Find("created_admin")!.Title, option.QuerySelector(".event-title")!.TextContent.Trim());
        Assert.Equal("created_admin", option.QuerySelector(".event-name")!.TextContent.Trim());
    }
}
