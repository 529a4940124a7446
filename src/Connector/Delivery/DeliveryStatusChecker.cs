using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Diagnostics;
using Connector.Schools;
using Connector.Store;
using Dapper;
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
            sent = (await db.QueryAsync<OutboxMessage>(
                $"""
                SELECT {OutboxMessage.Columns} FROM outbox
                WHERE school_id = @schoolId AND channel = 'Sms' AND state = 'sent' AND delivery_status = 'Pending' AND provider_id IS NOT NULL AND sent_at > @since
                ORDER BY id LIMIT @BatchSize
                """, new { schoolId, since = StoreTime.Format(now.AddDays(-2)), BatchSize }).ConfigureAwait(false)).ToList();
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
                await db.ExecuteAsync(
                    "UPDATE outbox SET delivery_status = @state, delivery_detail = @Detail, status_checked_at = @at WHERE id = @Id",
                    new { message.Id, state = status.State.ToString(), status.Detail, at = StoreTime.Format(now) }, tx).ConfigureAwait(false);
                if (status.State != DeliveryState.Failed) continue;

                Log.SmsNotDelivered(logger, schoolId, message.Id, Redact.Contacts(status.Detail));
                if (await OutboxWriter.QueueFallbackAsync(db, tx, schoolId, school.Options.DefaultChannel, routing, message, now).ConfigureAwait(false) is { } next)
                {
                    Log.FellBack(logger, schoolId, message.Id, next.ToString());
                }
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return changed;
    }
}
