using System.Data.Common;
using Connector.Schools;
using Connector.Store;
using Connector.Thresholds;

namespace Connector.Escalation;

/// <summary>Escalation cases: one per breach of a level that opens one, with the profile's ladder as steps (<see cref="CaseRule"/>), kept in the caller's transaction.</summary>
internal static class Cases
{
    /// <summary>Opens a case for each new breach that calls for one; a case of a lower level of the same pupil is closed into it.</summary>
    public static async Task<int> OpenAsync(DbConnection db, DbTransaction tx, SchoolContext school, RuleProfile profile, IReadOnlyList<NewBreach> breaches, DateOnly today, DateTimeOffset now)
    {
        var opened = 0;
        foreach (var breach in breaches.Where(b => b.Level.OpensCase).OrderBy(b => b.Level.Rank))
        {
            var open = await CaseStore.OpenOfPupilAsync(db, tx, school.Id, breach.PupilId).ConfigureAwait(false);
            if (CaseRule.Opens(profile, breach.Level, open) is not { } takenOver) continue;

            var id = await CaseStore.OpenAsync(db, tx, school.Id, breach.PupilId, profile.Id, breach.Level.Id, breach.Id, today, now).ConfigureAwait(false);
            foreach (var lower in takenOver) await CaseStore.CloseAsync(db, tx, lower, CaseRule.TakenOver(id), now).ConfigureAwait(false);
            if (CaseRule.StepsFor(profile, breach.Level.Id) is [var first, ..])
            {
                await CaseStore.AddStepAsync(db, tx, id, 0, first.Id, first.Name, first, CaseRule.DueDate(school.Calendar, first, today)).ConfigureAwait(false);
            }

            opened++;
        }

        return opened;
    }

    /// <summary>
    /// Proposes taking pupils off the register where the profile's conditions hold (001 Инструкция §4.1, 003 §V): the
    /// case's current step gives way ("superseded") to the profile's deregistration step, due by its own deadline
    /// from today. A case already at that step is left as it is. Returns how many cases were proposed.
    /// </summary>
    public static async Task<int> ProposeDeregistrationAsync(DbConnection db, DbTransaction tx, SchoolContext school, RuleProfile profile, DateOnly today)
    {
        if (profile.Deregistration is not { } rule) return 0;
        var proposed = 0;
        foreach (var c in await CaseStore.OpenNotAtStepAsync(db, tx, school.Id, DeregistrationRule.StepId).ConfigureAwait(false))
        {
            var last = await CaseStore.LastUnexcusedAsync(db, tx, school.Id, c.PupilId).ConfigureAwait(false);
            if (rule.Reason(c.OpenedOn, last, c.Studying, c.BirthDate, today) is not { } reason) continue;

            var seq = await CaseStore.SupersedePendingAsync(db, tx, c.Id).ConfigureAwait(false);
            await CaseStore.AddStepAsync(db, tx, c.Id, seq, DeregistrationRule.StepId, $"{rule.Step.Name}: {reason}", rule.Step,
                CaseRule.DueDate(school.Calendar, rule.Step, today)).ConfigureAwait(false);
            proposed++;
        }

        return proposed;
    }

    /// <summary>
    /// Records the outcome of the case's current step and opens the next; returns the next step, or null when the
    /// case closed (the ladder is done, or the pupil is off the register).
    /// </summary>
    public static async Task<CaseStep?> RecordAsync(DbConnection db, DbTransaction tx, SchoolContext school, RuleProfile profile, long caseId, string outcome, string by, DateOnly today, DateTimeOffset now)
    {
        var (levelId, seq, stepId) = await CaseStore.PendingStepAsync(db, tx, caseId).ConfigureAwait(false);
        await CaseStore.MarkStepDoneAsync(db, tx, caseId, seq, outcome, by, now).ConfigureAwait(false);
        var (next, closeReason) = CaseRule.AfterStep(profile, levelId, seq, stepId, outcome);
        if (next is null)
        {
            await CaseStore.CloseAsync(db, tx, caseId, closeReason!, now).ConfigureAwait(false);
            return null;
        }

        var due = CaseRule.DueDate(school.Calendar, next, today);
        await CaseStore.AddStepAsync(db, tx, caseId, seq + 1, next.Id, next.Name, next, due).ConfigureAwait(false);
        return new CaseStep(seq + 1, next.Id, next.Name, next.Owner.ToString(), due);
    }

    public static Task CloseAsync(DbConnection db, DbTransaction tx, long caseId, string reason, DateTimeOffset now) => CaseStore.CloseAsync(db, tx, caseId, reason, now);
}

/// <summary>A step as it stands in a case.</summary>
internal sealed record CaseStep(int Seq, string StepId, string Name, string OwnerRole, DateOnly Due);
