using System.Data.Common;
using Connector.Schools;
using Connector.Store;
using Connector.Thresholds;
using Dapper;

namespace Connector.Escalation;

/// <summary>
/// Escalation cases: one per breach of a level that opens one, with the profile's ladder as steps. A step's due
/// date counts from the day the previous step was done, in working days (or calendar days where the document
/// says "days").
/// </summary>
internal static class CaseRepository
{
    /// <summary>Opens a case for each new breach that calls for one; a case of a lower level of the same pupil is closed into it.</summary>
    public static async Task<int> OpenAsync(DbConnection db, DbTransaction tx, SchoolContext school, RuleProfile profile, IReadOnlyList<NewBreach> breaches, DateOnly today, DateTimeOffset now)
    {
        var opened = 0;
        foreach (var breach in breaches.Where(b => b.Level.OpensCase).OrderBy(b => b.Level.Rank))
        {
            var open = (await db.QueryAsync<(long Id, string LevelId)>(
                "SELECT id, level_id FROM cases WHERE school_id = @schoolId AND pupil_id = @PupilId AND state = 'open'",
                new { schoolId = school.Id, breach.PupilId }, tx).ConfigureAwait(false)).ToList();
            var ranks = profile.Levels.ToDictionary(l => l.Id, l => l.Rank);
            if (open.Any(c => ranks.GetValueOrDefault(c.LevelId) >= breach.Level.Rank)) continue;

            var id = await db.ExecuteScalarAsync<long>(
                """
                INSERT INTO cases (school_id, pupil_id, profile_id, level_id, breach_id, opened_at, opened_on, state)
                VALUES (@schoolId, @PupilId, @profile, @level, @breach, @at, @today, 'open') RETURNING id
                """,
                new { schoolId = school.Id, breach.PupilId, profile = profile.Id, level = breach.Level.Id, breach = breach.Id, at = StoreTime.Format(now), today = StoreTime.Format(today) },
                tx).ConfigureAwait(false);
            foreach (var lower in open)
            {
                await CloseAsync(db, tx, lower.Id, $"переведён на более высокий уровень, случай № {id}", now).ConfigureAwait(false);
            }

            await AddStepAsync(db, tx, school, profile, id, breach.Level.Id, 0, today).ConfigureAwait(false);
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
        var open = (await db.QueryAsync<(long Id, string PupilId, string OpenedOn, long Studying, string? BirthDate)>(
            """
            SELECT c.id, c.pupil_id, c.opened_on, COALESCE(p.active, 0), p.birth_date FROM cases c
            LEFT JOIN pupils p ON p.school_id = c.school_id AND p.pupil_id = c.pupil_id
            WHERE c.school_id = @schoolId AND c.state = 'open'
                AND NOT EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND s.step_id = @step AND s.state = 'pending')
            """,
            new { schoolId = school.Id, step = DeregistrationRule.StepId }, tx).ConfigureAwait(false)).ToList();
        var proposed = 0;
        foreach (var c in open)
        {
            var last = await db.ExecuteScalarAsync<string?>(
                """
                SELECT MAX(date) FROM marks WHERE school_id = @schoolId AND pupil_id = @PupilId AND presence = 'Absent'
                    AND reason IN ('NoneRecorded', 'Unexcused') AND vanished_at IS NULL
                """,
                new { schoolId = school.Id, c.PupilId }, tx).ConfigureAwait(false);
            var reason = rule.Reason(StoreTime.ParseDate(c.OpenedOn), last is null ? null : StoreTime.ParseDate(last), c.Studying == 1,
                c.BirthDate is null ? null : StoreTime.ParseDate(c.BirthDate), today);
            if (reason is null) continue;

            await db.ExecuteAsync("UPDATE case_steps SET state = 'superseded' WHERE case_id = @Id AND state = 'pending'", new { c.Id }, tx).ConfigureAwait(false);
            var seq = await db.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(seq), -1) + 1 FROM case_steps WHERE case_id = @Id", new { c.Id }, tx).ConfigureAwait(false);
            await db.ExecuteAsync(
                """
                INSERT INTO case_steps (case_id, seq, step_id, name, owner_role, source, due_on, state)
                VALUES (@Id, @seq, @step, @name, @owner, @source, @due, 'pending')
                """,
                new
                {
                    c.Id, seq, step = DeregistrationRule.StepId, name = $"{rule.Step.Name}: {reason}", owner = rule.Step.Owner.ToString(), source = rule.Step.Source,
                    due = StoreTime.Format(DueDate(school.Calendar, rule.Step, today)),
                }, tx).ConfigureAwait(false);
            proposed++;
        }

        return proposed;
    }

