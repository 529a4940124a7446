using Connector.Delivery;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Connector.Scheduling;

/// <summary>Sends one school's due outbox messages. One job per school, never two at once for the same school.</summary>
[DisallowConcurrentExecution]
internal sealed class DeliverOutboxJob(OutboxDispatcher dispatcher, ILogger<DeliverOutboxJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var schoolId = context.MergedJobDataMap.GetString(SchoolSchedule.SchoolIdKey)!;
        try
        {
            context.Result = await dispatcher.DeliverAsync(schoolId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.DeliveryCrashed(logger, schoolId, ex);
        }
    }
}
