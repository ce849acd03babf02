using EasySpace.Core.Activity;
using EasySpace.Core.Data;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Events;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Invoices;

/// <summary>
/// What admins do to invoices: write, edit, send (or request an e-invoice first), attach the e-invoice, mark paid or
/// unpaid, write off, delete. Each call is one unit of work: the change, its activity-log line and its event commit
/// together, and a refused call changes and raises nothing.
/// </summary>
public sealed class InvoiceService(IDbContextFactory<AppDbContext> dbFactory, EventOutbox outbox, PublicUrls urls, TimeProvider clock)
{
    public const int MaxEInvoiceBytes = 2 * 1024 * 1024;
    private const int Attempts = 3;

    public async Task<Result<Invoice>> CreateAsync(InvoiceDraft draft, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Validate before the transaction: it takes SQLite's write lock (BEGIN IMMEDIATE), which a refusal need not hold.
        var space = await SpaceLocale.LoadAsync(db, ct);
        var settings = await InvoiceSettings.LoadAsync(db, ct);
        var now = clock.GetUtcNow();
        var today = space.Clock.Today(now);
        var errors = draft.Validate(today);
        await MembershipLink.NameAsync(db, draft.MembershipId, (null, null), errors, nameof(InvoiceDraft.MembershipId), ct);
        if (!errors.IsEmpty) return errors;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var number = await NextNumberAsync(db, today.Year, ct);
        var invoice = Invoice.Create(draft, today.Year, number, settings.Issuer(space), space.Currency, today, now);
        db.Invoices.Add(invoice);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.InvoiceCreated, invoice.FormattedNumber, now,
            $"{BillingFormat.Money(invoice.Total, invoice.Currency)} for {invoice.BillingName}"));
        await db.SaveChangesAsync(ct);                         // the invoice's id is in its URL
        await outbox.RaiseAsync(db, new CreatedInvoice(await SubjectAsync(urls, invoice, ct)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return invoice;
    }

    public Task<Result<Invoice>> UpdateAsync(long id, InvoiceDraft draft, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, async (db, invoice, now) =>
        {
            if (!invoice.CanEdit) return Refused(invoice.IsPaid ? "A paid invoice can't be edited; mark it unpaid first." : "A written-off invoice can't be edited.");
            var errors = draft.Validate(invoice.IssuedOn);
            await MembershipLink.NameAsync(db, draft.MembershipId, (invoice.MembershipId, null), errors, nameof(InvoiceDraft.MembershipId), ct);
            if (!errors.IsEmpty) return errors;
            var hadEInvoice = invoice.HasEInvoice;
            invoice.Edit(draft, now);
            if (hadEInvoice) await db.EInvoiceFiles.Where(f => f.InvoiceId == invoice.Id).ExecuteDeleteAsync(ct);
            Log(db, actor, ActivityKinds.InvoiceUpdated, invoice, now, hadEInvoice ? "the attached e-invoice was removed" : null);
            await outbox.RaiseAsync(db, new UpdatedInvoice(await SubjectAsync(urls, invoice, ct)), ct);
            return null;
        }, ct);

    /// <summary>
    /// Records the invoice as sent, and integrations hear sent_invoice. The e-mail to the member is InvoiceMail's, after
    /// this commits (a slow mail server must not hold the database). With e-invoicing on and no e-invoice attached, the first call raises
    /// requested_e_invoice instead, and sending waits for the file.
    /// </summary>
    public async Task<Result<Invoice>> SendAsync(long id, string actor, CancellationToken ct = default)
    {
        InvoiceSettings settings;
        await using (var db = await dbFactory.CreateDbContextAsync(ct)) settings = await InvoiceSettings.LoadAsync(db, ct);
        return await ChangeAsync(id, async (db, invoice, now) =>
        {
            if (invoice.IsWrittenOff) return Refused("A written-off invoice can't be sent.");
            if (settings.EInvoicingEnabled && !invoice.HasEInvoice)
            {
                if (invoice.EInvoiceRequestedAt is { } requested)
                    return Refused($"This invoice waits for its e-invoice (requested {BillingFormat.Timestamp(requested)}): attach the PDF or XML file, then send it.");
                invoice.RequestEInvoice(now);
                Log(db, actor, ActivityKinds.EInvoiceRequested, invoice, now);
                await outbox.RaiseAsync(db, new RequestedEInvoice(await SubjectAsync(urls, invoice, ct)), ct);
                return null;
            }
            invoice.MarkSent(now);
            Log(db, actor, ActivityKinds.InvoiceSent, invoice, now);
            await outbox.RaiseAsync(db, new SentInvoice(await SubjectAsync(urls, invoice, ct)), ct);
            return null;
        }, ct);
    }

    /// <summary>Attaches the e-invoice file (PDF or XML, at most 2 MB); a later send can then go out.</summary>
    public async Task<Result<Invoice>> AttachEInvoiceAsync(long id, string fileName, Stream content, string actor, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/')).Trim();
        var bytes = await ReadAtMostAsync(content, MaxEInvoiceBytes, ct);
        var contentType = EInvoiceType(name, bytes);
        if (name.Length == 0) errors.Add("EInvoice", "The file has no name.");
        else if (name.Length > 200 || name.Any(char.IsControl)) errors.Add("EInvoice", "Rename the file: at most 200 characters, no control characters.");
        else if (bytes is null) errors.Add("EInvoice", "The file is larger than 2 MB.");
        else if (bytes.Length == 0) errors.Add("EInvoice", "The file is empty.");
        else if (contentType is null) errors.Add("EInvoice", "Attach the e-invoice as a PDF (.pdf) or XML (.xml) file.");
        if (!errors.IsEmpty) return errors;

        return await ChangeAsync(id, async (db, invoice, now) =>
        {
            if (invoice.IsWrittenOff) return Refused("A written-off invoice is not sent, so it needs no e-invoice.");
            await db.EInvoiceFiles.Where(f => f.InvoiceId == invoice.Id).ExecuteDeleteAsync(ct);
            db.EInvoiceFiles.Add(EInvoiceFile.Of(invoice.Id, bytes!));
            invoice.AttachEInvoice(name, contentType!, bytes!.Length, now);
            Log(db, actor, ActivityKinds.EInvoiceAttached, invoice, now, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} ({bytes.Length:N0} bytes)"));
            return null;
        }, ct);
    }

    public Task<Result<Invoice>> MarkPaidAsync(long id, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, async (db, invoice, now) =>
        {
            if (invoice.IsWrittenOff) return Refused("A written-off invoice can't be marked paid.");
            if (invoice.IsPaid) return Refused("This invoice is already marked paid.");
            invoice.MarkPaid(now);
            Log(db, actor, ActivityKinds.InvoiceMarkedPaid, invoice, now);
            await outbox.RaiseAsync(db, new UpdatedInvoice(await SubjectAsync(urls, invoice, ct)), ct);
            return null;
        }, ct);

    public Task<Result<Invoice>> MarkUnpaidAsync(long id, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, async (db, invoice, now) =>
        {
            if (!invoice.IsPaid) return Refused("This invoice is not marked paid.");
            invoice.MarkUnpaid(now);
            Log(db, actor, ActivityKinds.InvoiceMarkedUnpaid, invoice, now);
            await outbox.RaiseAsync(db, new UpdatedInvoice(await SubjectAsync(urls, invoice, ct)), ct);
            return null;
        }, ct);

    public Task<Result<Invoice>> WriteOffAsync(long id, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, async (db, invoice, now) =>
        {
            if (invoice.IsWrittenOff) return Refused("This invoice is already written off.");
            if (invoice.IsPaid) return Refused("A paid invoice can't be written off; mark it unpaid first.");
            invoice.WriteOff(now);
            Log(db, actor, ActivityKinds.InvoiceWrittenOff, invoice, now, BillingFormat.Money(invoice.Total - invoice.PaidAmount, invoice.Currency));
            await outbox.RaiseAsync(db, new WroteOffInvoice(await SubjectAsync(urls, invoice, ct)), ct);
            return null;
        }, ct);

    /// <summary>Deletes an invoice that was never sent, paid or paid towards; deleted_invoice carries its last state.</summary>
    public Task<Result<Invoice>> DeleteAsync(long id, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, async (db, invoice, now) =>
        {
            if (invoice.IsPaid) return Refused("A paid invoice can't be deleted.");
            if (invoice.IsSent) return Refused("A sent invoice can't be deleted; write it off instead.");
            if (await db.Payments.AnyAsync(p => p.InvoiceId == invoice.Id, ct))
                return Refused("Payments are recorded against this invoice, so it can't be deleted; write it off instead.");
            var snapshot = await SubjectAsync(urls, invoice, ct);
            db.Invoices.Remove(invoice);
            Log(db, actor, ActivityKinds.InvoiceDeleted, invoice, now, $"{BillingFormat.Money(invoice.Total, invoice.Currency)} for {invoice.BillingName}");
            await outbox.RaiseAsync(db, new DeletedInvoice(snapshot), ct);
            return null;
        }, ct);

    /// <summary>A blank invoice form: the settings' default tax, due in 14 days.</summary>
    public async Task<InvoiceDraft> NewDraftAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var settings = await InvoiceSettings.LoadAsync(db, ct);
        var today = (await SpaceClock.LoadAsync(db, ct)).Today(clock.GetUtcNow());
        return new InvoiceDraft
        {
            TaxName = settings.DefaultTaxName,
            TaxRate = settings.DefaultTaxRate,
            DueDate = today.AddDays(14),
        };
    }

    public async Task<InvoiceSettings> GetSettingsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await InvoiceSettings.LoadAsync(db, ct);
    }

    public async Task<Result<InvoiceSettings>> SaveSettingsAsync(InvoiceSettingsDraft draft, string actor, CancellationToken ct = default)
    {
        var errors = draft.Validate();
        if (!errors.IsEmpty) return errors;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var settings = await db.InvoiceSettings.OrderBy(s => s.Id).FirstOrDefaultAsync(ct);
        if (settings is null) db.InvoiceSettings.Add(settings = InvoiceSettings.Defaults());
        var now = clock.GetUtcNow();
        var wasOn = settings.EInvoicingEnabled;
        settings.Change(draft, now);
        db.ActivityLog.Add(ActivityEntry.Record(actor, ActivityKinds.InvoiceSettingsChanged, "invoice settings", now,
            wasOn == settings.EInvoicingEnabled ? null : settings.EInvoicingEnabled ? "e-invoicing switched on" : "e-invoicing switched off"));
        await db.SaveChangesAsync(ct);
        return settings;
    }

    /// <summary>The invoice's subject for events: the object its API URL returns, about "Invoice 2026-0042 to Ada Keller".</summary>
    internal static async Task<EventSubject> SubjectAsync(PublicUrls urls, Invoice invoice, CancellationToken ct)
    {
        var id = invoice.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new EventSubject(id, $"Invoice {invoice.FormattedNumber} to {invoice.BillingName}",
            InvoiceResource.Of(invoice, await urls.ApiUrlAsync(InvoiceResource.Collection, id, ct)).ToJson());
    }

    /// <summary>
    /// Loads the invoice, lets <paramref name="act"/> refuse (errors) or change it (null), and saves the change with what
    /// <paramref name="act"/> added, in one transaction. The version check is the backstop: if the invoice moved under
    /// us anyway, start again from fresh data.
    /// </summary>
    private async Task<Result<Invoice>> ChangeAsync(long id, Func<AppDbContext, Invoice, DateTimeOffset, Task<ValidationErrors?>> act, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            // BEGIN IMMEDIATE: read and write under SQLite's write lock, so what act decides on is what gets saved.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var invoice = await db.Invoices.FirstOrDefaultAsync(i => i.Id == id, ct);
            if (invoice is null) return Refused("There is no invoice with that id; it may have been deleted.");
            if (await act(db, invoice, clock.GetUtcNow()) is { IsEmpty: false } errors) return errors;
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return invoice;
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                // Rolled back by disposal; go again with the other change in view.
            }
        }
    }

    /// <summary>The next number of <paramref name="year"/>: one statement that increments the counter row and returns it,
    /// inside the caller's transaction, so concurrent invoices queue on the row and a rolled-back one gives its number back.
    /// The column is named with its table: unqualified, PostgreSQL cannot tell it from the proposed row's (EXCLUDED).</summary>
    private static async Task<int> NextNumberAsync(AppDbContext db, int year, CancellationToken ct)
    {
        var numbers = await db.Database.SqlQuery<int>($"""
            INSERT INTO "InvoiceCounters" ("Year", "LastNumber") VALUES ({year}, 1)
            ON CONFLICT ("Year") DO UPDATE SET "LastNumber" = "InvoiceCounters"."LastNumber" + 1
            RETURNING "LastNumber" AS "Value"
            """).ToListAsync(ct);
        return numbers[0];
    }

    private static void Log(AppDbContext db, string actor, ActivityKind action, Invoice invoice, DateTimeOffset at, string? details = null) =>
        db.ActivityLog.Add(ActivityEntry.Record(actor, action, invoice.FormattedNumber, at, details));

    private static ValidationErrors Refused(string message) => new ValidationErrors().Add("", message);

    private static async Task<byte[]?> ReadAtMostAsync(Stream content, int max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>"application/pdf" or "application/xml" when the name and the first bytes agree, else null.</summary>
    internal static string? EInvoiceType(string name, byte[]? bytes)
    {
        if (bytes is null || bytes.Length == 0) return null;
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (extension == ".pdf") return bytes.AsSpan().StartsWith("%PDF-"u8) ? "application/pdf" : null;
        if (extension != ".xml") return null;
        var span = bytes.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
        var start = 0;
        while (start < span.Length && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        return start < span.Length && span[start] == (byte)'<' ? "application/xml" : null;
    }
}
