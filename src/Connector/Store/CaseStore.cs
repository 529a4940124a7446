using System.Data.Common;
using Connector.Escalation;
using Connector.Thresholds;
using Dapper;

namespace Connector.Store;

/// <summary>Escalation cases and their steps.</summary>
internal static class CaseStore
{
    /// <summary>The pupil's open cases: id and level.</summary>
    public static async Task<IReadOnlyList<(long Id, string LevelId)>> OpenOfPupilAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId) =>
        (await db.QueryAsync<(long Id, string LevelId)>(
            "SELECT id, level_id FROM cases WHERE school_id = @schoolId AND pupil_id = @pupilId AND state = 'open'",
            new { schoolId, pupilId }, tx).ConfigureAwait(false)).ToList();

    public static Task<long> OpenAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId, string profileId, string levelId, long breachId, DateOnly today, DateTimeOffset now) =>
        db.ExecuteScalarAsync<long>(
            """
            INSERT INTO cases (school_id, pupil_id, profile_id, level_id, breach_id, opened_at, opened_on, state)
            VALUES (@schoolId, @pupilId, @profileId, @levelId, @breachId, @at, @today, 'open') RETURNING id
            """,
            new { schoolId, pupilId, profileId, levelId, breachId, at = StoreTime.Format(now), today = StoreTime.Format(today) },
            tx);

    public static Task CloseAsync(DbConnection db, DbTransaction tx, long caseId, string reason, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE cases SET state = 'closed', closed_at = @at, closed_reason = @reason WHERE id = @caseId AND state = 'open'",
        new { caseId, reason, at = StoreTime.Format(now) }, tx);

    /// <summary>Adds a pending step to the case.</summary>
    public static Task AddStepAsync(DbConnection db, DbTransaction tx, long caseId, int seq, string stepId, string name, LadderStep step, DateOnly due) => db.ExecuteAsync(
        """
        INSERT INTO case_steps (case_id, seq, step_id, name, owner_role, source, due_on, state)
        VALUES (@caseId, @seq, @stepId, @name, @owner, @source, @due, 'pending')
        """,
        new { caseId, seq, stepId, name, owner = step.Owner.ToString(), source = step.Source, due = StoreTime.Format(due) }, tx);

    /// <summary>
    /// The school's open cases not yet at <paramref name="stepId"/>, each with when it was opened, whether its pupil
    /// still studies here, and the pupil's birth date where the journal gives it.
    /// </summary>
    public static async Task<IReadOnlyList<(long Id, string PupilId, DateOnly OpenedOn, bool Studying, DateOnly? BirthDate)>> OpenNotAtStepAsync(
        DbConnection db, DbTransaction tx, string schoolId, string stepId) =>
        (await db.QueryAsync<(long Id, string PupilId, string OpenedOn, long Studying, string? BirthDate)>(
            """
            SELECT c.id, c.pupil_id, c.opened_on, COALESCE(p.active, 0), p.birth_date FROM cases c
            LEFT JOIN pupils p ON p.school_id = c.school_id AND p.pupil_id = c.pupil_id
            WHERE c.school_id = @schoolId AND c.state = 'open'
                AND NOT EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND s.step_id = @stepId AND s.state = 'pending')
            """,
            new { schoolId, stepId }, tx).ConfigureAwait(false))
        .Select(c => (c.Id, c.PupilId, StoreTime.ParseDate(c.OpenedOn), c.Studying == 1, c.BirthDate is null ? (DateOnly?)null : StoreTime.ParseDate(c.BirthDate)))
        .ToList();

    /// <summary>The last day the pupil missed a lesson without a valid reason, as the journal has it now.</summary>
    public static async Task<DateOnly?> LastUnexcusedAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId) =>
        await db.ExecuteScalarAsync<string?>(
            """
            SELECT MAX(date) FROM marks WHERE school_id = @schoolId AND pupil_id = @pupilId AND presence = 'Absent'
                AND reason IN ('NoneRecorded', 'Unexcused') AND vanished_at IS NULL
            """,
            new { schoolId, pupilId }, tx).ConfigureAwait(false) is { } last ? StoreTime.ParseDate(last) : null;

    /// <summary>Sets the case's pending step aside for another; returns the seq the new step takes.</summary>
    public static async Task<int> SupersedePendingAsync(DbConnection db, DbTransaction tx, long caseId)
    {
        await db.ExecuteAsync("UPDATE case_steps SET state = 'superseded' WHERE case_id = @caseId AND state = 'pending'", new { caseId }, tx).ConfigureAwait(false);
        return (int)await db.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(seq), -1) + 1 FROM case_steps WHERE case_id = @caseId", new { caseId }, tx).ConfigureAwait(false);
    }

    /// <summary>The case's level and its pending step.</summary>
    public static async Task<(string LevelId, int Seq, string StepId)> PendingStepAsync(DbConnection db, DbTransaction tx, long caseId)
    {
        var (levelId, seq, stepId) = await db.QuerySingleAsync<(string, long, string)>(
            "SELECT c.level_id, s.seq, s.step_id FROM cases c JOIN case_steps s ON s.case_id = c.id AND s.state = 'pending' WHERE c.id = @caseId",
            new { caseId }, tx).ConfigureAwait(false);
        return (levelId, (int)seq, stepId);
    }

    public static Task MarkStepDoneAsync(DbConnection db, DbTransaction tx, long caseId, int seq, string outcome, string by, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE case_steps SET state = 'done', outcome = @outcome, recorded_at = @at, recorded_by = @by WHERE case_id = @caseId AND seq = @seq",
        new { caseId, seq, outcome, by, at = StoreTime.Format(now) }, tx);
}
