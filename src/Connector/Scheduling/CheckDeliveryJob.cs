using Connector.Delivery;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Connector.Scheduling;

/// <summary>Asks the SMS gateway what became of one school's recent SMS.</summary>
[DisallowConcurrentExecution]
internal sealed class CheckDeliveryJob(DeliveryStatusChecker checker, ILogger<CheckDeliveryJob> logger) : SchoolJob(logger)
{
    protected override async Task<object> RunAsync(string schoolId, CancellationToken cancellationToken) =>
        await checker.CheckAsync(schoolId, cancellationToken).ConfigureAwait(false);
}
