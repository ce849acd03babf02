using Bunit;
using EasySpace.Core;
using EasySpace.Tests.Harness;
using EasySpace.Web.Components.Shared;

namespace EasySpace.Tests.Web.Space;

/// <summary>The one date field: a day typed in the space's format reaches the form; anything else is named as a problem.</summary>
public class SpaceDateFieldTests : ComponentTest
{
    private static readonly SpaceClock Zurich = SpaceClock.For("Europe/Zurich", "CH");

    [Fact]
    public async Task A_day_typed_the_Swiss_way_reaches_the_form_as_that_day()
    {
        RenderPopoverProvider();
        DateOnly? got = null;
        var field = Render<SpaceDateField>(p => p.Add(f => f.Space, Zurich).Add(f => f.ValueChanged, (DateOnly? v) => got = v)
            .AddUnmatched("data-testid", "day"));

        await field.InvokeAsync(() => field.Find("input").Change("29.03.2026"));

        field.WaitForAssertion(() => Assert.Equal(new DateOnly(2026, 3, 29), got), TimeSpan.FromSeconds(5));
        Assert.Null(field.Instance.Problem);
    }

    [Fact]
    public async Task A_day_typed_the_browsers_way_is_named_as_a_problem_with_the_Swiss_example()
    {
        RenderPopoverProvider();
        var field = Render<SpaceDateField>(p => p.Add(f => f.Space, Zurich));

        await field.InvokeAsync(() => field.Find("input").Change("3/29/2026"));   // tried: the US browser's way

        field.WaitForAssertion(() => Assert.Equal("Enter a date like 31.03.2026, as DD.MM.YYYY.", field.Instance.Problem), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_hint_under_the_field_names_the_spaces_format_before_anything_is_typed()
    {
        // Tried before: no hint at all, so "2026-12-10" typed in a Swiss space met only "Choose when the event starts."
        RenderPopoverProvider();
        var field = Render<SpaceDateField>(p => p.Add(f => f.Space, Zurich).Add(f => f.HelperText, "The last day."));

        Assert.Equal("The last day. Type it as DD.MM.YYYY, e.g. 31.03.2026.", field.Find(".mud-input-helper-text").TextContent.Trim());
    }
}
