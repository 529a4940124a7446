using System.Globalization;
using Connector.Abstractions.Notifications;
using Connector.Audit;
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
/// protocol cannot tell (SMTP) it is sent again, which is the one way a guardian can get a message twice.
/// </summary>
internal sealed class OutboxDispatcher(
    SchoolRegistry schools,
    ConnectorDatabase database,
    IEnumerable<INotificationChannel> channels,
    AbsenceNoticeComposer composer,
    IOptions<ConnectorOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger)
{
    private const int BatchSize = 50;
    private const string NoticePurpose = "информирование родителей о пропуске занятий (пост. № 122 п. 2.4; RULES §2)";

    public async Task<DeliveryRun> DeliverAsync(string schoolId, CancellationToken cancellationToken)
    {
        var school = schools.Get(schoolId);
        var run = new DeliveryRun();
        await RecoverInterruptedAsync(school, run, cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            await using var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            var due = (await db.QueryAsync<OutboxMessage>(
                """
                SELECT id AS Id, idempotency_key AS IdempotencyKey, kind AS Kind, guardian_id AS GuardianId, date AS Date, channel AS Channel,
                       only_pupil_id AS OnlyPupilId, created_at AS CreatedAt, attempts AS Attempts
                FROM outbox WHERE school_id = @schoolId AND state = 'pending' AND not_before <= @now ORDER BY id LIMIT @BatchSize
                """, new { schoolId, now = StoreTime.Format(now), BatchSize }).ConfigureAwait(false)).ToList();
            if (due.Count == 0) break;

            foreach (var message in due)
            {
                await DeliverOneAsync(school, message, run, cancellationToken).ConfigureAwait(false);
            }

            if (due.Count < BatchSize) break;
        }

        return run;
    }

    private async Task DeliverOneAsync(SchoolContext school, OutboxMessage message, DeliveryRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var notice = await database.InTransactionAsync(async (db, tx) =>
        {
            var composed = await composer.ComposeAsync(db, tx, school, message, school.LocalDate(now)).ConfigureAwait(false);
            if (composed is null)
            {
                await db.ExecuteAsync(
                    "UPDATE outbox SET state = 'cancelled', closed_at = @at, last_error = 'explained before sending' WHERE id = @Id AND state = 'pending'",
                    new { message.Id, at = StoreTime.Format(now) }, tx).ConfigureAwait(false);
                return null;
            }

            await db.ExecuteAsync(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, last_attempt_at = @at, pupil_ids = @pupils WHERE id = @Id",
                new { message.Id, at = StoreTime.Format(now), pupils = string.Join(',', composed.LessonsByPupil.Keys) }, tx).ConfigureAwait(false);
            return composed;
        }, cancellationToken).ConfigureAwait(false);

        if (notice is null)
        {
            run.Cancelled++;
            Log.NoticeCancelled(logger, school.Id, message.Id);
            return;
        }

        CrashPoints.Reached(CrashPoints.AfterClaim);
        var channel = channels.FirstOrDefault(c => c.Kind.ToString() == message.Channel);
        var result = channel is null
            ? DeliveryResult.Configuration($"no {message.Channel} channel is configured")
            : await channel.SendAsync(notice.Message, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.AfterSend);
        await RecordAsync(school, message, notice, result, run, cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordAsync(SchoolContext school, OutboxMessage message, ComposedNotice notice, DeliveryResult result, DeliveryRun run, CancellationToken cancellationToken)
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
                    await MarkSentAsync(db, tx, school.Id, message, notice.LessonsByPupil, result.ProviderMessageId, now).ConfigureAwait(false);
                    break;
                case DeliveryOutcome.PermanentFailure:
                    await CloseAsync(db, tx, message.Id, "failed", result.Detail, at).ConfigureAwait(false);
                    break;
                default:
                    var attempts = message.Attempts + 1;
                    var expired = now - StoreTime.ParseInstant(message.CreatedAt) > TimeSpan.FromHours(delivery.GiveUpAfterHours);
                    if (expired)
                    {
                        await CloseAsync(db, tx, message.Id, "failed", $"gave up after {attempts} attempts: {result.Detail}", at).ConfigureAwait(false);
                        break;
                    }

                    var wait = result.Outcome == DeliveryOutcome.ConfigurationFailure
                        ? TimeSpan.FromMinutes(delivery.MaxRetryDelayMinutes)
                        : RetryDelay.For(attempts, TimeSpan.FromSeconds(delivery.FirstRetryDelaySeconds), TimeSpan.FromMinutes(delivery.MaxRetryDelayMinutes));
                    await db.ExecuteAsync(
                        "UPDATE outbox SET state = 'pending', not_before = @notBefore, last_error = @detail WHERE id = @Id",
                        new { message.Id, notBefore = StoreTime.Format(now + wait), detail = result.Detail }, tx).ConfigureAwait(false);
                    break;
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);

        switch (result.Outcome)
        {
            case DeliveryOutcome.Accepted:
                run.Sent++;
                Log.NoticeSent(logger, school.Id, message.Id, message.GuardianId, message.Channel ?? "");
                break;
            case DeliveryOutcome.PermanentFailure:
                run.Failed++;
                Log.NoticeFailedPermanently(logger, school.Id, message.Id, message.Channel ?? "", result.Detail ?? "");
                break;
            case DeliveryOutcome.ConfigurationFailure:
                run.Retrying++;
                Log.ChannelMisconfigured(logger, school.Id, message.Channel ?? "", result.Detail ?? "");
                break;
            default:
                run.Retrying++;
                Log.NoticeWillRetry(logger, school.Id, message.Id, result.Detail ?? "");
                break;
        }
    }

    /// <summary>Messages left "sending" by a process that died: finish those the channel has, send the rest again.</summary>
    private async Task RecoverInterruptedAsync(SchoolContext school, DeliveryRun run, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var stuck = (await db.QueryAsync<(long Id, string Key, string? Channel, string GuardianId, string? PupilIds, string Date)>(
            "SELECT id, idempotency_key, channel, guardian_id, pupil_ids, date FROM outbox WHERE school_id = @schoolId AND state = 'sending'",
            new { schoolId = school.Id }).ConfigureAwait(false)).ToList();
        foreach (var (id, key, channelName, guardianId, pupilIds, date) in stuck)
        {
            var channel = channels.FirstOrDefault(c => c.Kind.ToString() == channelName);
            var accepted = channel is null ? null : await channel.WasAcceptedAsync(key, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            if (accepted == true)
            {
                var message = new OutboxMessage(id, key, "absence", guardianId, date, channelName, null, "", 0);
                var lessons = await LessonsOfAsync(db, school.Id, date, pupilIds).ConfigureAwait(false);
                await database.InTransactionAsync(async (conn, tx) =>
                {
                    await MarkSentAsync(conn, tx, school.Id, message, lessons, null, now).ConfigureAwait(false);
                    return 0;
                }, cancellationToken).ConfigureAwait(false);
                run.Recovered++;
                Log.RecoveredAsSent(logger, school.Id, id);
            }
            else
            {
                await db.ExecuteAsync("UPDATE outbox SET state = 'pending', not_before = @now WHERE id = @id",
                    new { id, now = StoreTime.Format(now) }).ConfigureAwait(false);
                Log.RecoveredForResend(logger, school.Id, id, accepted is null ? "the channel cannot tell" : "the channel does not have it");
            }
        }
    }

    private static async Task<IReadOnlyDictionary<string, IReadOnlyList<int>>> LessonsOfAsync(Microsoft.Data.Sqlite.SqliteConnection db, string schoolId, string date, string? pupilIds)
    {
        var result = new Dictionary<string, IReadOnlyList<int>>();
        foreach (var pupilId in (pupilIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            result[pupilId] = (await db.QueryAsync<long>(
                    "SELECT lesson_no FROM marks WHERE school_id = @schoolId AND pupil_id = @pupilId AND date = @date AND presence = 'Absent' AND reason = 'NoneRecorded' ORDER BY lesson_no",
                    new { schoolId, pupilId, date }).ConfigureAwait(false))
                .Select(l => (int)l).ToList();
        }

        return result;
    }

    private static async Task MarkSentAsync(
        Microsoft.Data.Sqlite.SqliteConnection db, Microsoft.Data.Sqlite.SqliteTransaction tx, string schoolId, OutboxMessage message,
        IReadOnlyDictionary<string, IReadOnlyList<int>> lessonsByPupil, string? providerId, DateTimeOffset now)
    {
        var at = StoreTime.Format(now);
        await db.ExecuteAsync(
            "UPDATE outbox SET state = 'sent', sent_at = @at, closed_at = @at, provider_id = @providerId, last_error = NULL WHERE id = @Id",
            new { message.Id, at, providerId }, tx).ConfigureAwait(false);
        foreach (var (pupilId, lessons) in lessonsByPupil)
        {
            var previous = await db.ExecuteScalarAsync<string?>(
                "SELECT notified_lessons FROM absences WHERE school_id = @schoolId AND pupil_id = @pupilId AND date = @Date",
                new { schoolId, pupilId, message.Date }, tx).ConfigureAwait(false);
            var merged = (previous ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Concat(lessons).Distinct().Order();
            await db.ExecuteAsync(
                """
                UPDATE absences SET state = 'notified', notified_at = COALESCE(notified_at, @at), notified_lessons = @lessons
                WHERE school_id = @schoolId AND pupil_id = @pupilId AND date = @Date
                """,
                new { schoolId, pupilId, message.Date, at, lessons = string.Join(',', merged) }, tx).ConfigureAwait(false);
        }

        await AuditLog.RecordAsync(db, tx, new AuditEntry(
            now, schoolId, "absence-notice.sent", $"guardian:{message.GuardianId}", message.Channel,
            lessonsByPupil.Keys.ToList(), NoticePurpose, message.IdempotencyKey)).ConfigureAwait(false);
    }

    private static Task CloseAsync(Microsoft.Data.Sqlite.SqliteConnection db, Microsoft.Data.Sqlite.SqliteTransaction tx, long id, string state, string? detail, string at) =>
        db.ExecuteAsync("UPDATE outbox SET state = @state, closed_at = @at, last_error = @detail WHERE id = @id", new { id, state, at, detail }, tx);
}
