using Microsoft.Extensions.Options;

namespace EasySpace.Core.Alerts;

/// <summary>The <c>Alerts</c> section of appsettings.json: when a webhook counts as failing, when deliveries count as late.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>A webhook is failing when less than this share (percent) of its deliveries in the window went through…</summary>
    public int FailingBelowPercent { get; set; } = 50;
    /// <summary>…over this many minutes…</summary>
    public int FailingWindowMinutes { get; set; } = 60;
    /// <summary>…and it was tried at least this often in the window (a single failure of a quiet webhook is not an alert).</summary>
    public int FailingMinimumAttempts { get; set; } = 5;
    /// <summary>Deliveries are late when one has waited this many minutes past its time.</summary>
    public int WaitingMinutes { get; set; } = 15;

    public TimeSpan Window => TimeSpan.FromMinutes(FailingWindowMinutes);
    public TimeSpan Waiting => TimeSpan.FromMinutes(WaitingMinutes);
}

/// <summary>Each setting out of range, named, so the app stops at start instead of alerting on nonsense.</summary>
internal sealed class AlertOptionsCheck : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions o)
    {
        var failures = new List<string>();
        if (o.FailingBelowPercent is < 1 or > 100) failures.Add("Alerts:FailingBelowPercent: enter a percentage from 1 to 100.");
        if (o.FailingWindowMinutes is < 5 or > 1440) failures.Add("Alerts:FailingWindowMinutes: enter from 5 to 1440 minutes.");
        if (o.FailingMinimumAttempts is < 1 or > 10000) failures.Add("Alerts:FailingMinimumAttempts: enter from 1 to 10000 attempts.");
        if (o.WaitingMinutes is < 1 or > 1440) failures.Add("Alerts:WaitingMinutes: enter from 1 to 1440 minutes.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
