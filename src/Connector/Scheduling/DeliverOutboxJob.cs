using Connector.Delivery;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Connector.Scheduling;

/// <summary>Sends one school's due outbox messages.</summary>
[DisallowConcurrentExecution]
internal sealed class DeliverOutboxJob(OutboxDispatcher dispatcher, ILogger<DeliverOutboxJob> logger) : SchoolJob(logger)
{
    protected override async Task<object> RunAsync(string schoolId, CancellationToken cancellationToken) =>
        await dispatcher.DeliverAsync(schoolId, cancellationToken).ConfigureAwait(false);
}
