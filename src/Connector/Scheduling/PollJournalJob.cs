using Connector.Abstractions.Journals;
using Connector.Diagnostics;
using Connector.Polling;
using Connector.Schools;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Connector.Scheduling;

/// <summary>Polls one school's journal. One job per school, never two at once for the same school.</summary>
[DisallowConcurrentExecution]
internal sealed class PollJournalJob(SchoolPoller poller, SchoolRegistry schools, TimeProvider time, ILogger<PollJournalJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var schoolId = context.MergedJobDataMap.GetString(SchoolSchedule.SchoolIdKey)!;
        if (!schools.Get(schoolId).IsWithinSchoolHours(time.GetUtcNow())) return;
        try
        {
            context.Result = await poller.PollAsync(schoolId, cancellationToken).ConfigureAwait(false);
        }
        catch (JournalException ex)
        {
            // A failure after start-up is logged and retried at the next poll; it never stops the other schools.
            Log.PollFailed(logger, schoolId, ex.Failure.ToString(), Redact.Contacts(ex.Message));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.PollCrashed(logger, schoolId, ex);
        }
    }
}
