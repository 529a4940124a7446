using System.Data.Common;
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
    DeliveryLanes lanes,
    SentRecorder recorder,
    RunnerIdentity runner,
    IOptions<ConnectorOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger)
{
    private const int BatchSize = 500;

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.Delivery.ClaimLeaseSeconds);

    // When send attempts past Delivery:KeepAttemptsDays were last removed: at most once an hour, by whichever run comes.
    private long nextPruneTicks;

    public async Task<DeliveryRun> DeliverAsync(string schoolId, CancellationToken cancellationToken)
    {
        var school = schools.Get(schoolId);
        var run = new DeliveryRun();
        await database.HoldPresenceAsync(runner.Id, cancellationToken).ConfigureAwait(false);
        await PruneAttemptsAsync(cancellationToken).ConfigureAwait(false);
        await RecoverInterruptedAsync(school, run, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.AfterRecovery);

        List<OutboxMessage> due;
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            due = (await db.QueryAsync<OutboxMessage>(
                $"SELECT {OutboxMessage.Columns} FROM outbox WHERE school_id = @schoolId AND state = 'pending' AND not_before <= @now ORDER BY id LIMIT @BatchSize",
                new { schoolId, now = StoreTime.Format(time.GetUtcNow()), BatchSize }).ConfigureAwait(false)).ToList();
        }

        // Claims are made one by one, in order; each claimed message then goes on a lane of its channel, so up to
        // that channel's width are on their way at once. The run ends when every one of them is recorded.
        var sending = new List<Task>();
        try
        {
            foreach (var message in due)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var channel = Enum.Parse<ChannelKind>(message.Channel!);
                // A held channel (paused, missing, at its rate) holds all its messages till the next run, keeping their order.
                var lane = lanes.For(channel);
                if (run.IsHeld(channel) || await MayNotGoYetAsync(school, message, channel, lane, run, cancellationToken).ConfigureAwait(false)) continue;
                sending.Add(DeliverOnLaneAsync(school, message, channel, await lane.EnterAsync(cancellationToken).ConfigureAwait(false), run, cancellationToken));
            }
        }
        finally
        {
            await Task.WhenAll(sending).ConfigureAwait(false);
        }

        return run;
    }

    private async Task DeliverOnLaneAsync(SchoolContext school, OutboxMessage message, ChannelKind channel, IDisposable lane, DeliveryRun run, CancellationToken cancellationToken)
    {
        using (lane)
        {
            await Task.Yield(); // the next claim is made while this message is on its way
            await DeliverOneAsync(school, message, channel, run, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Quiet hours move the message to their end; a paused or busy channel holds every message of it till the next
    /// run. Messages on their way count against the rate with those already sent (one that finishes while this one
    /// waits for a lane moves from the one count to the other).
    /// </summary>
    private async Task<bool> MayNotGoYetAsync(SchoolContext school, OutboxMessage message, ChannelKind channel, DeliveryLanes.Lane lane, DeliveryRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (DeliveryGate.QuietUntil(school, channel, now) is { } until)
        {
            // A notice pushed past the day of the absence breaks the same-day rule: the digest must say so.
            var late = DateOnly.FromDateTime(school.LocalTime(until)) > StoreTime.ParseDate(message.Date) ? "quiet-hours" : null;
            await db.ExecuteAsync("UPDATE outbox SET not_before = @until, deferred_reason = COALESCE(@late, deferred_reason) WHERE id = @Id",
                new { message.Id, until = StoreTime.Format(until), late }).ConfigureAwait(false);
            run.CountDeferred();
            Log.Deferred(logger, school.Id, message.Id, channel.ToString(), until);
            return true;
        }

        if (routing.Channel(channel) is null || await DeliveryGate.IsPausedAsync(db, channel, now).ConfigureAwait(false)
            || await DeliveryGate.SentInLastMinuteAsync(db, channel, now).ConfigureAwait(false) + lane.InFlight >= gate.PerMinute(channel))
        {
            run.Hold(channel);
            return true;
        }

        return false;
    }

    private async Task DeliverOneAsync(SchoolContext school, OutboxMessage message, ChannelKind channel, DeliveryRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var composition = await database.InTransactionAsync(async (db, tx) =>
        {
            // The claim is a compare-and-set on the state: of two runners that picked the same message, one gets it.
            var claimed = await db.ExecuteAsync(
                """
                UPDATE outbox SET state = 'sending', claimed_by = @me, claimed_until = @until, last_attempt_at = @at
                WHERE id = @Id AND state = 'pending'
                """,
                new { message.Id, me = runner.Id, until = StoreTime.Format(now + Lease), at = StoreTime.Format(now) }, tx).ConfigureAwait(false);
            if (claimed == 0) return null;

            var composed = await composer.ComposeAsync(db, tx, school, message, school.LocalDate(now), now).ConfigureAwait(false);
            if (composed.Notice is { } notice)
            {
                await db.ExecuteAsync(
                    "UPDATE outbox SET attempts = attempts + 1, address = @Address, pupil_ids = @pupils WHERE id = @Id",
                    new { message.Id, notice.Message.Address, pupils = string.Join(',', notice.LessonsByPupil.Keys) }, tx).ConfigureAwait(false);
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

        if (composition is null)
        {
            Log.ClaimedElsewhere(logger, school.Id, message.Id);
            return;
        }

        if (composition.Notice is not { } ready)
        {
            if (composition.NoAddressReason is null)
            {
                run.CountCancelled();
                Log.NoticeCancelled(logger, school.Id, message.Id);
            }
            else
            {
                run.CountFailed();
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

    /// <summary>Closes the message as failed and queues it on the next channel the policy allows, if any.</summary>
    private async Task FailAndFallBackAsync(DbConnection db, DbTransaction tx, SchoolContext school, OutboxMessage message, string detail, DateTimeOffset now)
    {
        var next = await OutboxWriter.QueueFallbackAsync(db, tx, school.Id, school.Options.DefaultChannel, routing, message, now).ConfigureAwait(false);
        await db.ExecuteAsync("UPDATE outbox SET state = 'failed', closed_at = @at, last_error = @error WHERE id = @Id",
            new { message.Id, at = StoreTime.Format(now), error = next is { } c ? $"{detail} → {c}" : detail }, tx).ConfigureAwait(false);
        if (next is { } channel) Log.FellBack(logger, school.Id, message.Id, channel.ToString());
    }

    /// <summary>
    /// Removes send attempts older than Delivery:KeepAttemptsDays, so that the history the rate check reads does not
    /// grow for ever (the delete walks the attempt-time index; the outbox rows and the audit log stay).
    /// </summary>
    private async Task PruneAttemptsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = Interlocked.Read(ref nextPruneTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref nextPruneTicks, now.AddHours(1).UtcTicks, due) != due) return;
        await using var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var removed = await db.ExecuteAsync("DELETE FROM delivery_attempts WHERE attempted_at < @before",
            new { before = StoreTime.Format(now.AddDays(-options.Value.Delivery.KeepAttemptsDays)) }).ConfigureAwait(false);
        if (removed > 0) Log.AttemptsPruned(logger, removed, options.Value.Delivery.KeepAttemptsDays);
    }

    /// <summary>
    /// Messages left "sending" by a process that is gone: finish those the channel has, send the rest again. Each
    /// resend of a message the channel cannot vouch for is audited as a possible second copy, so the audit log
    /// lists every copy a guardian may have received. A channel that could tell but does not answer now is asked
    /// again later; the message is not sent meanwhile.
    /// </summary>
    private async Task RecoverInterruptedAsync(SchoolContext school, DeliveryRun run, CancellationToken cancellationToken)
    {
        List<OutboxMessage> stuck;
        var liveness = database.Kind == StoreKind.Postgres;
        var now0 = StoreTime.Format(time.GetUtcNow());
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            stuck = (await db.QueryAsync<OutboxMessage>(
                $"""
                SELECT {OutboxMessage.Columns} FROM outbox
                WHERE school_id = @schoolId AND state = 'sending' AND COALESCE(claimed_by, '') <> @me
                    AND (@exclusive = 1 OR claimed_until IS NULL OR claimed_until < @now OR (@liveness = 1 AND claimed_by <> 'unknown'))
                """,
                new { schoolId = school.Id, me = runner.Id, exclusive = runner.HoldsInstallationLock ? 1 : 0, liveness = liveness ? 1 : 0, now = now0 }).ConfigureAwait(false)).ToList();
        }

        foreach (var message in stuck)
        {
            // On PostgreSQL a claim whose lease still runs is taken back only from a runner that is gone (its
            // presence lock is free): a node killed mid-send hands its messages over at once, a live one keeps them.
            var leased = !runner.HoldsInstallationLock && message.ClaimedUntil is { } until && string.CompareOrdinal(until, now0) >= 0;
            if (leased && (!liveness || await database.IsPresentAsync(message.ClaimedBy!, cancellationToken).ConfigureAwait(false))) continue;

            var channel = routing.Channel(message.Channel);
            var answer = channel is null || message.Address is null ? PriorHandover.NotAccepted
                : await channel.WasAcceptedAsync(message.IdempotencyKey, message.Address, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var taken = await database.InTransactionAsync(async (conn, tx) =>
            {
                // Taken back by compare-and-set too: another runner recovering the same message gets nothing.
                var mine = await conn.ExecuteAsync(
                    """
                    UPDATE outbox SET claimed_by = @me, claimed_until = @until, interruptions = interruptions + 1
                    WHERE id = @Id AND state = 'sending' AND COALESCE(claimed_by, '') = COALESCE(@ClaimedBy, '')
                    """,
                    new { message.Id, me = runner.Id, until = StoreTime.Format(now + Lease), message.ClaimedBy }, tx).ConfigureAwait(false);
                if (mine == 0) return false;
                switch (answer)
                {
                    case PriorHandover.Accepted:
                        var lessons = await SentRecorder.LessonsOfAsync(conn, tx, school.Id, message.Date, message.PupilIds).ConfigureAwait(false);
                        await recorder.MarkSentAsync(conn, tx, school.Id, message, message.Address!, lessons, null, now).ConfigureAwait(false);
                        break;
                    case PriorHandover.AskLater:
                        await conn.ExecuteAsync("UPDATE outbox SET claimed_by = 'unknown', claimed_until = @later, last_error = 'the channel did not say whether it has the message; asked again later' WHERE id = @Id",
                            new { message.Id, later = StoreTime.Format(now.AddMinutes(5)) }, tx).ConfigureAwait(false);
                        break;
                    default:
                        if (answer == PriorHandover.CannotTell)
                        {
                            var pupils = (message.PupilIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
                            await recorder.AuditPossiblySentAsync(conn, tx, school.Id, message, pupils, now).ConfigureAwait(false);
                        }

                        // Due again at once for every runner, its not_before as it was when it was claimed: a runner whose
                        // clock is behind this one's (another node, a rehearsal started again) must not find it "not yet".
                        await conn.ExecuteAsync(
                            "UPDATE outbox SET state = 'pending', not_before = CASE WHEN not_before < @now THEN not_before ELSE @now END, claimed_by = NULL, claimed_until = NULL WHERE id = @Id",
                            new { message.Id, now = StoreTime.Format(now) }, tx).ConfigureAwait(false);
                        break;
                }

                return true;
            }, cancellationToken).ConfigureAwait(false);
            if (!taken) continue;

            switch (answer)
            {
                case PriorHandover.Accepted:
                    run.CountRecovered();
                    Log.RecoveredAsSent(logger, school.Id, message.Id);
                    break;
                case PriorHandover.AskLater:
                    run.CountRetrying();
                    Log.RecoveryAsksLater(logger, school.Id, message.Id);
                    break;
                default:
                    Log.RecoveredForResend(logger, school.Id, message.Id, answer == PriorHandover.CannotTell ? "the channel cannot tell" : "the channel does not have it");
                    break;
            }
        }
    }
}
