namespace EasySpace.Core.Space.Invoices;

/// <summary>One line as the totals see it: quantity × net unit amount, taxed at a rate in percent.</summary>
public readonly record struct InvoiceLine(decimal Quantity, decimal Amount, decimal TaxRate);

/// <summary>
/// An invoice's sums. Each line's net is rounded to cents; the tax is computed once per rate on the sum of that rate's
/// lines (as Cobot's tax_amounts show it), so 2 × 80.0 + 2 × 20.0 at 20 % is 200.0 net, {"20.0": "40.0"} tax, 240.0 in all.
/// The form's live totals and the stored invoice use this same function.
/// </summary>
public sealed record InvoiceTotals(decimal Net, IReadOnlyList<(decimal Rate, decimal Tax)> Taxes, decimal Total)
{
    public decimal Tax => Total - Net;

    public static InvoiceTotals Of(IEnumerable<InvoiceLine> lines)
    {
        var byRate = new SortedDictionary<decimal, decimal>();
        foreach (var line in lines)
        {
            var net = Round(line.Quantity * line.Amount);
            byRate[line.TaxRate] = byRate.GetValueOrDefault(line.TaxRate) + net;
        }
        var taxes = byRate.Select(r => (Rate: r.Key, Tax: Round(r.Value * r.Key / 100m))).ToList();
        var netTotal = byRate.Values.Sum();
        return new InvoiceTotals(netTotal, taxes, netTotal + taxes.Sum(t => t.Tax));
    }

    internal static decimal Round(decimal value) => decimal.Round(value, 2, MidpointRounding.AwayFromZero);
}
