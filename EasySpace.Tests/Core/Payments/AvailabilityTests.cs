using EasySpace.Core.Payments.Availability;
using EasySpace.Core.Space.Payments;

namespace EasySpace.Tests.Core.Payments;

/// <summary>The dated tables of where Stripe and PayPal serve a space, a few known answers each way.</summary>
public class AvailabilityTests
{
    [Fact]
    public void Stripe_lists_its_46_countries()
    {
        Assert.Equal(46, StripeCoverage.CountryCodes.Count);
        Assert.All(StripeCoverage.CountryCodes, code => Assert.Matches("^[A-Z]{2}$", code));
    }

    [Theory]
    [InlineData("DE", true)]
    [InlineData("us", true)]            // as typed: the code is read in any case
    [InlineData(" GB ", true)]
    [InlineData("TH", true)]
    [InlineData("AE", true)]
    [InlineData("PK", false)]
    [InlineData("NG", false)]
    [InlineData("AR", false)]
    [InlineData("", false)]
    public void Stripe_serves_businesses_in_its_countries_only(string country, bool served)
    {
        var answer = StripeCoverage.ForCountry(country);

        Assert.Equal(served, answer.Served);
        Assert.False(string.IsNullOrWhiteSpace(answer.Reason));
    }

    [Fact]
    public void Stripe_says_which_of_its_countries_are_by_invitation()
    {
        var india = StripeCoverage.ForCountry("IN");

        Assert.True(india.Served);
        Assert.Contains("invitation only", india.Reason);
        Assert.Contains("India (IN)", india.Reason);
    }

    [Theory]
    [InlineData("EUR", true, false)]
    [InlineData("usd", true, false)]
    [InlineData("JPY", true, true)]
    [InlineData("KRW", true, true)]
    [InlineData("CHF", true, false)]
    [InlineData("XYZ", false, false)]
    [InlineData("🎉", false, false)]
    public void Stripe_charges_in_its_presentment_currencies_and_flags_the_zero_decimal_ones(string currency, bool served, bool wholeUnits)
    {
        var answer = StripeCoverage.ForCurrency(currency);

        Assert.Equal(served, answer.Served);
        Assert.Equal(wholeUnits, answer.Reason.Contains("whole units"));
    }

    [Fact]
    public void PayPal_takes_its_25_currencies()
    {
        Assert.Equal(25, PayPalCoverage.CurrencyCodes.Count);
        Assert.True(PayPalCoverage.ForCurrency("EUR", "DE").Served);
        Assert.True(PayPalCoverage.ForCurrency("USD", "US").Served);
        Assert.False(PayPalCoverage.ForCurrency("ZAR", "ZA").Served);
        Assert.False(PayPalCoverage.ForCurrency("RON", "RO").Served);
    }

    [Theory]
    [InlineData("BRL", "BR", true)]
    [InlineData("BRL", "DE", false)]
    [InlineData("INR", "IN", true)]
    [InlineData("MYR", "SG", false)]
    public void PayPal_takes_some_currencies_only_for_accounts_in_their_own_country(string currency, string country, bool served)
    {
        var answer = PayPalCoverage.ForCurrency(currency, country);

        Assert.Equal(served, answer.Served);
        if (!served) Assert.Contains("only for accounts in", answer.Reason);
    }

    [Fact]
    public void PayPal_refuses_cents_in_forint_yen_and_taiwan_dollars()
    {
        Assert.Contains("whole units", PayPalCoverage.ForCurrency("HUF", "HU").Reason);
        Assert.DoesNotContain("whole units", PayPalCoverage.ForCurrency("EUR", "DE").Reason);
    }

    [Theory]
    [InlineData("DE", true, "can receive")]
    [InlineData("ZA", true, "can receive")]
    [InlineData("AM", false, "cannot receive")]   // Armenia: PayPal accounts there can pay, not be paid
    [InlineData("AZ", false, "cannot receive")]
    [InlineData("IR", false, "offers no accounts")]
    [InlineData("RU", false, "offers no accounts")]
    public void PayPal_serves_most_markets_and_says_why_it_does_not_serve_the_others(string country, bool served, string reason)
    {
        var answer = PayPalCoverage.ForCountry(country);

        Assert.Equal(served, answer.Served);
        Assert.Contains(reason, answer.Reason);
    }

    [Fact]
    public void The_space_is_served_only_when_both_its_country_and_its_currency_are()
    {
        Assert.True(SpaceCoverage.For(PaymentProviders.Stripe, "DE", "EUR").Served);
        Assert.False(SpaceCoverage.For(PaymentProviders.Stripe, "PK", "EUR").Served);
        Assert.False(SpaceCoverage.For(PaymentProviders.PayPal, "DE", "RON").Served);
        Assert.Throws<ArgumentOutOfRangeException>(() => SpaceCoverage.For(PaymentProviders.Manual, "DE", "EUR"));
    }
}