    /// <summary>
    /// Records the outcome of the case's current step and opens the next; returns the next step, or null when the
    /// ladder is done. Recording the deregistration step closes the case: the pupil is off the register.
    /// </summary>
    public static async Task<CaseStep?> RecordAsync(DbConnection db, DbTransaction tx, SchoolContext school, RuleProfile profile, long caseId, string outcome, string by, DateOnly today, DateTimeOffset now)
    {
        var (levelId, seq, stepId) = await db.QuerySingleAsync<(string, long, string)>(
            "SELECT c.level_id, s.seq, s.step_id FROM cases c JOIN case_steps s ON s.case_id = c.id AND s.state = 'pending' WHERE c.id = @caseId",
            new { caseId }, tx).ConfigureAwait(false);
        await db.ExecuteAsync(
            "UPDATE case_steps SET state = 'done', outcome = @outcome, recorded_at = @at, recorded_by = @by WHERE case_id = @caseId AND seq = @seq",
            new { caseId, seq, outcome, by, at = StoreTime.Format(now) }, tx).ConfigureAwait(false);
        if (stepId == DeregistrationRule.StepId)
        {
            await CloseAsync(db, tx, caseId, $"снят с учёта: {outcome}", now).ConfigureAwait(false);
            return null;
        }

        var next = await AddStepAsync(db, tx, school, profile, caseId, levelId, (int)seq + 1, today).ConfigureAwait(false);
        if (next is null) await CloseAsync(db, tx, caseId, "все шаги выполнены", now).ConfigureAwait(false);
        return next;
    }

    public static Task CloseAsync(DbConnection db, DbTransaction tx, long caseId, string reason, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE cases SET state = 'closed', closed_at = @at, closed_reason = @reason WHERE id = @caseId AND state = 'open'",
        new { caseId, reason, at = StoreTime.Format(now) }, tx);

    /// <summary>The ladder's steps that apply to a case of <paramref name="levelId"/>, in order.</summary>
    public static IReadOnlyList<LadderStep> StepsFor(RuleProfile profile, string levelId) =>
        profile.Ladder.Where(s => s.ForLevels.Count == 0 || s.ForLevels.Contains(levelId)).ToList();

    /// <summary>When a step started on <paramref name="from"/> is due.</summary>
    public static DateOnly DueDate(SchoolCalendar calendar, LadderStep step, DateOnly from) =>
        step.Unit == DeadlineUnit.CalendarDays ? from.AddDays(step.Deadline) : calendar.AddWorkingDays(from, step.Deadline);

    private static async Task<CaseStep?> AddStepAsync(DbConnection db, DbTransaction tx, SchoolContext school, RuleProfile profile, long caseId, string levelId, int seq, DateOnly from)
    {
        var steps = StepsFor(profile, levelId);
        if (seq >= steps.Count) return null;
        var step = steps[seq];
        var due = DueDate(school.Calendar, step, from);
        await db.ExecuteAsync(
            """
            INSERT INTO case_steps (case_id, seq, step_id, name, owner_role, source, due_on, state)
            VALUES (@caseId, @seq, @Id, @Name, @owner, @Source, @due, 'pending')
            """,
            new { caseId, seq, step.Id, step.Name, owner = step.Owner.ToString(), step.Source, due = StoreTime.Format(due) }, tx).ConfigureAwait(false);
        return new CaseStep(seq, step.Id, step.Name, step.Owner.ToString(), due);
    }
}

/// <summary>A step as it stands in a case.</summary>
internal sealed record CaseStep(int Seq, string StepId, string Name, string OwnerRole, DateOnly Due);
