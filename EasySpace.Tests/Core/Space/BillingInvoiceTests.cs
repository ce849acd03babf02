using System.Text.Json;
using EasySpace.Core.Space.Invoices;
using EasySpace.Core.Space.Payments;
using EasySpace.Tests.Harness;

namespace EasySpace.Tests.Core.Space;

public class BillingInvoiceTests : IAsyncLifetime
{
    private CoreHost core = default!;
    private InvoiceService Invoices => core.Get<InvoiceService>();
    private IServiceProvider Services => core.Services;

    public async Task InitializeAsync() => core = await BillingTestData.StartAsync();

    public Task DisposeAsync() => core.DisposeAsync();

    private async Task SwitchEInvoicingAsync(bool on) =>
        (await Invoices.SaveSettingsAsync(new InvoiceSettingsDraft { EInvoicingEnabled = on }, BillingTestData.Actor)).Ok();

    private async Task<InvoiceResource> ResourceAsync(long id) => (await core.Get<InvoiceReader>().ResourceAsync(id.ToString()))!;

    [Fact]
    public async Task Cobots_example_invoice_adds_up_to_240_with_40_of_tax_at_20_percent()
    {
        var member = await Services.AddMemberAsync((await Services.AddPlanAsync()).Id);
        var draft = BillingTestData.CobotExample();
        draft.MembershipId = member.Membership.Id;
        var invoice = await Services.CreateInvoiceAsync(draft);

        var resource = await ResourceAsync(invoice.Id);

        Assert.Equal(("240.0", "200.0", "240.0", "0.0"), (resource.TotalAmount, resource.TotalAmountWithoutTaxes, resource.PayableAmount, resource.TotalPaidAmount));
        Assert.Equal(new Dictionary<string, string> { ["20.0"] = "40.0" }, resource.TaxAmounts);
        Assert.Equal(("80.0", "2.0", "20.0", "FlexPlan", false), (resource.Items[0].Amount, resource.Items[0].Quantity, resource.Items[0].TaxRate, resource.Items[0].AccountingCode, resource.Items[0].Paid));
        Assert.Equal(("20.0", "20.0"), (resource.TaxRate, resource.Items[1].TaxRate));
        Assert.Equal(("unsent", "unpaid", false, false), (resource.SentStatus, resource.PaidStatus, resource.Sent, resource.Paid));
        Assert.Equal(("2026-03-02", "2026/03/16", "EUR", member.Membership.Id.ToString()), (resource.CreatedAt, resource.DueDate, resource.Currency, resource.MembershipId));
        Assert.Equal(new InvoiceAddressResource("joe doe", "broadway\n12345 Berlin", "joe inc.", "DE"), resource.Address);
        Assert.Equal(new SpaceAddressResource("Co-Up", null, null, "DE"), resource.SpaceAddress);
        Assert.Equal($"https://space.example.com/api/invoices/{invoice.Id}", resource.Url);
    }

    [Fact]
    public void Tax_is_summed_per_rate_and_rounded_half_away_from_zero_to_cents()
    {
        var totals = InvoiceTotals.Of([new(1.5m, 9.99m, 19), new(3, 0.35m, 19), new(1, 10.05m, 7), new(2, 5, 0)]);

        // 14.985 → 14.99 net; 14.99 + 1.05 = 16.04 at 19 % → 3.0476 → 3.05; 10.05 at 7 % → 0.7035 → 0.70
        Assert.Equal(36.09m, totals.Net);
        Assert.Equal(new (decimal, decimal)[] { (0m, 0m), (7m, 0.70m), (19m, 3.05m) }, totals.Taxes);
        Assert.Equal(39.84m, totals.Total);
    }

    [Fact]
    public void Amounts_are_written_the_way_Cobot_writes_them()
    {
        Assert.Equal(new[] { "240.0", "19.5", "7.25", "0.0", "0.125" },
            new[] { 240.00m, 19.50m, 7.25m, 0m, 0.125m }.Select(BillingFormat.Decimal));
    }

