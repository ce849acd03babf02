using EasySpace.Core.Activity;
using Microsoft.EntityFrameworkCore;

namespace EasySpace.Core.Space.Members;

// Plan changes, cancellation and its reversal, time passes: the membership's course.
public sealed partial class MembershipService
{
    /// <summary>
    /// Enters a plan change → changed_membership_plan. From today (or no date) the new plan applies at once and
    /// membership_plan_change_date_reached is raised with it; from a later date that event comes from
    /// <see cref="MembershipDates"/> at 00:00 on that day in the space's time zone.
    /// </summary>
    public Task<Result<Membership>> ChangePlanAsync(long id, long? planId, string? from, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, async step =>
        {
            var m = step.Membership;
            if (m.Status == MembershipStatus.Ended) { step.Errors.Add("", "This membership has ended; reactivate it before changing its plan."); return; }
            await ValidatePlanAsync(step.Db, planId, step.Errors, "PlanId", ct);
            var date = ValidateDate(step, from, "From", "the first day of the new plan") ?? step.Today;
            if (!step.Errors.IsEmpty) return;

            var immediate = date <= step.Today;
            if (planId == m.PlanId)
            {
                step.Errors.Add("PlanId", m.NextPlanId is null
                    ? "The member is already on this plan."
                    : "The member is already on this plan; to keep it, withdraw the planned change instead.");
                return;
            }
            if (planId == m.NextPlanId && date == m.NextPlanFrom)
            {
                step.Errors.Add("PlanId", $"This change is already planned for {MembershipResource.Day(date)}.");
                return;
            }
            var plans = await MembershipResources.PlansAsync(step.Db, [m.PlanId, planId!.Value], ct);
            var before = plans[m.PlanId].Name;
            foreach (var e in m.ChangePlan(planId.Value, date, step.Today, step.Now)) step.Raise(e);
            step.Record(ActivityKinds.MembershipPlanChanged, $"from {before} to {plans[planId.Value].Name} {(immediate ? "today" : "on " + MembershipResource.Day(date))}");
            // The new plan's first day is today: it is reached now, and the minute job must not raise it again.
            if (immediate) step.Fired.Add(MembershipDates.PlanChangeKey(m));
        }, ct);

    /// <summary>Withdraws a plan change planned for a future date → changed_membership_plan (the entry changed).</summary>
    public Task<Result<Membership>> DropPlanChangeAsync(long id, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, step =>
        {
            if (step.Membership.NextPlanId is null) step.Errors.Add("", "There is no planned plan change to withdraw.");
            else
            {
                step.Raise(step.Membership.DropPlanChange(step.Now));
                step.Record(ActivityKinds.MembershipPlanChangeWithdrawn);
            }
            return Task.CompletedTask;
        }, ct);

    /// <summary>
    /// Sets or moves the day the membership ends → canceled_membership. On that day (00:00 in the space's time zone)
    /// <see cref="MembershipDates"/> ends it and raises membership_cancellation_date_reached.
    /// </summary>
    public Task<Result<Membership>> CancelAsync(long id, string? to, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, step =>
        {
            var m = step.Membership;
            if (m.Status == MembershipStatus.Ended) { step.Errors.Add("", "This membership has already ended."); return Task.CompletedTask; }
            if (string.IsNullOrWhiteSpace(to)) { step.Errors.Add("CanceledTo", "Enter the day the membership ends."); return Task.CompletedTask; }
            var date = ValidateDate(step, to, "CanceledTo", "the end date");
            if (date is not { } end) return Task.CompletedTask;
            if (end < m.ConfirmationDate)
                step.Errors.Add("CanceledTo", $"The membership starts on {MembershipResource.Day(m.ConfirmationDate)}; it cannot end before that.");
            else if (end == m.CanceledTo)
                step.Errors.Add("CanceledTo", $"The membership already ends on {MembershipResource.Day(end)}.");
            if (!step.Errors.IsEmpty) return Task.CompletedTask;

            var before = m.CanceledTo;
            step.Raise(m.Cancel(end, step.Now));
            step.Record(ActivityKinds.MembershipCanceled, before is null ? $"ends on {MembershipResource.Day(end)}" : $"end moved from {MembershipResource.Day(before.Value)} to {MembershipResource.Day(end)}");
            return Task.CompletedTask;
        }, ct);

