using Connector.Delivery;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Connector.Scheduling;

/// <summary>Queues the morning digest for each staff member of one school, on working days; the outbox sends them.</summary>
[DisallowConcurrentExecution]
internal sealed class DigestJob(SchoolRegistry schools, ConnectorDatabase database, TimeProvider time, ILogger<DigestJob> logger) : SchoolJob(logger)
{
    protected override async Task<object> RunAsync(string schoolId, CancellationToken cancellationToken)
    {
        var school = schools.Get(schoolId);
        var now = time.GetUtcNow();
        var today = school.LocalDate(now);
        if (!school.Calendar.IsWorkingDay(today)) return 0;
        return await database.InTransactionAsync(async (db, tx) =>
        {
            var readers = school.Staff.Where(s => s.ReceivesDigest).ToList();
            foreach (var staff in readers)
            {
                await OutboxWriter.QueueDigestAsync(db, tx, schoolId, staff.Id, today, now).ConfigureAwait(false);
            }

            return readers.Count;
        }, cancellationToken).ConfigureAwait(false);
    }
}