    [Fact]
    public async Task Numbers_run_per_year_and_the_year_is_the_spaces_not_UTCs()
    {
        var first = await Services.CreateInvoiceAsync();
        var second = await Services.CreateInvoiceAsync();
        // 23:30 UTC on New Year's Eve is already 00:30 on 1 January in Berlin.
        core.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.Zero));
        var newYear = await Services.CreateInvoiceAsync(BillingTestData.CobotExample(new DateOnly(2027, 1, 15)));

        Assert.Equal(new[] { "2026-0001", "2026-0002", "2027-0001" }, new[] { first, second, newYear }.Select(i => i.FormattedNumber));
        Assert.Equal(1, (await ResourceAsync(newYear.Id)).InvoiceNumber);
    }

    [Fact]
    public async Task Invoices_created_at_the_same_time_get_consecutive_numbers_without_gaps_or_repeats()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Services.CreateInvoiceAsync())));

        Assert.Equal(Enumerable.Range(1, 20), created.Select(i => i.Number).Order());
        Assert.Equal(20, await Services.RaisedAsync("created_invoice"));
    }

    [Fact]
    public async Task A_refused_invoice_uses_no_number_and_a_deleted_ones_number_is_not_given_again()
    {
        Assert.False((await Invoices.CreateAsync(new InvoiceDraft(), BillingTestData.Actor)).Succeeded);
        var first = await Services.CreateInvoiceAsync();
        var second = await Services.CreateInvoiceAsync();
        (await Invoices.DeleteAsync(second.Id, BillingTestData.Actor)).Ok();

        var third = await Services.CreateInvoiceAsync();

        Assert.Equal(new[] { 1, 3 }, new[] { first.Number, third.Number });
    }

    public static TheoryData<string, string, Action<InvoiceDraft>, string> BadInvoices => new()
    {
        { "Name", "empty", d => d.Name = "  ", "Enter the name to bill." },
        { "Name", "201 characters", d => d.Name = new string('a', 201), "at most 200 characters" },
        { "Name", "a control character", d => d.Name = "joe\u0007doe", "control characters" },
        { "Company", "201 characters", d => d.Company = new string('a', 201), "at most 200 characters" },
        { "FullAddress", "a NUL", d => d.FullAddress = "broadway\0", "control characters" },
        { "FullAddress", "1001 characters", d => d.FullAddress = new string('a', 1001), "at most 1000 characters" },
        { "Country", "a country name", d => d.Country = "Germany", "two-letter ISO country code" },
        { "Country", "an unknown code", d => d.Country = "XX", "two-letter ISO country code" },
        { "MembershipId", "a negative id", d => d.MembershipId = -5, "positive number" },
        { "TaxName", "51 characters", d => d.TaxName = new string('V', 51), "at most 50 characters" },
        { "TaxRate", "a negative rate", d => d.TaxRate = -1, "cannot be negative" },
        { "TaxRate", "over 100 %", d => d.TaxRate = 120, "at most 100 %" },
        { "TaxRate", "three decimals", d => d.TaxRate = 19.125m, "at most two decimals" },
        { "InvoiceText", "2001 characters", d => d.InvoiceText = new string('x', 2001), "at most 2000 characters" },
        { "DueDate", "none", d => d.DueDate = null, "Choose a due date." },
        { "DueDate", "before the invoice date", d => d.DueDate = new DateOnly(2026, 3, 1), "cannot be before the invoice date (2026-03-02)" },
        { "DueDate", "six years ahead", d => d.DueDate = new DateOnly(2032, 3, 2), "at most five years" },
        { "Items", "no items", d => d.Items.Clear(), "Add at least one item." },
        { "Items", "101 items", d => d.Items = Enumerable.Range(0, 101).Select(_ => new InvoiceLineDraft { Description = "x", Amount = 1 }).ToList(), "at most 100 items" },
        { "Items[0].Description", "an empty description", d => d.Items[0].Description = "", "Enter a description." },
        { "Items[0].Description", "a tab in a one-line description", d => d.Items[0].Description = "rent\tplan", "control characters" },
        { "Items[0].Quantity", "a zero quantity", d => d.Items[0].Quantity = 0, "more than 0" },
        { "Items[0].Quantity", "a negative quantity", d => d.Items[0].Quantity = -2, "more than 0" },
        { "Items[0].Quantity", "a huge quantity", d => d.Items[0].Quantity = 1_000_000, "at most 100,000" },
        { "Items[0].Quantity", "four decimals", d => d.Items[0].Quantity = 1.0001m, "at most three decimals" },
        { "Items[1].Amount", "a negative amount", d => d.Items[1].Amount = -20, "cannot be negative" },
        { "Items[1].Amount", "a huge amount", d => d.Items[1].Amount = 79_228_162_514_264_337_593_543_950_335m, "at most 1,000,000" },
        { "Items[1].Amount", "fractions of a cent", d => d.Items[1].Amount = 19.999m, "whole cents" },
        { "Items[1].TaxRate", "a rate over 100", d => d.Items[1].TaxRate = 101, "at most 100 %" },
        { "Items[1].AccountingCode", "101 characters", d => d.Items[1].AccountingCode = new string('c', 101), "at most 100 characters" },
    };

    [Theory]
    [MemberData(nameof(BadInvoices))]
    public async Task Bad_input_is_refused_at_its_field_and_nothing_is_created_or_raised(string field, string tried, Action<InvoiceDraft> spoil, string message)
    {
        var draft = BillingTestData.CobotExample();
        spoil(draft);

        var result = await Invoices.CreateAsync(draft, BillingTestData.Actor);

        Assert.False(result.Succeeded, $"{tried} was accepted");
        Assert.Contains(message, result.Errors.For(field) ?? $"(nothing at {field}: {result.Errors})");
        Assert.Empty(await Services.RaisedAsync());
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM Invoices"));
    }

    [Fact]
    public async Task A_script_tag_is_kept_as_the_text_it_is()
    {
        var draft = BillingTestData.CobotExample();
        draft.Name = "<script>alert(1)</script>";

        var invoice = await Services.CreateInvoiceAsync(draft);

        Assert.Equal("<script>alert(1)</script>", (await ResourceAsync(invoice.Id)).Address.Name);
    }

    [Fact]
    public async Task Editing_replaces_the_items_and_totals_and_raises_updated_invoice()
    {
        var invoice = await Services.CreateInvoiceAsync();
        var draft = InvoiceDraft.From(invoice);
        draft.Items.RemoveAt(1);
        draft.Items[0].Quantity = 3;

        var edited = (await Invoices.UpdateAsync(invoice.Id, draft, BillingTestData.Actor)).Ok();

        var resource = await ResourceAsync(edited.Id);
        Assert.Equal(("288.0", "240.0"), (resource.TotalAmount, resource.TotalAmountWithoutTaxes));
        Assert.Single(resource.Items);
        Assert.Equal(new[] { "created_invoice", "updated_invoice" }, await Services.RaisedAsync());
    }

    [Fact]
    public async Task A_paid_or_written_off_invoice_cannot_be_edited_and_the_refusal_raises_nothing()
    {
        var paid = await Services.CreateInvoiceAsync();
        (await Invoices.MarkPaidAsync(paid.Id, BillingTestData.Actor)).Ok();
        var writtenOff = await Services.CreateInvoiceAsync();
        (await Invoices.WriteOffAsync(writtenOff.Id, BillingTestData.Actor)).Ok();
        var before = (await Services.RaisedAsync()).Count;

        var editPaid = await Invoices.UpdateAsync(paid.Id, BillingTestData.CobotExample(), BillingTestData.Actor);
        var editWrittenOff = await Invoices.UpdateAsync(writtenOff.Id, BillingTestData.CobotExample(), BillingTestData.Actor);

        Assert.Contains("mark it unpaid first", editPaid.Errors.For(""));
        Assert.Contains("written-off invoice can't be edited", editWrittenOff.Errors.For(""));
        Assert.Equal(before, (await Services.RaisedAsync()).Count);
    }

    [Fact]
    public async Task Sending_records_the_time_and_raises_sent_invoice()
    {
        var invoice = await Services.CreateInvoiceAsync();
        core.Clock.Advance(TimeSpan.FromMinutes(5));

        var sent = (await Invoices.SendAsync(invoice.Id, BillingTestData.Actor)).Ok();

        Assert.Equal(core.Clock.GetUtcNow(), sent.SentAt);
        Assert.Equal(InvoiceStatus.Sent, sent.Status);
        Assert.Equal(("sent", true), ((await ResourceAsync(invoice.Id)).SentStatus, (await ResourceAsync(invoice.Id)).Sent));
        Assert.Equal(new[] { "created_invoice", "sent_invoice" }, await Services.RaisedAsync());
    }

    [Fact]
    public async Task With_e_invoicing_sending_first_requests_the_e_invoice_and_waits_for_the_file()
    {
        await SwitchEInvoicingAsync(true);
        var invoice = await Services.CreateInvoiceAsync();

        var requested = (await Invoices.SendAsync(invoice.Id, BillingTestData.Actor)).Ok();
        var again = await Invoices.SendAsync(invoice.Id, BillingTestData.Actor);

        Assert.True(requested.AwaitsEInvoice);
        Assert.False(requested.IsSent);
        Assert.Equal("e_invoice_requested", (await ResourceAsync(invoice.Id)).SentStatus);
        Assert.Contains("attach the PDF or XML file", again.Errors.For(""));
        Assert.Equal(new[] { "created_invoice", "requested_e_invoice" }, await Services.RaisedAsync());

        using var pdf = new MemoryStream("%PDF-1.7\n%e-invoice"u8.ToArray());
        var attached = (await Invoices.AttachEInvoiceAsync(invoice.Id, "2026-0001.pdf", pdf, BillingTestData.Actor)).Ok();
        Assert.Equal(("2026-0001.pdf", "application/pdf"), (attached.EInvoiceFileName, attached.EInvoiceContentType));

        var sent = (await Invoices.SendAsync(invoice.Id, BillingTestData.Actor)).Ok();
        Assert.True(sent.IsSent);
        Assert.Equal(new[] { "created_invoice", "requested_e_invoice", "sent_invoice" }, await Services.RaisedAsync());
        var file = await core.Get<InvoiceReader>().EInvoiceAsync(invoice.Id);
        Assert.Equal("%PDF-1.7\n%e-invoice"u8.ToArray(), file!.Value.Content);
    }

    [Fact]
    public async Task Editing_removes_the_attached_e_invoice_because_it_no_longer_matches()
    {
        await SwitchEInvoicingAsync(true);
        var invoice = await Services.CreateInvoiceAsync();
        await Invoices.SendAsync(invoice.Id, BillingTestData.Actor);
        using var xml = new MemoryStream("\uFEFF  <?xml version=\"1.0\"?><Invoice/>"u8.ToArray());
        (await Invoices.AttachEInvoiceAsync(invoice.Id, "invoice.xml", xml, BillingTestData.Actor)).Ok();

        var edited = (await Invoices.UpdateAsync(invoice.Id, BillingTestData.CobotExample(), BillingTestData.Actor)).Ok();

        Assert.False(edited.HasEInvoice);
        Assert.Null(await core.Get<InvoiceReader>().EInvoiceAsync(invoice.Id));
        // Sending asks again.
        (await Invoices.SendAsync(invoice.Id, BillingTestData.Actor)).Ok();
        Assert.Equal(2, await Services.RaisedAsync("requested_e_invoice"));
    }

    public static TheoryData<string, string, byte[], string> BadFiles => new()
    {
        { "a Word document", "invoice.docx", "PK\u0003\u0004"u8.ToArray(), "PDF (.pdf) or XML (.xml)" },
        { "a .pdf that is not a PDF", "invoice.pdf", "<html>not a pdf</html>"u8.ToArray(), "PDF (.pdf) or XML (.xml)" },
        { "an .xml that is not XML", "invoice.xml", "%PDF-1.7"u8.ToArray(), "PDF (.pdf) or XML (.xml)" },
        { "an empty file", "invoice.pdf", [], "The file is empty." },
        { "a file of 2 MB and one byte", "invoice.pdf", [.. "%PDF-"u8.ToArray(), .. new byte[2 * 1024 * 1024 - 4]], "larger than 2 MB" },
        { "no name", "", "%PDF-1.7"u8.ToArray(), "no name" },
        { "a name with a control character", "in\u0001voice.pdf", "%PDF-1.7"u8.ToArray(), "control characters" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Only_a_PDF_or_XML_file_of_at_most_2_MB_is_taken_as_the_e_invoice(string tried, string name, byte[] content, string message)
    {
        var invoice = await Services.CreateInvoiceAsync();

        var result = await Invoices.AttachEInvoiceAsync(invoice.Id, name, new MemoryStream(content), BillingTestData.Actor);

        Assert.False(result.Succeeded, $"{tried} was accepted");
        Assert.Contains(message, result.Errors.For("EInvoice"));
        Assert.False((await core.Get<InvoiceReader>().FindAsync(invoice.Id))!.HasEInvoice);
    }

    [Fact]
    public async Task A_file_of_exactly_2_MB_is_taken()
    {
        var invoice = await Services.CreateInvoiceAsync();
        byte[] content = [.. "%PDF-"u8.ToArray(), .. new byte[2 * 1024 * 1024 - 5]];

        var result = await Invoices.AttachEInvoiceAsync(invoice.Id, "big.PDF", new MemoryStream(content), BillingTestData.Actor);

        Assert.Equal(2 * 1024 * 1024, result.Ok().EInvoiceSize);
    }

    [Fact]
    public async Task Marking_paid_and_unpaid_by_hand_raises_updated_invoice_each_time()
    {
        var invoice = await Services.CreateInvoiceAsync();

        var paid = (await Invoices.MarkPaidAsync(invoice.Id, BillingTestData.Actor)).Ok();
        var paidResource = await ResourceAsync(invoice.Id);
        var twice = await Invoices.MarkPaidAsync(invoice.Id, BillingTestData.Actor);
        var unpaid = (await Invoices.MarkUnpaidAsync(invoice.Id, BillingTestData.Actor)).Ok();
        var unpaidTwice = await Invoices.MarkUnpaidAsync(invoice.Id, BillingTestData.Actor);

        Assert.Equal((InvoiceStatus.Paid, "paid", true, "0.0"), (paid.Status, paidResource.PaidStatus, paidResource.Items[0].Paid, paidResource.PayableAmount));
        Assert.NotNull(paidResource.PaidAt);
        Assert.Contains("already marked paid", twice.Errors.For(""));
        Assert.Equal(InvoiceStatus.Draft, unpaid.Status);
        Assert.Contains("not marked paid", unpaidTwice.Errors.For(""));
        Assert.Equal(new[] { "created_invoice", "updated_invoice", "updated_invoice" }, await Services.RaisedAsync());
    }

    [Fact]
    public async Task Writing_off_ends_the_invoice_it_takes_no_payment_and_is_not_sent()
    {
        var invoice = await Services.CreateInvoiceAsync();

        var writtenOff = (await Invoices.WriteOffAsync(invoice.Id, BillingTestData.Actor)).Ok();
        var send = await Invoices.SendAsync(invoice.Id, BillingTestData.Actor);
        var markPaid = await Invoices.MarkPaidAsync(invoice.Id, BillingTestData.Actor);
        var pay = await core.Get<PaymentRecorder>().RecordPaymentAsync(invoice.Id, 10, "EUR", PaymentProviders.Manual, null, BillingTestData.Actor);
        var again = await Invoices.WriteOffAsync(invoice.Id, BillingTestData.Actor);

        Assert.Equal(InvoiceStatus.WrittenOff, writtenOff.Status);
        Assert.Equal(("written_off", "0.0"), ((await ResourceAsync(invoice.Id)).PaidStatus, (await ResourceAsync(invoice.Id)).PayableAmount));
        Assert.False(send.Succeeded);
        Assert.False(markPaid.Succeeded);
        Assert.Contains("written off", pay.Errors.For(""));
        Assert.Contains("already written off", again.Errors.For(""));
        Assert.Equal(new[] { "created_invoice", "wrote_off_invoice" }, await Services.RaisedAsync());
    }

    [Fact]
    public async Task A_paid_invoice_is_not_written_off()
    {
        var invoice = await Services.CreateInvoiceAsync();
        await Invoices.MarkPaidAsync(invoice.Id, BillingTestData.Actor);

        Assert.Contains("mark it unpaid first", (await Invoices.WriteOffAsync(invoice.Id, BillingTestData.Actor)).Errors.For(""));
    }

    [Fact]
    public async Task Only_an_unsent_unpaid_invoice_without_payments_is_deleted_and_its_last_state_travels_with_deleted_invoice()
    {
        var sent = await Services.CreateInvoiceAsync();
        await Invoices.SendAsync(sent.Id, BillingTestData.Actor);
        var paid = await Services.CreateInvoiceAsync();
        await Invoices.MarkPaidAsync(paid.Id, BillingTestData.Actor);
        var partlyPaid = await Services.CreateInvoiceAsync();
        (await core.Get<PaymentRecorder>().RecordPaymentAsync(partlyPaid.Id, 10, "EUR", PaymentProviders.Manual, null, BillingTestData.Actor)).Ok();
        var draft = await Services.CreateInvoiceAsync();
        var snapshot = await ResourceAsync(draft.Id);

        Assert.Contains("write it off instead", (await Invoices.DeleteAsync(sent.Id, BillingTestData.Actor)).Errors.For(""));
        Assert.Contains("paid invoice can't be deleted", (await Invoices.DeleteAsync(paid.Id, BillingTestData.Actor)).Errors.For(""));
        Assert.Contains("Payments are recorded", (await Invoices.DeleteAsync(partlyPaid.Id, BillingTestData.Actor)).Errors.For(""));
        (await Invoices.DeleteAsync(draft.Id, BillingTestData.Actor)).Ok();

        Assert.Null(await core.Get<InvoiceReader>().FindAsync(draft.Id));
        Assert.Equal(0L, core.Scalar("SELECT COUNT(*) FROM InvoiceItems WHERE InvoiceId = $id", ("$id", draft.Id)));
        Assert.Equal(1, await Services.RaisedAsync("deleted_invoice"));
        var data = (string)core.Scalar("SELECT DataJson FROM Events WHERE Name = 'deleted_invoice'")!;
        Assert.Equal(JsonSerializer.Serialize(snapshot), data);
        Assert.Contains("There is no invoice", (await Invoices.DeleteAsync(draft.Id, BillingTestData.Actor)).Errors.For(""));
    }

    [Fact]
    public async Task Every_change_is_in_the_activity_log_with_who_did_it()
    {
        var invoice = await Services.CreateInvoiceAsync();
        await Invoices.SendAsync(invoice.Id, "admin@example.com");

        var actions = await core.Get<EasySpace.Core.Activity.ActivityLogReader>().PageAsync("invoice.", 0, 10);

        Assert.Equal(new[] { "invoice.sent", "invoice.created" }, actions.Items.Select(a => a.Action));
        Assert.Equal("admin@example.com", actions.Items[0].Actor);
        Assert.Equal("2026-0001", actions.Items[0].Subject);
    }

    [Fact]
    public async Task Invoice_settings_are_validated_and_print_the_issuer_on_new_invoices()
    {
        var bad = await Invoices.SaveSettingsAsync(new InvoiceSettingsDraft { TaxId = new string('1', 51), DefaultTaxRate = -3, Address = "a\u0001" }, BillingTestData.Actor);
        Assert.Contains("at most 50", bad.Errors.For("TaxId"));
        Assert.Contains("cannot be negative", bad.Errors.For("DefaultTaxRate"));
        Assert.Contains("control characters", bad.Errors.For("Address"));

        (await Invoices.SaveSettingsAsync(new InvoiceSettingsDraft
        {
            Company = "space inc.", Address = "2 coworking way\n37521 new atlantis", TaxIdName = "VAT ID", TaxId = "100-535-87D",
            DefaultTaxName = "VAT", DefaultTaxRate = 19,
        }, BillingTestData.Actor)).Ok();
        var invoice = await Services.CreateInvoiceAsync();
        var fresh = await Invoices.NewDraftAsync();

        var resource = await ResourceAsync(invoice.Id);
        Assert.Equal(new SpaceAddressResource("Co-Up", "2 coworking way\n37521 new atlantis", "space inc.", "DE"), resource.SpaceAddress);
        Assert.Equal(("VAT ID", "100-535-87D"), (resource.TaxIdName, resource.TaxId));
        Assert.Equal(("VAT", 19m, new DateOnly(2026, 3, 16)), (fresh.TaxName, fresh.TaxRate, fresh.DueDate));
    }
}
