using System.Data.Common;
using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Configuration;
using Connector.Diagnostics;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connector.Delivery;

/// <summary>
/// The delivery path's last step: what the channel said, recorded in one transaction with the attempt. Accepted →
/// sent, with what the guardians now know and the audit entry; refused for good → failed, and queued on the next
/// channel; the settings refused → the channel pauses; anything else → tried again later, until the message is too old.
/// </summary>
internal sealed class DeliveryRecord(
    ConnectorDatabase database, NoticeRouting routing, SentRecorder recorder, IOptions<ConnectorOptions> options, TimeProvider time, ILogger<OutboxDispatcher> logger)
{
    public async Task RecordAsync(
        SchoolContext school, OutboxMessage message, ChannelKind channel, ComposedNotice notice, DeliveryResult result, DeliveryRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var delivery = options.Value.Delivery;
        await database.InTransactionAsync(async (db, tx) =>
        {
            await OutboxStore.RecordAttemptAsync(db, tx, message.Id, result.Outcome, result.Detail, now).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case DeliveryOutcome.Accepted:
                    await recorder.MarkSentAsync(db, tx, school.Id, message, notice.Message.Address, notice.LessonsByPupil, result.ProviderMessageId, now, notice.Carried).ConfigureAwait(false);
                    await OutboxStore.ResumeAsync(db, tx, channel).ConfigureAwait(false);
                    break;
                case DeliveryOutcome.PermanentFailure:
                    await FailAndFallBackAsync(db, tx, school, message, result.Detail ?? "", now, notice.Carried).ConfigureAwait(false);
                    break;
                case DeliveryOutcome.ConfigurationFailure:
                    // Staff must fix the settings; until then the channel rests instead of being hammered.
                    var until = now.AddMinutes(delivery.MaxRetryDelayMinutes);
                    await OutboxStore.PauseAsync(db, tx, channel, until, result.Detail ?? "", now).ConfigureAwait(false);
                    await OutboxStore.RetryAsync(db, tx, message.Id, until, result.Detail).ConfigureAwait(false);
                    await OutboxStore.ReleaseRidersAsync(db, tx, message.Id, until).ConfigureAwait(false);
                    break;
                default:
                    var attempts = message.Attempts + 1;
                    if (now - message.CreatedAt > TimeSpan.FromHours(delivery.GiveUpAfterHours))
                    {
                        await FailAndFallBackAsync(db, tx, school, message, $"gave up after {attempts} attempts: {result.Detail}", now, notice.Carried).ConfigureAwait(false);
                        break;
                    }

                    var wait = RetryDelay.For(attempts, TimeSpan.FromSeconds(delivery.FirstRetryDelaySeconds), TimeSpan.FromMinutes(delivery.MaxRetryDelayMinutes));
                    await OutboxStore.RetryAsync(db, tx, message.Id, now + wait, result.Detail).ConfigureAwait(false);
                    await OutboxStore.ReleaseRidersAsync(db, tx, message.Id, now + wait).ConfigureAwait(false);
                    break;
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);

        switch (result.Outcome)
        {
            case DeliveryOutcome.Accepted:
                run.CountSent();
                Log.NoticeSent(logger, school.Id, message.Id, message.GuardianId, channel.ToString());
                break;
            case DeliveryOutcome.PermanentFailure:
                run.CountFailed();
                Log.NoticeFailedPermanently(logger, school.Id, message.Id, channel.ToString(), Redact.Contacts(result.Detail));
                break;
            case DeliveryOutcome.ConfigurationFailure:
                run.CountRetrying();
                Log.ChannelMisconfigured(logger, school.Id, channel.ToString(), Redact.Contacts(result.Detail));
                break;
            default:
                run.CountRetrying();
                Log.NoticeWillRetry(logger, school.Id, message.Id, Redact.Contacts(result.Detail));
                break;
        }
    }

    /// <summary>
    /// Closes the message as failed and queues it on the next channel the policy allows, if any; so too each message
    /// of another day it <paramref name="carried"/>, whose fallbacks then go together again.
    /// </summary>
    public async Task FailAndFallBackAsync(
        DbConnection db, DbTransaction tx, SchoolContext school, OutboxMessage message, string detail, DateTimeOffset now, IReadOnlyList<CarriedDay>? carried = null)
    {
        foreach (var day in carried ?? [])
        {
            await FailAndFallBackAsync(db, tx, school, day.Message, detail, now).ConfigureAwait(false);
        }

        var next = await OutboxWriter.QueueFallbackAsync(db, tx, school.Id, school.Options.DefaultChannel, routing, message, now).ConfigureAwait(false);
        await OutboxStore.FailAsync(db, tx, message.Id, next is { } c ? $"{detail} → {c}" : detail, now).ConfigureAwait(false);
        if (next is { } channel) Log.FellBack(logger, school.Id, message.Id, channel.ToString());
    }
}
