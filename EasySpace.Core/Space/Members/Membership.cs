using EasySpace.Core.Events;

namespace EasySpace.Core.Space.Members;

/// <summary>
/// The event a change to a membership causes. Its subject is the membership as the change leaves it, which the
/// service reads once the change is made, so the change hands back how to make the event rather than the event.
/// </summary>
internal delegate CatalogueEvent MembershipEvent(EventSubject membership);

/// <summary>How a member pays.</summary>
public enum PaymentMethod
{
    Invoice = 0,
    Card = 1,
    PayPal = 2,
    Sepa = 3,
}

public static class PaymentMethods
{
    /// <summary>The API's name: invoice, card, paypal, sepa.</summary>
    public static string ApiName(this PaymentMethod method) => method switch
    {
        PaymentMethod.Card => "card",
        PaymentMethod.PayPal => "paypal",
        PaymentMethod.Sepa => "sepa",
        _ => "invoice",
    };

    public static string Label(this PaymentMethod method) => method switch
    {
        PaymentMethod.Card => "Card",
        PaymentMethod.PayPal => "PayPal",
        PaymentMethod.Sepa => "SEPA direct debit",
        _ => "Invoice (bank transfer)",
    };
}

/// <summary>Where a membership stands, as the members list and the API show it.</summary>
public enum MembershipStatus
{
    /// <summary>Confirmed to a future date, not yet reached.</summary>
    Pending,
    Active,
    /// <summary>Canceled to a date not yet reached.</summary>
    Canceling,
    /// <summary>The cancellation date was reached.</summary>
    Ended,
}

/// <summary>
/// One member's membership of the space, connected to one user account (role Member). Dates are calendar days in the
/// space's time zone; the date-driven changes (confirmation, plan change, end) are applied by <see cref="MembershipDates"/>.
/// </summary>
public sealed class Membership
{
    private Membership() { }

    public long Id { get; private set; }
    /// <summary>The connected Identity user (role Member).</summary>
    public string UserId { get; private set; } = "";
    public string Name { get; private set; } = "";
    /// <summary>The connected user's e-mail address, kept equal to it in the same transaction as every change.</summary>
    public string Email { get; private set; } = "";
    public string? Company { get; private set; }
    public string? Address { get; private set; }
    public string? Phone { get; private set; }

    public long PlanId { get; private set; }
    /// <summary>A plan change entered for a future date.</summary>
    public long? NextPlanId { get; private set; }
    public DateOnly? NextPlanFrom { get; private set; }
    /// <summary>Counts plan changes entered, so each one's "date reached" fires once even if dates repeat.</summary>
    public int PlanChangeCount { get; private set; }

    /// <summary>The day the membership is (or was) confirmed.</summary>
    public DateOnly ConfirmationDate { get; private set; }
    public bool IsConfirmed { get; private set; }

    /// <summary>The day the membership ends (Cobot's canceled_to); the end is applied when the day begins.</summary>
    public DateOnly? CanceledTo { get; private set; }
    /// <summary>Counts cancellations entered, so each one's "date reached" fires once even if dates repeat.</summary>
    public int CancellationCount { get; private set; }
    public DateOnly? EndedOn { get; private set; }

