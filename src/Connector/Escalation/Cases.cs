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
                await AddStepAsync(db, tx, school, profile, id, 0, first, first.Name, today).ConfigureAwait(false);
            }

            opened++;
        }

        return opened;
    }

    /// <summary>
    /// Opens a case on a staff member's representation (002 §4.1.1, 001 Инструкция §3.1, 003 §4.1.3), where the profile
    /// allows it, with the ladder's steps for <see cref="RuleProfile.RepresentationLevel"/>. A step "representation" is
    /// the representation itself: it is recorded as done, with its text, and the step after it is due from today. Returns
    /// the case's id and its first pending step; null when the pupil already has an open case, which the representation joins.
    /// </summary>
    public static async Task<(long Id, CaseStep? Next)?> OpenOnRepresentationAsync(
        DbConnection db, DbTransaction tx, SchoolContext school, RuleProfile profile, string pupilId, string representation, string by, DateOnly today, DateTimeOffset now)
    {
        if ((await CaseStore.OpenOfPupilAsync(db, tx, school.Id, pupilId).ConfigureAwait(false)).Count > 0) return null;
        var id = await CaseStore.OpenOnRepresentationAsync(db, tx, school.Id, pupilId, profile.Id, RuleProfile.RepresentationLevel, representation, by, today, now).ConfigureAwait(false);
        var steps = CaseRule.StepsFor(profile, RuleProfile.RepresentationLevel);
        // The ladder goes on from the representation; the steps before it (finding the reason, a warning) led to it.
        // Each step keeps its place in the ladder as its seq, which is how the next one is found.
        var seq = 0;
        if (steps.ToList().FindIndex(s => s.Id == CaseRule.RepresentationStep) is var at and >= 0)
        {
            await CaseStore.AddDoneStepAsync(db, tx, id, at, steps[at], CaseRule.SourceOf(profile, steps[at]), representation, by, today, now).ConfigureAwait(false);
            seq = at + 1;
        }

        if (seq >= steps.Count)
        {
            return (id, null);
        }

        var due = await AddStepAsync(db, tx, school, profile, id, seq, steps[seq], steps[seq].Name, today).ConfigureAwait(false);
        return (id, new CaseStep(seq, steps[seq].Id, steps[seq].Name, steps[seq].Owner.ToString(), due));
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
            await AddStepAsync(db, tx, school, profile, c.Id, seq, rule.Step, $"{rule.Step.Name}: {reason}", today).ConfigureAwait(false);
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

        var due = await AddStepAsync(db, tx, school, profile, caseId, seq + 1, next, next.Name, today).ConfigureAwait(false);
        return new CaseStep(seq + 1, next.Id, next.Name, next.Owner.ToString(), due);
    }

    /// <summary>Adds <paramref name="step"/> as the case's pending step, due by its deadline from <paramref name="from"/>; returns the due date.</summary>
    private static async Task<DateOnly> AddStepAsync(DbConnection db, DbTransaction tx, SchoolContext school, RuleProfile profile, long caseId, int seq, LadderStep step, string name, DateOnly from)
    {
        var due = CaseRule.DueDate(school.Calendar, profile, step, from);
        await CaseStore.AddStepAsync(db, tx, caseId, seq, step.Id, name, step.Owner, CaseRule.SourceOf(profile, step), due).ConfigureAwait(false);
        return due;
    }

    public static Task CloseAsync(DbConnection db, DbTransaction tx, long caseId, string reason, DateTimeOffset now) => CaseStore.CloseAsync(db, tx, caseId, reason, now);
}

/// <summary>A step as it stands in a case.</summary>
internal sealed record CaseStep(int Seq, string StepId, string Name, string OwnerRole, DateOnly Due);
