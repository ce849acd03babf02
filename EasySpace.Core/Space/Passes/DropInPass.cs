using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EasySpace.Core.Space.Invoices;

namespace EasySpace.Core.Space.Passes;

/// <summary>A day pass sold to a named visitor: they may work in the space on that one day.</summary>
public sealed class DropInPass
{
    private DropInPass() { }

    public long Id { get; private set; }
    public string VisitorName { get; private set; } = "";
    public string Email { get; private set; } = "";
    /// <summary>The day the pass is good for, in the space's calendar.</summary>
    public DateOnly ValidOn { get; private set; }
    public decimal Price { get; private set; }
    public string Currency { get; private set; } = "";
    public string SoldBy { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    internal static DropInPass Sell(DropInPassDraft draft, string currency, string by, DateTimeOffset at) => new()
    {
        VisitorName = draft.Name.Trim(),
        Email = draft.Email.Trim(),
        ValidOn = draft.Date!.Value,
        Price = draft.Price,
        Currency = currency,
        SoldBy = by,
        CreatedAt = at,
    };
}

/// <summary>The "Sell a day pass" form.</summary>
public sealed class DropInPassDraft
{
    public const decimal MaxPrice = 100_000m;

    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public DateOnly? Date { get; set; }
    public decimal Price { get; set; }

    public ValidationErrors Validate(DateOnly today)
    {
        var errors = new ValidationErrors();
        BillingInput.AddIf(errors, nameof(Name), InputRules.RequiredText(Name, "the visitor's name", 200));
        BillingInput.AddIf(errors, nameof(Email), InputRules.EmailProblem(Email));
        if (Date is not { } date) errors.Add(nameof(Date), "Choose the day of the visit.");
        else if (date < today) errors.Add(nameof(Date), "Choose today or a later day; a pass for a past day can't be sold.");
        else if (date > today.AddYears(1)) errors.Add(nameof(Date), "Choose a day within the next year.");
        BillingInput.AddIf(errors, nameof(Price), BillingInput.Money(Price, "the price", 0, MaxPrice));
        return errors;
    }
}

/// <summary>A drop-in pass as <c>GET /api/drop_in_passes/{id}</c> returns it and created_drop_in_pass carries it.</summary>
public sealed record DropInPassResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("valid_on")] string ValidOn,
    [property: JsonPropertyName("price")] string Price,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("url")] string Url)
{
    public const string Collection = "drop_in_passes";

    public static DropInPassResource Of(DropInPass p, string url) => new(p.Id.ToString(CultureInfo.InvariantCulture), p.VisitorName, p.Email,
        BillingFormat.Day(p.ValidOn), BillingFormat.Decimal(p.Price), p.Currency, BillingFormat.Timestamp(p.CreatedAt), url);

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this)!.AsObject();
}
