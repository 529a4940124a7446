using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Diagnostics;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.Logging;

namespace Connector.Delivery;

/// <summary>
/// Asks the SMS gateway what became of the school's SMS sent in the last two days and records it. An SMS that
/// failed for good (bad number, rejected, expired) is queued again on the guardian's next channel.
/// </summary>
internal sealed class DeliveryStatusChecker(
    SchoolRegistry schools, ConnectorDatabase database, NoticeRouting routing, TimeProvider time, ILogger<DeliveryStatusChecker> logger)
{
    private const int BatchSize = 100;

    public async Task<int> CheckAsync(string schoolId, CancellationToken cancellationToken)
    {
        if (routing.Channel(ChannelKind.Sms) is not IDeliveryStatusSource source) return 0;
        var school = schools.Get(schoolId);
        var now = time.GetUtcNow();
        List<OutboxMessage> sent;
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            sent = await OutboxStore.AwaitingStatusAsync(db, schoolId, now.AddDays(-2), BatchSize).ConfigureAwait(false);
        }

        if (sent.Count == 0) return 0;
        IReadOnlyDictionary<string, DeliveryStatus> statuses;
        try
        {
            statuses = await source.GetStatusesAsync(sent.Select(m => new SentMessageRef(m.ProviderId!, m.Address!)).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (DeliveryStatusUnavailableException ex)
        {
            Log.StatusUnavailable(logger, schoolId, Redact.Contacts(ex.Message));
            return 0;
        }

        var changed = 0;
        await database.InTransactionAsync(async (db, tx) =>
        {
            foreach (var message in sent)
            {
                if (!statuses.TryGetValue(message.ProviderId!, out var status) || status.State == DeliveryState.Pending) continue;
                changed++;
                await OutboxStore.RecordStatusAsync(db, tx, message.Id, status.State, status.Detail, now).ConfigureAwait(false);
                if (status.State != DeliveryState.Failed) continue;

                Log.SmsNotDelivered(logger, schoolId, message.Id, Redact.Contacts(status.Detail));
                // The days it carried were not delivered either: each falls back with it, and their fallbacks go together again.
                foreach (var undelivered in (await OutboxStore.RidersOfAsync(db, tx, message.Id, OutboxState.Sent).ConfigureAwait(false)).Prepend(message))
                {
                    if (await OutboxWriter.QueueFallbackAsync(db, tx, schoolId, school.Options.DefaultChannel, routing, undelivered, now).ConfigureAwait(false) is { } next)
                    {
                        Log.FellBack(logger, schoolId, undelivered.Id, next.ToString());
                    }
                }
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return changed;
    }
}