    public PaymentMethod PaymentMethod { get; private set; }
    public int TimePasses { get; private set; }
    /// <summary>Custom field values by field name (only the space's defined fields are shown).</summary>
    public Dictionary<string, string> CustomFields { get; private set; } = new(StringComparer.Ordinal);
    public bool HasPicture { get; private set; }
    /// <summary>Bumped on every picture change: part of the picture's address, so no cache shows an old one.</summary>
    public int PictureVersion { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public MembershipStatus Status =>
        EndedOn is not null ? MembershipStatus.Ended
        : !IsConfirmed ? MembershipStatus.Pending
        : CanceledTo is not null ? MembershipStatus.Canceling
        : MembershipStatus.Active;

    internal static Membership Create(string userId, MemberDetails details, string email, long planId, DateOnly confirmationDate, bool confirmedNow, DateTimeOffset at)
    {
        var m = new Membership
        {
            UserId = userId,
            Email = email.Trim(),
            PlanId = planId,
            ConfirmationDate = confirmationDate,
            IsConfirmed = confirmedNow,
            PaymentMethod = PaymentMethod.Invoice,
            CreatedAt = at,
        };
        m.ChangeDetails(details, at);
        return m;
    }

    /// <summary>Applies contact details; null when nothing changed (a save without changes is not an update).</summary>
    internal MembershipEvent? ChangeDetails(MemberDetails details, DateTimeOffset at)
    {
        var name = details.Name.Trim();
        var company = MemberInputRules.Clean(details.Company);
        var address = MemberInputRules.Clean(details.Address)?.Replace("\r\n", "\n");
        var phone = MemberInputRules.Clean(details.Phone);
        if (name == Name && company == Company && address == Address && phone == Phone) return null;
        (Name, Company, Address, Phone) = (name, company, address, phone);
        UpdatedAt = at;
        return s => new UpdatedMembershipDetails(s);
    }

    /// <summary>The connected user's login changed with it, in the same transaction.</summary>
    internal MembershipEvent ChangeEmail(string email, DateTimeOffset at)
    {
        Email = email.Trim();
        UpdatedAt = at;
        return s => new UpdatedConnectedUser(s);
    }

    /// <summary>The future confirmation date is reached.</summary>
    internal MembershipEvent Confirm(DateTimeOffset at)
    {
        if (IsConfirmed) throw new InvalidOperationException("The membership is already confirmed.");
        IsConfirmed = true;
        UpdatedAt = at;
        return s => new ConfirmedMembership(s);
    }

    /// <summary>
    /// Enters a plan change. From today or earlier it applies at once, and its date is reached with it; a later date
    /// waits for <see cref="ReachPlanChangeDate"/>.
    /// </summary>
    internal IReadOnlyList<MembershipEvent> ChangePlan(long planId, DateOnly from, DateOnly today, DateTimeOffset at)
    {
        if (EndedOn is not null) throw new InvalidOperationException("An ended membership cannot change plans.");
        PlanChangeCount++;
        NextPlanId = planId;
        NextPlanFrom = from;
        UpdatedAt = at;
        MembershipEvent entered = s => new ChangedMembershipPlan(s);
        return from <= today ? [entered, ReachPlanChangeDate(at)] : [entered];
    }

    /// <summary>Withdraws a plan change that has not happened yet: the entry changed.</summary>
    internal MembershipEvent DropPlanChange(DateTimeOffset at)
    {
        if (NextPlanId is null) throw new InvalidOperationException("There is no planned plan change.");
        NextPlanId = null;
        NextPlanFrom = null;
        UpdatedAt = at;
        return s => new ChangedMembershipPlan(s);
    }

    /// <summary>The new plan takes effect.</summary>
    internal MembershipEvent ReachPlanChangeDate(DateTimeOffset at)
    {
        if (NextPlanId is not { } next) throw new InvalidOperationException("There is no planned plan change.");
        PlanId = next;
        NextPlanId = null;
        NextPlanFrom = null;
        UpdatedAt = at;
        return s => new MembershipPlanChangeDateReached(s);
    }

    /// <summary>Sets (or moves) the day the membership ends.</summary>
    internal MembershipEvent Cancel(DateOnly to, DateTimeOffset at)
    {
        if (EndedOn is not null) throw new InvalidOperationException("The membership has already ended.");
        CanceledTo = to;
        CancellationCount++;
        UpdatedAt = at;
        return s => new CanceledMembership(s);
    }

    /// <summary>Removes a cancellation whose date has not been reached.</summary>
    internal MembershipEvent Uncancel(DateTimeOffset at)
    {
        if (CanceledTo is null || EndedOn is not null) throw new InvalidOperationException("There is no future cancellation to remove.");
        CanceledTo = null;
        UpdatedAt = at;
        return s => new UncanceledMembership(s);
    }

    /// <summary>The cancellation date is reached: the membership ends.</summary>
    internal MembershipEvent End(DateTimeOffset at)
    {
        if (CanceledTo is not { } to || EndedOn is not null) throw new InvalidOperationException("Only a canceled membership can end.");
        EndedOn = to;
        NextPlanId = null;
        NextPlanFrom = null;
        UpdatedAt = at;
        return s => new MembershipCancellationDateReached(s);
    }

    /// <summary>An ended membership runs again.</summary>
    internal MembershipEvent Reactivate(DateTimeOffset at)
    {
        if (EndedOn is null) throw new InvalidOperationException("Only an ended membership can be reactivated.");
        EndedOn = null;
        CanceledTo = null;
        UpdatedAt = at;
        return s => new ReactivatedMembership(s);
    }

    internal MembershipEvent ChangePaymentMethod(PaymentMethod method, DateTimeOffset at)
    {
        PaymentMethod = method;
        UpdatedAt = at;
        return s => new UpdatedPaymentMethod(s);
    }

    internal MembershipEvent AddTimePasses(int count, DateTimeOffset at)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count));
        TimePasses += count;
        UpdatedAt = at;
        return s => new MembershipAddedTimePasses(s);
    }

    internal MembershipEvent RemoveTimePasses(int count, DateTimeOffset at)
    {
        if (count <= 0 || count > TimePasses) throw new ArgumentOutOfRangeException(nameof(count), "A membership never has fewer than zero time passes.");
        TimePasses -= count;
        UpdatedAt = at;
        return s => new MembershipRemovedTimePasses(s);
    }

    /// <summary>Sets the given values (blank clears one); returns the names that really changed (updated_custom_field's filter input).</summary>
    internal IReadOnlyList<string> SetCustomFields(IReadOnlyDictionary<string, string?> values, DateTimeOffset at)
    {
        var changed = new List<string>();
        var next = new Dictionary<string, string>(CustomFields, StringComparer.Ordinal);
        foreach (var (name, raw) in values)
        {
            var value = MemberInputRules.Clean(raw);
            CustomFields.TryGetValue(name, out var old);
            if (old == value) continue;
            if (value is null) next.Remove(name); else next[name] = value;
            changed.Add(name);
        }
        if (changed.Count > 0)
        {
            CustomFields = next; // a new instance, so the change tracker sees the JSON column change
            UpdatedAt = at;
        }
        return changed;
    }

    internal MembershipEvent PictureChanged(DateTimeOffset at)
    {
        PictureVersion++;
        HasPicture = true;
        UpdatedAt = at;
        return s => new UpdatedMembershipPicture(s);
    }

    internal MembershipEvent PictureDeleted(DateTimeOffset at)
    {
        PictureVersion++;
        HasPicture = false;
        UpdatedAt = at;
        return s => new UpdatedMembershipPicture(s);
    }
}

/// <summary>A member's contact details as the forms edit them.</summary>
public sealed class MemberDetails
{
    public string Name { get; set; } = "";
    public string? Company { get; set; }
    public string? Address { get; set; }
    public string? Phone { get; set; }

    public static MemberDetails Of(Membership m) => new() { Name = m.Name, Company = m.Company, Address = m.Address, Phone = m.Phone };

    public ValidationErrors Validate(ValidationErrors? into = null)
    {
        var errors = into ?? new ValidationErrors();
        if (MemberInputRules.Name(Name, "the member's name", MemberInputRules.NameMax) is { } name) errors.Add(nameof(Name), name);
        if (MemberInputRules.OptionalLine(Company, "the company", MemberInputRules.CompanyMax) is { } company) errors.Add(nameof(Company), company);
        if (MemberInputRules.OptionalText(Address, "the address", MemberInputRules.AddressMax) is { } address) errors.Add(nameof(Address), address);
        if (MemberInputRules.Phone(Phone) is { } phone) errors.Add(nameof(Phone), phone);
        return errors;
    }
}
