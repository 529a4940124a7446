using Connector.Escalation;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Connector.Scheduling;

/// <summary>Writes one school's queued flags back to its journal.</summary>
[DisallowConcurrentExecution]
internal sealed class WriteBackJob(JournalWriter writer, ILogger<WriteBackJob> logger) : SchoolJob(logger)
{
    protected override async Task<object> RunAsync(string schoolId, CancellationToken cancellationToken) =>
        await writer.WriteAsync(schoolId, cancellationToken).ConfigureAwait(false);
}
