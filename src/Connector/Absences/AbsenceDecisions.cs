using System.Data.Common;
using Connector.Abstractions.Schools;
using Connector.Delivery;
using Connector.Store;

namespace Connector.Absences;

/// <summary>Carries out the same-day rule's decisions in the caller's transaction: the absence's new state and its outbox messages.</summary>
internal static class AbsenceDecisions
{
    public static async Task<DecisionSummary> ApplyAsync(
        DbConnection db, DbTransaction tx, string schoolId, ChannelKind schoolDefault, NoticeRouting routing,
        IReadOnlyList<AbsenceDecision> decisions, DateTimeOffset now, TimeSpan grace)
    {
        var summary = new DecisionSummary();
        foreach (var decision in decisions)
        {
            switch (decision)
            {
                case AbsenceDecision.Open:
                    await AbsenceStore.OpenAsync(db, tx, schoolId, decision.PupilId, decision.Date, now).ConfigureAwait(false);
                    summary.Opened++;
                    var (queued, unreachable, hasGuardians) = await OutboxWriter.QueueAbsenceAsync(
                        db, tx, schoolId, schoolDefault, routing, decision.PupilId, decision.Date, now + grace, now).ConfigureAwait(false);
                    summary.Queued += queued;
                    summary.Unreachable += unreachable;
                    if (!hasGuardians) summary.WithoutGuardians.Add(decision.PupilId);
                    break;
                case AbsenceDecision.Explain:
                    await AbsenceStore.ExplainAsync(db, tx, schoolId, decision.PupilId, decision.Date, now).ConfigureAwait(false);
                    summary.Explained++;
                    break;
                case AbsenceDecision.Correct correct:
                    await AbsenceStore.CorrectAsync(db, tx, schoolId, decision.PupilId, decision.Date, correct.Correction, now).ConfigureAwait(false);
                    summary.Corrected++;
                    summary.Queued += await OutboxWriter.QueueCorrectionAsync(db, tx, schoolId, decision.PupilId, decision.Date, now + grace, now).ConfigureAwait(false);
                    break;
            }
        }

        return summary;
    }

    /// <summary>
    /// Queues again every open absence of <paramref name="dates"/> (the days still decided) that was not just decided
    /// and is not held: a guardian who was not in the journal when it was found, or had no usable address then, is
    /// told the same day once the journal has them. The writer queues nothing that is already queued or told.
    /// </summary>
    public static async Task QueueOpenAsync(
        DbConnection db, DbTransaction tx, string schoolId, ChannelKind schoolDefault, NoticeRouting routing, IReadOnlyList<DateOnly> dates,
        IReadOnlySet<(string PupilId, DateOnly Date)> justOpened, Polling.Held held, DateTimeOffset now, TimeSpan grace, DecisionSummary summary)
    {
        foreach (var (pupilId, date, firstSeen) in await AbsenceStore.OpenOnAsync(db, tx, schoolId, dates).ConfigureAwait(false))
        {
            if (justOpened.Contains((pupilId, date)) || held.Covers(pupilId, date)) continue;
            var notBefore = firstSeen + grace;
            var (queued, unreachable, _) = await OutboxWriter.QueueAbsenceAsync(
                db, tx, schoolId, schoolDefault, routing, pupilId, date, notBefore > now ? notBefore : now, now).ConfigureAwait(false);
            summary.Queued += queued;
            summary.Unreachable += unreachable;
        }
    }
}
