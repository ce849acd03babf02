using EasySpace.Core;
using EasySpace.Core.Identity;

namespace EasySpace.Tests.Core.Identity;

public class InputRulesTests
{
    [Theory]
    [InlineData("a right-to-left override", "Invoices \u202Efdp.exe")]
    [InlineData("a left-to-right embedding", "\u202AAcme")]
    [InlineData("a pop directional formatting", "Acme\u202C")]
    [InlineData("a first-strong isolate", "\u2068Acme\u2069")]
    [InlineData("a zero-width space", "Ac\u200Bme")]
    [InlineData("a zero-width joiner", "Ac\u200Dme")]
    [InlineData("a right-to-left mark", "Acme\u200F")]
    [InlineData("a word joiner", "Ac\u2060me")]
    [InlineData("a byte order mark", "\uFEFFAcme")]
    [InlineData("an Arabic letter mark", "Ac\u061Cme")]
    [InlineData("a soft hyphen", "Ac\u00ADme")]
    public void A_name_with_a_hidden_character_is_refused_with_its_code(string tried, string name)
    {
        var problem = InputRules.RequiredText(name, "a name", 100);

        Assert.True(problem is not null, tried);
        Assert.Contains("invisible character", problem);
        Assert.Matches(@"U\+[0-9A-F]{4}", problem);
    }

    [Theory]
    [InlineData("Zoë Müller")]
    [InlineData("محمد علي")]
    [InlineData("山田 太郎")]
    [InlineData("Café ☕ Corner")]
    public void Names_in_any_script_still_pass(string name) => Assert.Null(InputRules.RequiredText(name, "a name", 100));
}
