using Microsoft.Extensions.Logging;
using Quartz;

namespace Connector.Scheduling;

/// <summary>
/// A job that does one unit of work for one school. It is the boundary of that unit: a failure is logged at
/// Error and the next run tries again; it never reaches the other schools. Concurrency is declared per job type
/// (one job detail per school, so never two runs at once for the same school).
/// </summary>
internal abstract class SchoolJob(ILogger logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var schoolId = context.MergedJobDataMap.GetString(SchoolSchedule.SchoolIdKey)!;
        try
        {
            context.Result = await RunAsync(schoolId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.JobFailed(logger, GetType().Name, schoolId, ex);
        }
    }

    protected abstract Task<object> RunAsync(string schoolId, CancellationToken cancellationToken);
}
