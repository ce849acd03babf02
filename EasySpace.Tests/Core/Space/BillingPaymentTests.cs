using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Payments;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Space;

/// <summary>The payment seam the Stripe and PayPal webhooks will call; today the admin's buttons call it.</summary>
public class BillingPaymentTests : IAsyncLifetime
{
    private const string Actor = BillingTestData.Actor;
    private CoreHost core = default!;
    private PaymentRecorder Recorder => core.Get<PaymentRecorder>();
    private IServiceProvider Services => core.Services;

    public async Task InitializeAsync() => core = await BillingTestData.StartAsync();

    public Task DisposeAsync() => core.DisposeAsync();

    private async Task<InvoiceResource> InvoiceAsync(long id) => (await core.Get<InvoiceReader>().ResourceAsync(id.ToString()))!;

    private async Task<PaymentResource> PaymentAsync(long id) => (PaymentResource)(await core.Get<PaymentReader>().ResourceAsync(id.ToString()))!;

    [Fact]
    public async Task A_part_payment_is_recorded_and_the_invoice_stays_unpaid()
    {
        var invoice = await Services.CreateInvoiceAsync();

        var payment = (await Recorder.RecordPaymentAsync(invoice.Id, 100, "EUR", PaymentProviders.Manual, "bank 4711", Actor)).Ok();

        var resource = await InvoiceAsync(invoice.Id);
        Assert.Equal(("100.0", "140.0", "unpaid"), (resource.TotalPaidAmount, resource.PayableAmount, resource.PaidStatus));
        var shown = await PaymentAsync(payment.Id);
        Assert.Equal(("100.0", "EUR", "manual", "bank 4711", "succeeded"), (shown.Amount, shown.Currency, shown.Provider, shown.ProviderReference, shown.Status));
        Assert.Equal(($"https://space.example.com/api/payments/{payment.Id}", $"https://space.example.com/api/invoices/{invoice.Id}"), (shown.Url, shown.InvoiceUrl));
        Assert.Equal(new[] { "created_invoice", "created_payment" }, await Services.RaisedAsync());
    }

    [Fact]
    public async Task The_payment_that_completes_the_invoice_marks_it_paid_in_the_same_transaction()
    {
        var invoice = await Services.CreateInvoiceAsync();
        (await Recorder.RecordPaymentAsync(invoice.Id, 100, "EUR", PaymentProviders.Manual, null, Actor)).Ok();

        (await Recorder.RecordPaymentAsync(invoice.Id, 140, "EUR", PaymentProviders.Manual, null, Actor)).Ok();

        var resource = await InvoiceAsync(invoice.Id);
        Assert.Equal(("240.0", "0.0", "paid", true), (resource.TotalPaidAmount, resource.PayableAmount, resource.PaidStatus, resource.Paid));
        Assert.Equal(new[] { "created_invoice", "created_payment", "created_payment", "updated_invoice" }, await Services.RaisedAsync());
    }

    [Theory]
    [InlineData("no amount", 0, "EUR", PaymentProviders.Manual, null, "Amount", "more than 0")]
    [InlineData("a negative amount", -10, "EUR", PaymentProviders.Manual, null, "Amount", "more than 0")]
    [InlineData("a huge amount", 99_999_999_999, "EUR", PaymentProviders.Manual, null, "Amount", "at most 10,000,000")]
    [InlineData("fractions of a cent", 10.001, "EUR", PaymentProviders.Manual, null, "Amount", "whole cents")]
    [InlineData("more than is still to pay", 240.01, "EUR", PaymentProviders.Manual, null, "Amount", "240.00 EUR is still to pay")]
    [InlineData("another currency", 10, "USD", PaymentProviders.Manual, null, "Currency", "in EUR")]
    [InlineData("a made-up currency", 10, "EURO", PaymentProviders.Manual, null, "Currency", "three-letter ISO currency code")]
    [InlineData("an unknown provider", 10, "EUR", "bitcoin", null, "Provider", "manual, stripe, paypal")]
    [InlineData("a reference with a control character", 10, "EUR", PaymentProviders.Manual, "ref\u0000", "Reference", "control characters")]
    public async Task A_payment_that_makes_no_sense_is_refused_and_raises_nothing(string tried, double amount, string currency, string provider,
        string? reference, string field, string message)
    {
        var invoice = await Services.CreateInvoiceAsync();

        var result = await Recorder.RecordPaymentAsync(invoice.Id, (decimal)amount, currency, provider, reference, Actor);

        Assert.False(result.Succeeded, $"{tried} was accepted");
        Assert.Contains(message, result.Errors.For(field) ?? result.Errors.ToString());
        Assert.Equal(new[] { "created_invoice" }, await Services.RaisedAsync());
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM Payments"));
    }

    [Fact]
    public async Task A_payment_for_an_unknown_invoice_is_refused()
    {
        var result = await Recorder.RecordPaymentAsync(404, 10, "EUR", PaymentProviders.Stripe, "ch_1", Actor);

        Assert.Contains("no invoice with that id", result.Errors.For(""));
        Assert.Empty(await Services.RaisedAsync());
    }

