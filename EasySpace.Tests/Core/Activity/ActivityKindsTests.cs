using EasySpace.Core.Activity;

namespace EasySpace.Tests.Core.Activity;

/// <summary>The activity kinds' words. That every recorded line has a kind is the compiler's job: Record takes a kind.</summary>
public class ActivityKindsTests
{
    [Fact]
    public void Every_kind_has_its_own_code_and_its_own_title_for_the_filter()
    {
        Assert.Equal(ActivityKinds.All.Count, ActivityKinds.All.Select(k => k.Code).Distinct().Count());
        Assert.Equal(ActivityKinds.All.Count, ActivityKinds.All.Select(k => k.Title).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Titles_and_sentences_are_words_not_codes()
    {
        Assert.All(ActivityKinds.All, k =>
        {
            Assert.Matches("^[A-Z]", k.Title);
            Assert.DoesNotContain(k.Code, k.Title + k.Sentence);
            Assert.DoesNotMatch("[a-z]+[._][a-z]+", k.Title + k.Describe("Ada Keller", "owner@example.com").Replace("owner@example.com", ""));
        });
    }

    [Theory]
    [InlineData("owner@example.com", "Ada Keller's membership was canceled by owner@example.com")]
    [InlineData(ActivityKinds.System, "Ada Keller's membership was canceled")]
    [InlineData(ActivityKinds.CommandLine, "Ada Keller's membership was canceled from the command line")]
    public void A_sentence_says_who_did_it_in_words(string actor, string expected) =>
        Assert.Equal(expected, ActivityKinds.MembershipCanceled.Describe("Ada Keller", actor));

    [Fact]
    public void A_sentence_starts_with_a_capital_even_where_the_subject_comes_later() =>
        Assert.Equal("Invoice 2026-0001 was written off by owner@example.com", ActivityKinds.InvoiceWrittenOff.Describe("2026-0001", "owner@example.com"));

    [Fact]
    public void Details_list_only_the_fields_that_changed_and_read_back_as_lines()
    {
        var details = new ActivityDetails().Change("Name", "CRM", "CRM").Change("Address", "https://a.example", "https://b.example").Change("Comments", null, "coffee").Note("Signing secret: replaced");

        Assert.Equal(["Address: https://a.example → https://b.example", "Comments: (none) → coffee", "Signing secret: replaced"], ActivityDetails.Lines(details.Text));
        Assert.Null(new ActivityDetails().Change("Name", "CRM", "CRM").Text);
    }
}
