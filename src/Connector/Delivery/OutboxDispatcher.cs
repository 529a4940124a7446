using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Configuration;
using Connector.Diagnostics;
using Connector.Schools;
using Connector.Store;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connector.Delivery;

/// <summary>
/// Sends a school's due outbox messages, oldest first. Each message is claimed ("sending") in one transaction,
/// handed to its channel, and recorded ("sent", with the audit entry) in another. A message found still
/// "sending" belongs to a process that died between the two: the channel is asked whether it has it; where the
/// protocol cannot tell (SMTP, SMS.ru) it is sent again, the one way a guardian can get a message twice.
/// </summary>
internal sealed class OutboxDispatcher(
    SchoolRegistry schools,
    ConnectorDatabase database,
    NoticeRouting routing,
    NoticeComposer composer,
    DeliveryGate gate,
    SentRecorder recorder,
    IOptions<ConnectorOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger)
{
    private const int BatchSize = 500;

    public async Task<DeliveryRun> DeliverAsync(string schoolId, CancellationToken cancellationToken)
    {
        var school = schools.Get(schoolId);
        var run = new DeliveryRun();
        await RecoverInterruptedAsync(school, run, cancellationToken).ConfigureAwait(false);

        List<OutboxMessage> due;
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            due = (await db.QueryAsync<OutboxMessage>(
                $"SELECT {OutboxMessage.Columns} FROM outbox WHERE school_id = @schoolId AND state = 'pending' AND not_before <= @now ORDER BY id LIMIT @BatchSize",
                new { schoolId, now = StoreTime.Format(time.GetUtcNow()), BatchSize }).ConfigureAwait(false)).ToList();
        }

        foreach (var message in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var channel = Enum.Parse<ChannelKind>(message.Channel!);
            // A held channel (paused, missing, at its rate) holds all its messages till the next run, keeping their order.
            if (run.Held.Contains(channel) || await MayNotGoYetAsync(school, message, channel, run, cancellationToken).ConfigureAwait(false)) continue;

            await DeliverOneAsync(school, message, channel, run, cancellationToken).ConfigureAwait(false);
        }

        return run;
    }

    /// <summary>Quiet hours move the message to their end; a paused or busy channel holds every message of it till the next run.</summary>
    private async Task<bool> MayNotGoYetAsync(SchoolContext school, OutboxMessage message, ChannelKind channel, DeliveryRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (DeliveryGate.QuietUntil(school, channel, now) is { } until)
        {
            // A notice pushed past the day of the absence breaks the same-day rule: the digest must say so.
            var late = DateOnly.FromDateTime(school.LocalTime(until)) > StoreTime.ParseDate(message.Date) ? "quiet-hours" : null;
            await db.ExecuteAsync("UPDATE outbox SET not_before = @until, deferred_reason = COALESCE(@late, deferred_reason) WHERE id = @Id",
                new { message.Id, until = StoreTime.Format(until), late }).ConfigureAwait(false);
            run.Deferred++;
            Log.Deferred(logger, school.Id, message.Id, channel.ToString(), until);
            return true;
        }

        if (routing.Channel(channel) is null || await DeliveryGate.IsPausedAsync(db, channel, now).ConfigureAwait(false)
            || await DeliveryGate.SentInLastMinuteAsync(db, channel, now).ConfigureAwait(false) >= gate.PerMinute(channel))
        {
            run.Held.Add(channel);
            return true;
        }

        return false;
    }

    private async Task DeliverOneAsync(SchoolContext school, OutboxMessage message, ChannelKind channel, DeliveryRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var composition = await database.InTransactionAsync(async (db, tx) =>
        {
            var composed = await composer.ComposeAsync(db, tx, school, message, school.LocalDate(now), now).ConfigureAwait(false);
            if (composed.Notice is { } notice)
            {
                await db.ExecuteAsync(
                    "UPDATE outbox SET state = 'sending', attempts = attempts + 1, last_attempt_at = @at, address = @Address, pupil_ids = @pupils WHERE id = @Id",
                    new { message.Id, at = StoreTime.Format(now), notice.Message.Address, pupils = string.Join(',', notice.LessonsByPupil.Keys) }, tx).ConfigureAwait(false);
            }
            else if (composed.NoAddressReason is { } reason)
            {
                await FailAndFallBackAsync(db, tx, school, message, reason, now).ConfigureAwait(false);
            }
            else
            {
                await db.ExecuteAsync(
                    "UPDATE outbox SET state = 'cancelled', closed_at = @at, last_error = 'explained before sending' WHERE id = @Id",
                    new { message.Id, at = StoreTime.Format(now) }, tx).ConfigureAwait(false);
            }

            return composed;
        }, cancellationToken).ConfigureAwait(false);

        if (composition.Notice is not { } ready)
        {
            if (composition.NoAddressReason is null)
            {
                run.Cancelled++;
                Log.NoticeCancelled(logger, school.Id, message.Id);
            }
            else
            {
                run.Failed++;
            }

            return;
        }

        CrashPoints.Reached(CrashPoints.AfterClaim);
        var result = await routing.Channel(channel)!.SendAsync(ready.Message, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.AfterSend);
        await RecordAsync(school, message, channel, ready, result, run, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.AfterRecord);
    }

    private async Task RecordAsync(
        SchoolContext school, OutboxMessage message, ChannelKind channel, ComposedNotice notice, DeliveryResult result, DeliveryRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var at = StoreTime.Format(now);
        var delivery = options.Value.Delivery;
        await database.InTransactionAsync(async (db, tx) =>
        {
            await db.ExecuteAsync(
                "INSERT INTO delivery_attempts (outbox_id, attempted_at, outcome, detail) VALUES (@Id, @at, @outcome, @detail)",
                new { message.Id, at, outcome = result.Outcome.ToString(), detail = result.Detail }, tx).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case DeliveryOutcome.Accepted:
                    await recorder.MarkSentAsync(db, tx, school.Id, message, notice.Message.Address, notice.LessonsByPupil, result.ProviderMessageId, now).ConfigureAwait(false);
                    await DeliveryGate.ResumeAsync(db, tx, channel).ConfigureAwait(false);
                    break;
                case DeliveryOutcome.PermanentFailure:
                    await FailAndFallBackAsync(db, tx, school, message, result.Detail ?? "", now).ConfigureAwait(false);
                    break;
                case DeliveryOutcome.ConfigurationFailure:
                    // Staff must fix the settings; until then the channel rests instead of being hammered.
                    var until = now.AddMinutes(delivery.MaxRetryDelayMinutes);
                    await DeliveryGate.PauseAsync(db, tx, channel, until, result.Detail ?? "", now).ConfigureAwait(false);
                    await db.ExecuteAsync("UPDATE outbox SET state = 'pending', not_before = @until, last_error = @detail WHERE id = @Id",
                        new { message.Id, until = StoreTime.Format(until), detail = result.Detail }, tx).ConfigureAwait(false);
                    break;
                default:
                    var attempts = message.Attempts + 1;
                    if (now - StoreTime.ParseInstant(message.CreatedAt) > TimeSpan.FromHours(delivery.GiveUpAfterHours))
                    {
                        await FailAndFallBackAsync(db, tx, school, message, $"gave up after {attempts} attempts: {result.Detail}", now).ConfigureAwait(false);
                        break;
                    }

                    var wait = RetryDelay.For(attempts, TimeSpan.FromSeconds(delivery.FirstRetryDelaySeconds), TimeSpan.FromMinutes(delivery.MaxRetryDelayMinutes));
                    await db.ExecuteAsync("UPDATE outbox SET state = 'pending', not_before = @notBefore, last_error = @detail WHERE id = @Id",
                        new { message.Id, notBefore = StoreTime.Format(now + wait), detail = result.Detail }, tx).ConfigureAwait(false);
                    break;
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);

        switch (result.Outcome)
        {
            case DeliveryOutcome.Accepted:
                run.Sent++;
                Log.NoticeSent(logger, school.Id, message.Id, message.GuardianId, channel.ToString());
                break;
            case DeliveryOutcome.PermanentFailure:
                run.Failed++;
                Log.NoticeFailedPermanently(logger, school.Id, message.Id, channel.ToString(), Redact.Contacts(result.Detail));
                break;
            case DeliveryOutcome.ConfigurationFailure:
                run.Retrying++;
                Log.ChannelMisconfigured(logger, school.Id, channel.ToString(), Redact.Contacts(result.Detail));
                break;
            default:
                run.Retrying++;
                Log.NoticeWillRetry(logger, school.Id, message.Id, Redact.Contacts(result.Detail));
                break;
        }
    }

    /// <summary>Closes the message as failed and queues it on the next channel the policy allows, if any.</summary>
    private async Task FailAndFallBackAsync(Microsoft.Data.Sqlite.SqliteConnection db, Microsoft.Data.Sqlite.SqliteTransaction tx, SchoolContext school, OutboxMessage message, string detail, DateTimeOffset now)
    {
        var next = await OutboxWriter.QueueFallbackAsync(db, tx, school.Id, school.Options.DefaultChannel, routing, message, now).ConfigureAwait(false);
        await db.ExecuteAsync("UPDATE outbox SET state = 'failed', closed_at = @at, last_error = @error WHERE id = @Id",
            new { message.Id, at = StoreTime.Format(now), error = next is { } c ? $"{detail} → {c}" : detail }, tx).ConfigureAwait(false);
        if (next is { } channel) Log.FellBack(logger, school.Id, message.Id, channel.ToString());
    }

    /// <summary>Messages left "sending" by a process that died: finish those the channel has, send the rest again.</summary>
    private async Task RecoverInterruptedAsync(SchoolContext school, DeliveryRun run, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var stuck = (await db.QueryAsync<OutboxMessage>(
            $"SELECT {OutboxMessage.Columns} FROM outbox WHERE school_id = @schoolId AND state = 'sending'", new { schoolId = school.Id }).ConfigureAwait(false)).ToList();
        foreach (var message in stuck)
        {
            var channel = routing.Channel(message.Channel);
            var accepted = channel is null || message.Address is null ? null
                : await channel.WasAcceptedAsync(message.IdempotencyKey, message.Address, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            if (accepted == true)
            {
                await database.InTransactionAsync(async (conn, tx) =>
                {
                    var lessons = await SentRecorder.LessonsOfAsync(conn, tx, school.Id, message.Date, message.PupilIds).ConfigureAwait(false);
                    await recorder.MarkSentAsync(conn, tx, school.Id, message, message.Address!, lessons, null, now).ConfigureAwait(false);
                    return 0;
                }, cancellationToken).ConfigureAwait(false);
                run.Recovered++;
                Log.RecoveredAsSent(logger, school.Id, message.Id);
            }
            else
            {
                await db.ExecuteAsync("UPDATE outbox SET state = 'pending', not_before = @now WHERE id = @Id",
                    new { message.Id, now = StoreTime.Format(now) }).ConfigureAwait(false);
                Log.RecoveredForResend(logger, school.Id, message.Id, accepted is null ? "the channel cannot tell" : "the channel does not have it");
            }
        }
    }
}
