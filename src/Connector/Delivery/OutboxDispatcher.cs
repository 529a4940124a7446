using Connector.Abstractions.Schools;
using Connector.Configuration;
using Connector.Diagnostics;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connector.Delivery;

/// <summary>
/// Sends a school's due outbox messages, oldest first, in four steps: <see cref="DeliveryClaim">claim</see> (the
/// message becomes this runner's and is composed, in one transaction), <see cref="DeliveryGate">gate</see> (quiet
/// hours, pauses, the rate), send (the channel), <see cref="DeliveryRecord">record</see> (its outcome, in another
/// transaction). A message found still "sending" belongs to a runner that died between claim and record:
/// <see cref="InterruptedSends"/> deals with those first. Where the protocol cannot tell whether it has such a
/// message (SMTP, SMS.ru) it is sent again, the one way a guardian can get a message twice.
/// </summary>
internal sealed class OutboxDispatcher(
    SchoolRegistry schools,
    ConnectorDatabase database,
    NoticeRouting routing,
    InterruptedSends interrupted,
    DeliveryGate gate,
    DeliveryClaim claim,
    DeliveryRecord record,
    DeliveryLanes lanes,
    RunnerIdentity runner,
    IOptions<ConnectorOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger)
{
    private const int BatchSize = 500;

    // When send attempts past Delivery:KeepAttemptsDays were last removed: at most once an hour, by whichever run comes.
    private long nextPruneTicks;

    public async Task<DeliveryRun> DeliverAsync(string schoolId, CancellationToken cancellationToken)
    {
        var school = schools.Get(schoolId);
        var run = new DeliveryRun();
        await database.HoldPresenceAsync(runner.Id, cancellationToken).ConfigureAwait(false);
        await PruneAttemptsAsync(cancellationToken).ConfigureAwait(false);
        await interrupted.RecoverAsync(school, run, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.AfterRecovery);

        List<OutboxMessage> due;
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            due = await OutboxStore.DueAsync(db, schoolId, time.GetUtcNow(), BatchSize).ConfigureAwait(false);
        }

        // Claims are made one by one, in order; each claimed message then goes on a lane of its channel, so up to
        // that channel's width are on their way at once. The run ends when every one of them is recorded.
        var sending = new List<Task>();
        try
        {
            foreach (var message in due)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var channel = message.Channel!.Value;
                // A held channel (paused, missing, at its rate) holds all its messages till the next run, keeping their order.
                var lane = lanes.For(channel);
                if (run.IsHeld(channel) || !await PassesGateAsync(school, message, channel, lane, run, cancellationToken).ConfigureAwait(false)) continue;
                sending.Add(DeliverOnLaneAsync(school, message, channel, await lane.EnterAsync(message.Id, cancellationToken).ConfigureAwait(false), run, cancellationToken));
            }
        }
        finally
        {
            await Task.WhenAll(sending).ConfigureAwait(false);
        }

        return run;
    }

    /// <summary>
    /// Messages on their way count against the rate with those already sent (one that finishes while this one waits
    /// for a lane moves from the one count to the other).
    /// </summary>
    private async Task<bool> PassesGateAsync(SchoolContext school, OutboxMessage message, ChannelKind channel, DeliveryLanes.Lane lane, DeliveryRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (await gate.PassAsync(school, message, channel, lane.InFlight, now, cancellationToken).ConfigureAwait(false))
        {
            case DeliveryGate.Verdict.Deferred:
                run.CountDeferred();
                Log.Deferred(logger, school.Id, message.Id, channel.ToString(), DeliveryGate.QuietUntil(school, channel, now)!.Value);
                return false;
            case DeliveryGate.Verdict.HoldChannel:
                run.Hold(channel);
                return false;
            default:
                return true;
        }
    }

    private async Task DeliverOnLaneAsync(SchoolContext school, OutboxMessage message, ChannelKind channel, IDisposable lane, DeliveryRun run, CancellationToken cancellationToken)
    {
        using (lane)
        {
            await Task.Yield(); // the next claim is made while this message is on its way
            await DeliverOneAsync(school, message, channel, run, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeliverOneAsync(SchoolContext school, OutboxMessage message, ChannelKind channel, DeliveryRun run, CancellationToken cancellationToken)
    {
        var composition = await claim.ClaimAsync(school, message, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
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
        await record.RecordAsync(school, message, channel, ready, result, run, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.AfterRecord);
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
        var removed = await OutboxStore.PruneAttemptsAsync(db, now.AddDays(-options.Value.Delivery.KeepAttemptsDays)).ConfigureAwait(false);
        if (removed > 0) Log.AttemptsPruned(logger, removed, options.Value.Delivery.KeepAttemptsDays);
    }
}
