using Connector.Delivery;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Connector.Scheduling;

/// <summary>Asks the SMS gateway what became of one school's recent SMS. One job per school.</summary>
[DisallowConcurrentExecution]
internal sealed class CheckDeliveryJob(DeliveryStatusChecker checker, ILogger<CheckDeliveryJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var schoolId = context.MergedJobDataMap.GetString(SchoolSchedule.SchoolIdKey)!;
        try
        {
            context.Result = await checker.CheckAsync(schoolId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.DeliveryCrashed(logger, schoolId, ex);
        }
    }
}
