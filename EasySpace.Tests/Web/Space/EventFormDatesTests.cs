using Bunit;
using EasySpace.Web.Components.Pages.Community;

namespace EasySpace.Tests.Web.Space;

/// <summary>The event form's days are typed in the space's format (Berlin's 31/03/2026), and its hints say so.</summary>
public class EventFormDatesTests : BookingsPageTest
{
    [Fact]
    public async Task A_start_day_typed_the_ISO_way_is_refused_at_its_field_naming_the_spaces_format()
    {
        var page = RenderWithDialogs<CommunityPage>();
        await page.InvokeAsync(() => page.Find("button[data-testid=event-new]").Click());
        Dialogs.WaitForElement("[data-testid=event-title] input, input[data-testid=event-title]", Patience);
        var pattern = Berlin.DateInputFormat.ToUpperInvariant();   // DD/MM/YYYY
        Assert.Contains($"As {pattern}, e.g. 31/03/2026", Text(Dialogs));

        Fill(Dialogs, "event-title", "Pitch night");
        await Dialogs.InvokeAsync(() => Dialogs.Find("input[data-testid=event-starts-date]").Change("2026-12-10"));   // tried: the ISO way
        await Dialogs.InvokeAsync(() => Dialogs.Find("input[data-testid=event-starts-time]").Change("18:00"));
        await Dialogs.InvokeAsync(() => Dialogs.Find("form#event-form").Submit());   // the Save button submits this form from outside it

        // Before the fix the only answer was "Choose when the event starts.", with no word of the format.
        Dialogs.WaitForAssertion(() => Assert.Contains($"Enter a date like 31/03/2026, as {pattern}.", Text(Dialogs)), Patience);
        Assert.DoesNotContain("Choose when the event starts.", Text(Dialogs));
    }
}
