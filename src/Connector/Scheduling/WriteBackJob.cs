using Connector.Escalation;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Connector.Scheduling;

/// <summary>Writes one school's queued flags back to its journal. One job per school.</summary>
[DisallowConcurrentExecution]
internal sealed class WriteBackJob(JournalWriter writer, ILogger<WriteBackJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var schoolId = context.MergedJobDataMap.GetString(SchoolSchedule.SchoolIdKey)!;
        try
        {
            context.Result = await writer.WriteAsync(schoolId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.DeliveryCrashed(logger, schoolId, ex);
        }
    }
}