    [Fact]
    public async Task A_provider_repeating_the_same_payment_is_recorded_once()
    {
        var invoice = await Services.CreateInvoiceAsync();

        var first = (await Recorder.RecordPaymentAsync(invoice.Id, 240, "EUR", PaymentProviders.Stripe, "pi_123", "stripe")).Ok();
        var repeat = (await Recorder.RecordPaymentAsync(invoice.Id, 240, "EUR", PaymentProviders.Stripe, "pi_123", "stripe")).Ok();

        Assert.Equal(first.Id, repeat.Id);
        Assert.Equal(1L, core.Scalar("SELECT COUNT(*) FROM Payments"));
        Assert.Equal(new[] { "created_invoice", "created_payment", "updated_invoice" }, await Services.RaisedAsync());
    }

    [Fact]
    public async Task Money_a_provider_really_took_is_recorded_even_beyond_the_total()
    {
        var invoice = await Services.CreateInvoiceAsync();
        await core.Get<InvoiceService>().MarkPaidAsync(invoice.Id, Actor);

        (await Recorder.RecordPaymentAsync(invoice.Id, 250, "EUR", PaymentProviders.PayPal, "CAP-9", "paypal")).Ok();

        Assert.Equal("250.0", (await InvoiceAsync(invoice.Id)).TotalPaidAmount);
        // It was paid already: no second updated_invoice.
        Assert.Equal(new[] { "created_invoice", "updated_invoice", "created_payment" }, await Services.RaisedAsync());
    }

    [Fact]
    public async Task A_failed_charge_is_recorded_with_its_reason_and_leaves_the_invoice_as_it_was()
    {
        var invoice = await Services.CreateInvoiceAsync();

        var failed = (await Recorder.RecordFailureAsync(invoice.Id, 240, "EUR", PaymentProviders.Stripe, "ch_declined", "card_declined", "stripe")).Ok();
        var repeat = (await Recorder.RecordFailureAsync(invoice.Id, 240, "EUR", PaymentProviders.Stripe, "ch_declined", "card_declined", "stripe")).Ok();

        var shown = await PaymentAsync(failed.Id);
        Assert.Equal(("failed", "card_declined", "240.0"), (shown.Status, shown.FailureReason, shown.Amount));
        Assert.Equal(failed.Id, repeat.Id);
        Assert.Equal(("0.0", "unpaid"), ((await InvoiceAsync(invoice.Id)).TotalPaidAmount, (await InvoiceAsync(invoice.Id)).PaidStatus));
        Assert.Equal(new[] { "created_invoice", "failed_payment" }, await Services.RaisedAsync());
        Assert.Contains("nothing to refund", (await Recorder.RecordRefundAsync(failed.Id, 10, null, Actor)).Errors.For(""));
    }

    [Fact]
    public async Task A_refund_that_uncovers_a_paid_invoice_makes_it_unpaid_again()
    {
        var invoice = await Services.CreateInvoiceAsync();
        var payment = (await Recorder.RecordPaymentAsync(invoice.Id, 240, "EUR", PaymentProviders.Manual, null, Actor)).Ok();

        var partly = (await Recorder.RecordRefundAsync(payment.Id, 40, "re_1", Actor)).Ok();
        var partlyShown = await PaymentAsync(payment.Id);

        Assert.Equal(PaymentStatus.PartiallyRefunded, partly.Status);
        Assert.Equal(("40.0", "partially_refunded", "re_1"), (partlyShown.RefundedAmount, partlyShown.Status, partlyShown.Refunds[0].ProviderReference));
        var resource = await InvoiceAsync(invoice.Id);
        Assert.Equal(("200.0", "40.0", "unpaid"), (resource.TotalPaidAmount, resource.PayableAmount, resource.PaidStatus));
        Assert.Equal(new[] { "created_invoice", "created_payment", "updated_invoice", "refunded_payment", "updated_invoice" }, await Services.RaisedAsync());

        var tooMuch = await Recorder.RecordRefundAsync(payment.Id, 200.01m, null, Actor);
        Assert.Contains("At most 200.00 EUR", tooMuch.Errors.For("Amount"));
        var rest = (await Recorder.RecordRefundAsync(payment.Id, 200, null, Actor)).Ok();
        Assert.Equal(PaymentStatus.Refunded, rest.Status);
        Assert.Contains("already refunded in full", (await Recorder.RecordRefundAsync(payment.Id, 1, null, Actor)).Errors.For(""));
        // The invoice was already unpaid: the second refund raises refunded_payment alone.
        Assert.Equal(2, await Services.RaisedAsync("refunded_payment"));
        Assert.Equal(2, await Services.RaisedAsync("updated_invoice"));
    }

    [Fact]
    public async Task A_provider_repeating_a_refund_is_recorded_once()
    {
        var invoice = await Services.CreateInvoiceAsync();
        var payment = (await Recorder.RecordPaymentAsync(invoice.Id, 100, "EUR", PaymentProviders.Stripe, "pi_7", "stripe")).Ok();

        (await Recorder.RecordRefundAsync(payment.Id, 30, "re_7", "stripe")).Ok();
        var repeat = (await Recorder.RecordRefundAsync(payment.Id, 30, "re_7", "stripe")).Ok();

        Assert.Equal(30m, repeat.RefundedAmount);
        Assert.Equal(1, await Services.RaisedAsync("refunded_payment"));
    }

