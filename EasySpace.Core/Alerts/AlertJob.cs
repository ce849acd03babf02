using Quartz;

namespace EasySpace.Core.Alerts;

/// <summary>Every minute: looks at the integrations and opens or closes alerts (<see cref="AlertEvaluator"/>).</summary>
[DisallowConcurrentExecution]
public sealed class AlertJob(AlertEvaluator evaluator) : IJob
{
    public static readonly JobKey Key = new("alerts", "alerts");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await evaluator.EvaluateAsync(ct);
}
