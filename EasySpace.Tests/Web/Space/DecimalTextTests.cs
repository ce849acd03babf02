using EasySpace.Web.Components.Shared;

namespace EasySpace.Tests.Web.Space;

/// <summary>How a price, a rate or a quantity typed by a manager is read (DecimalField, on every form with such a number).</summary>
public class DecimalTextTests
{
    [Theory]
    [InlineData("12.50", "12.50")]
    [InlineData("12,50", "12.50")]
    [InlineData("199,99", "199.99")]
    [InlineData("  7 ", "7")]
    [InlineData("-5", "-5")]
    [InlineData("0,125", "0.125")]    // a leading 0 is never a thousands group
    [InlineData("1.234", "1.234")]    // a point marks decimals, as the fields show them
    [InlineData("12345,6", "12345.6")]
    public void A_number_with_a_point_or_a_comma_for_decimals_is_read(string typed, string expected)
    {
        var (value, problem) = DecimalText.Read(typed);
        Assert.Null(problem);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("€50")]
    [InlineData("50 EUR")]
    [InlineData("1e308")]
    [InlineData("1,234.50")]
    [InlineData("1.234,50")]
    [InlineData("1 234")]
    [InlineData("12.")]
    [InlineData(",5")]
    [InlineData("-")]
    [InlineData("--5")]
    [InlineData("١٢")]    // digits of another script
    public void Anything_else_is_a_problem_in_words_never_a_number(string typed)
    {
        var (value, problem) = DecimalText.Read(typed);
        Assert.Null(value);
        Assert.Equal("Type a number such as 12.50, without a currency sign or thousands separators.", problem);
    }

    [Fact]
    public void A_comma_before_three_digits_is_asked_about_rather_than_guessed()
    {
        // 1,234 is 1234 where a comma groups thousands and 1.234 where it marks decimals.
        Assert.Equal((null, "Did you mean 1234 or 1.234? Type it without the comma, or with a point for decimals."), DecimalText.Read("1,234"));
    }

    [Fact]
    public void A_number_too_large_for_a_decimal_says_so()
    {
        Assert.Equal((null, "That number is too large."), DecimalText.Read(new string('9', 40)));
    }

    [Fact]
    public void Nothing_typed_is_no_number_and_no_problem()
    {
        // The field decides: an optional one (a resource's tax rate) is left empty, a required one asks for a number.
        Assert.Equal((null, null), DecimalText.Read("   "));
    }
}