    [Theory]
    [InlineData("no amount", 0, null, "more than 0")]
    [InlineData("a negative amount", -1, null, "more than 0")]
    [InlineData("fractions of a cent", 1.005, null, "whole cents")]
    [InlineData("a 201-character reference", 1, "x", "at most 200 characters")]
    public async Task A_refund_that_makes_no_sense_is_refused_and_raises_nothing(string tried, double amount, string? reference, string message)
    {
        var invoice = await Services.CreateInvoiceAsync();
        var payment = (await Recorder.RecordPaymentAsync(invoice.Id, 100, "EUR", PaymentProviders.Manual, null, Actor)).Ok();
        if (reference == "x") reference = new string('x', 201);

        var result = await Recorder.RecordRefundAsync(payment.Id, (decimal)amount, reference, Actor);

        Assert.False(result.Succeeded, $"{tried} was accepted");
        Assert.Contains(message, result.Errors.ToString());
        Assert.Equal(0, await Services.RaisedAsync("refunded_payment"));
        Assert.Contains("no payment", (await Recorder.RecordRefundAsync(999, 1, null, Actor)).Errors.For(""));
    }

    [Fact]
    public async Task A_subscription_change_is_recorded_once_per_change_and_lives_in_the_payments_collection()
    {
        var change = new PaymentSubscriptionChange(101, PaymentProviders.Stripe, "sub_ABC", "active", 240, "eur", "month");

        var created = (await Recorder.RecordSubscriptionChangeAsync(change, "stripe")).Ok();
        var same = (await Recorder.RecordSubscriptionChangeAsync(change, "stripe")).Ok();
        var pastDue = (await Recorder.RecordSubscriptionChangeAsync(change with { Status = "past_due" }, "stripe")).Ok();

        Assert.Equal(created.Id, same.Id);
        Assert.Equal(created.Id, pastDue.Id);
        Assert.Equal(2, await Services.RaisedAsync("updated_payment_subscription"));
        var shown = (PaymentSubscriptionResource)(await core.Get<PaymentReader>().ResourceAsync($"sub_{created.Id}"))!;
        Assert.Equal(("subscription", "past_due", "240.0", "EUR", "month", "101"), (shown.Kind, shown.Status, shown.Amount, shown.Currency, shown.Interval, shown.MembershipId));
        Assert.Equal($"https://space.example.com/api/payments/sub_{created.Id}", shown.Url);
    }

    [Theory]
    [InlineData("an unknown provider", "bitcoin", "sub_1", "active", 10, "EUR", "month", "Provider")]
    [InlineData("no reference", "stripe", " ", "active", 10, "EUR", "month", "Reference")]
    [InlineData("an unknown status", "stripe", "sub_1", "happy", 10, "EUR", "month", "Status")]
    [InlineData("a negative amount", "stripe", "sub_1", "active", -10, "EUR", "month", "Amount")]
    [InlineData("a bad currency", "stripe", "sub_1", "active", 10, "€", "month", "Currency")]
    [InlineData("an unknown interval", "stripe", "sub_1", "active", 10, "EUR", "fortnight", "Interval")]
    public async Task A_subscription_change_that_makes_no_sense_is_refused(string tried, string provider, string reference, string status, double amount,
        string currency, string interval, string field)
    {
        var result = await Recorder.RecordSubscriptionChangeAsync(new PaymentSubscriptionChange(null, provider, reference, status, (decimal)amount, currency, interval), "stripe");

        Assert.False(result.Succeeded, $"{tried} was accepted");
        Assert.NotNull(result.Errors.For(field));
        Assert.Empty(await Services.RaisedAsync());
    }

    [Fact]
    public async Task Unknown_and_malformed_payment_ids_read_as_nothing()
    {
        var reader = core.Get<PaymentReader>();
        foreach (var id in new[] { "1", "0", "-1", "abc", "sub_", "sub_x", "sub_1", "1.5", " 1", "99999999999999999999" })
            Assert.Null(await reader.ResourceAsync(id));
    }

    [Fact]
    public async Task The_payment_history_lists_every_payment_newest_first_with_its_invoice()
    {
        var a = await Services.CreateInvoiceAsync();
        var b = await Services.CreateInvoiceAsync();
        await Recorder.RecordPaymentAsync(a.Id, 10, "EUR", PaymentProviders.Manual, null, Actor);
        await Recorder.RecordFailureAsync(b.Id, 240, "EUR", PaymentProviders.Stripe, "ch_x", "expired_card", "stripe");

        var page = (await core.Get<PaymentReader>().PageAsync(TransactionFilter.None, 0, 10)).Value!;

        Assert.Equal(2, page.Total);
        Assert.Equal(new[] { ("2026-0002", PaymentStatus.Failed), ("2026-0001", PaymentStatus.Succeeded) }, page.Items.Select(p => (p.InvoiceNumber, p.Status)));
    }
}
