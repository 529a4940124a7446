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
        context.Result = await PollAsync(schoolId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One scheduled poll of the school: null outside its hours and when the poll failed (which is logged).</summary>
    internal async Task<PollResult?> PollAsync(string schoolId, CancellationToken cancellationToken)
    {
        if (!schools.Get(schoolId).IsWithinSchoolHours(time.GetUtcNow())) return null;
        try
        {
            return await poller.PollAsync(schoolId, cancellationToken).ConfigureAwait(false);
        }
        catch (JournalException ex)
        {
            // A failure after start-up is retried at the next poll and never stops the other schools. A lasting one
            // (a refused password, a wrong setting) is logged at its 1st, 2nd, 4th, 8th… poll in a row, not every poll.
            var inRow = await poller.FailuresInRowAsync(schoolId, cancellationToken).ConfigureAwait(false);
            if (ex.IsTransient || inRow <= 1 || int.IsPow2(inRow)) Log.PollFailed(logger, schoolId, ex.Failure.ToString(), inRow, Redact.Contacts(ex.Message));
            else Log.PollStillFailing(logger, schoolId, ex.Failure.ToString(), inRow);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.PollCrashed(logger, schoolId, ex);
        }

        return null;
    }
}