    /// <summary>Removes a cancellation whose day has not come → uncanceled_membership.</summary>
    public Task<Result<Membership>> UncancelAsync(long id, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, step =>
        {
            if (step.Membership.CanceledTo is null || step.Membership.Status == MembershipStatus.Ended)
                step.Errors.Add("", step.Membership.Status == MembershipStatus.Ended
                    ? "This membership has already ended; reactivate it instead."
                    : "This membership has no cancellation to remove.");
            else
            {
                step.Raise(step.Membership.Uncancel(step.Now));
                step.Record(ActivityKinds.MembershipUncanceled);
            }
            return Task.CompletedTask;
        }, ct);

    /// <summary>An ended membership runs again → reactivated_membership.</summary>
    public Task<Result<Membership>> ReactivateAsync(long id, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, step =>
        {
            if (step.Membership.Status != MembershipStatus.Ended) step.Errors.Add("", "This membership has not ended, so there is nothing to reactivate.");
            else
            {
                step.Raise(step.Membership.Reactivate(step.Now));
                step.Record(ActivityKinds.MembershipReactivated);
            }
            return Task.CompletedTask;
        }, ct);

    /// <summary>Adds time passes, with the reason in the activity log → membership_added_time_passes.</summary>
    public Task<Result<Membership>> AddTimePassesAsync(long id, int count, string? reason, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, step =>
        {
            ValidateCount(step, count);
            if (MemberInputRules.Name(reason, "a reason", MemberInputRules.ReasonMax) is { } problem) step.Errors.Add("Reason", problem);
            if (!step.Errors.IsEmpty) return Task.CompletedTask;
            step.Raise(step.Membership.AddTimePasses(count, step.Now));
            step.Record(ActivityKinds.TimePassesAdded, $"{count} ({reason!.Trim()}); now {step.Membership.TimePasses}");
            return Task.CompletedTask;
        }, ct);

    /// <summary>Removes time passes (never below zero) → membership_removed_time_passes.</summary>
    public Task<Result<Membership>> RemoveTimePassesAsync(long id, int count, string? reason, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, actor, step =>
        {
            ValidateCount(step, count);
            if (MemberInputRules.OptionalLine(reason, "the reason", MemberInputRules.ReasonMax) is { } problem) step.Errors.Add("Reason", problem);
            if (step.Errors.IsEmpty && count > step.Membership.TimePasses)
                step.Errors.Add("Count", step.Membership.TimePasses == 0
                    ? "This member has no time passes to remove."
                    : $"This member has only {step.Membership.TimePasses} time pass{(step.Membership.TimePasses == 1 ? "" : "es")}; remove at most that many.");
            if (!step.Errors.IsEmpty) return Task.CompletedTask;
            step.Raise(step.Membership.RemoveTimePasses(count, step.Now));
            var why = MemberInputRules.Clean(reason);
            step.Record(ActivityKinds.TimePassesRemoved, $"{count}{(why is null ? "" : $" ({why})")}; now {step.Membership.TimePasses}");
            return Task.CompletedTask;
        }, ct);

    private static void ValidateCount(Change step, int count)
    {
        if (count < 1) step.Errors.Add("Count", "Enter a number of time passes from 1 up.");
        else if (count > MemberInputRules.TimePassesPerChangeMax) step.Errors.Add("Count", $"At most {MemberInputRules.TimePassesPerChangeMax:N0} time passes at once.");
    }

    /// <summary>Parses an optional date that must be today or later (in the space's calendar) and within ten years.</summary>
    private static DateOnly? ValidateDate(Change step, string? text, string field, string what)
    {
        if (MemberInputRules.ParseDate(text, out var date) is { } problem) { step.Errors.Add(field, problem); return null; }
        if (date is not { } d) return null;
        if (d < step.Today) { step.Errors.Add(field, $"Choose today ({MembershipResource.Day(step.Today)}) or a later day."); return null; }
        if (MemberInputRules.DateInRange(d, step.Today, what) is { } range) { step.Errors.Add(field, range); return null; }
        return d;
    }
}
