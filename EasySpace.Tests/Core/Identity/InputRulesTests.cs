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
    [InlineData("a joiner at the start, before an emoji", "\u200D💻 Lab")]
    [InlineData("a joiner at the end, after an emoji", "Lab 👩\u200D")]
    [InlineData("a joiner between an emoji and a letter", "👩\u200DLab")]
    [InlineData("a joiner between a letter and an emoji", "Lab\u200D💻")]
    [InlineData("a variation selector after a letter", "Ac\uFE0Fme")]
    [InlineData("a variation selector at the start", "\uFE0FAcme")]
    [InlineData("a right-to-left override beside an emoji", "👩\u202E💻")]
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
    [InlineData("Café ☕\uFE0F Corner")]            // the emoji form of the cup
    [InlineData("Hot desk 👩\u200D💻")]               // woman technologist: two emoji and the joiner between them
    [InlineData("Pride 🏳\uFE0F\u200D🌈")]            // rainbow flag: a variation selector before the joiner
    [InlineData("Team 👩🏽\u200D🤝\u200D👨🏿")]          // skin tones and two joiners
    [InlineData("Love ❤\uFE0F\u200D🔥 ‼\uFE0F")]      // a heart on fire; a double exclamation mark as an emoji
    [InlineData("Room 1\uFE0F\u20E3")]              // keycap one
    public void Names_in_any_script_and_with_compound_emoji_pass(string name) =>
        // Tried before the fix: the joiner inside 👩‍💻 was refused as U+200D, "Type it again instead of pasting it".
        Assert.Null(InputRules.RequiredText(name, "a name", 100));

    [Fact]
    public void Angle_brackets_pass_in_a_name_field_as_in_a_members_name()
    {
        // Tried before: "<lab>" passed RequiredText (webhooks, rooms, titles) but MemberInputRules.Name (members, plans,
        // admins) said "cannot contain < or >". Names are shown as text, never as markup, so both let them through.
        Assert.Null(InputRules.RequiredText("R&D <lab>", "a name", 100));
        Assert.Null(MemberInputRules.Name("R&D <lab>", "the plan's name", 100));
    }
}
