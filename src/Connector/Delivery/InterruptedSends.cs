using Connector.Abstractions.Notifications;
using Connector.Diagnostics;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.Logging;

namespace Connector.Delivery;

/// <summary>
/// Crash recovery, before each delivery run: messages left "sending" by a runner that is gone. Those the channel has
/// are recorded as sent; the rest are queued again. Each resend of a message the channel cannot vouch for (SMTP,
/// SMS.ru) is audited as a possible second copy, so the audit log lists every copy a guardian may have received. A
/// channel that could tell but does not answer now is asked again later; the message is not sent meanwhile.
/// </summary>
internal sealed class InterruptedSends(
    ConnectorDatabase database, NoticeRouting routing, SentRecorder recorder, DeliveryClaim claim, RunnerIdentity runner, TimeProvider time, ILogger<OutboxDispatcher> logger)
{
    public async Task RecoverAsync(SchoolContext school, DeliveryRun run, CancellationToken cancellationToken)
    {
        // On PostgreSQL a claim whose lease still runs is taken back only from a runner that is gone (its presence
        // lock is free): a node killed mid-send hands its messages over at once, a live one keeps them.
        var liveness = database.Kind == StoreKind.Postgres;
        var found = time.GetUtcNow();
        List<OutboxMessage> stuck;
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            stuck = await OutboxStore.InterruptedAsync(db, school.Id, runner.Id, runner.HoldsInstallationLock, liveness, found).ConfigureAwait(false);
        }

        // A message carried by another goes wherever its carrier goes: it is taken back with it.
        foreach (var message in stuck.Where(m => m.CarriedBy is null))
        {
            var leased = !runner.HoldsInstallationLock && OutboxStore.IsLeased(message, found);
            if (leased && (!liveness || await database.IsPresentAsync(message.ClaimedBy!, cancellationToken).ConfigureAwait(false))) continue;
            var answer = await AskChannelAsync(message, cancellationToken).ConfigureAwait(false);
            if (!await TakeBackAsync(school, message, answer, cancellationToken).ConfigureAwait(false)) continue;

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

    private async Task<PriorHandover> AskChannelAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        message.Channel is not { } kind || routing.Channel(kind) is not { } channel || message.Address is null
            ? PriorHandover.NotAccepted
            : await channel.WasAcceptedAsync(message.IdempotencyKey, message.Address, cancellationToken).ConfigureAwait(false);

    /// <summary>Takes the message back, by compare-and-set, and acts on the channel's answer; false when another runner took it first.</summary>
    private Task<bool> TakeBackAsync(SchoolContext school, OutboxMessage message, PriorHandover answer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return database.InTransactionAsync(async (db, tx) =>
        {
            if (!await OutboxStore.TakeBackAsync(db, tx, message, runner.Id, now + claim.Lease).ConfigureAwait(false)) return false;
            var riders = await OutboxStore.RidersOfAsync(db, tx, message.Id, OutboxState.Sending).ConfigureAwait(false);
            var pupils = message.PupilIds.Concat(riders.SelectMany(r => r.PupilIds)).Distinct().ToList();
            switch (answer)
            {
                case PriorHandover.Accepted:
                    var lessons = await AbsenceStore.UnexcusedLessonsAsync(db, tx, school.Id, message.Date, message.PupilIds).ConfigureAwait(false);
                    var carried = new List<CarriedDay>();
                    foreach (var rider in riders)
                    {
                        carried.Add(new CarriedDay(rider, await AbsenceStore.UnexcusedLessonsAsync(db, tx, school.Id, rider.Date, rider.PupilIds).ConfigureAwait(false)));
                    }

                    await recorder.MarkSentAsync(db, tx, school.Id, message, message.Address!, lessons, null, now, carried).ConfigureAwait(false);
                    break;
                case PriorHandover.AskLater:
                    await OutboxStore.AskLaterAsync(db, tx, message.Id, now.AddMinutes(5)).ConfigureAwait(false);
                    break;
                default:
                    if (answer == PriorHandover.CannotTell) await recorder.AuditPossiblySentAsync(db, tx, school.Id, message, pupils, now).ConfigureAwait(false);
                    await OutboxStore.ReleaseAsync(db, tx, message.Id, now).ConfigureAwait(false);
                    await OutboxStore.ReleaseRidersAsync(db, tx, message.Id, null).ConfigureAwait(false);
                    break;
            }

            return true;
        }, cancellationToken);
    }
}
