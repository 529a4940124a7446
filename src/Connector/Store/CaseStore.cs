using System.Data.Common;
using Connector.Abstractions.Schools;
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

    /// <summary>Opens a case on a staff member's representation: no breach behind it, the representation kept with who made it.</summary>
    public static Task<long> OpenOnRepresentationAsync(
        DbConnection db, DbTransaction tx, string schoolId, string pupilId, string profileId, string levelId, string representation, string by, DateOnly today, DateTimeOffset now) =>
        db.ExecuteScalarAsync<long>(
            """
            INSERT INTO cases (school_id, pupil_id, profile_id, level_id, breach_id, opened_at, opened_on, state, representation, represented_by)
            VALUES (@schoolId, @pupilId, @profileId, @levelId, NULL, @at, @today, 'open', @representation, @by) RETURNING id
            """,
            new { schoolId, pupilId, profileId, levelId, representation, by, at = StoreTime.Format(now), today = StoreTime.Format(today) },
            tx);

    /// <summary>Records a step that was done when it was added (a representation that opened the case).</summary>
    public static Task AddDoneStepAsync(DbConnection db, DbTransaction tx, long caseId, int seq, LadderStep step, string source, string outcome, string by, DateOnly on, DateTimeOffset now) =>
        db.ExecuteAsync(
            """
            INSERT INTO case_steps (case_id, seq, step_id, name, owner_role, source, due_on, state, outcome, recorded_at, recorded_by)
            VALUES (@caseId, @seq, @stepId, @name, @owner, @source, @due, 'done', @outcome, @at, @by)
            """,
            new { caseId, seq, stepId = step.Id, name = step.Name, owner = step.Owner.ToString(), source, due = StoreTime.Format(on), outcome, by, at = StoreTime.Format(now) }, tx);

    /// <summary>Whether the pupil is one the store knows as studying at the school.</summary>
    public static async Task<bool> IsStudyingAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId) =>
        await db.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM pupils WHERE school_id = @schoolId AND pupil_id = @pupilId AND active = 1", new { schoolId, pupilId }, tx)
            .ConfigureAwait(false) > 0;

    public static Task CloseAsync(DbConnection db, DbTransaction tx, long caseId, string reason, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE cases SET state = 'closed', closed_at = @at, closed_reason = @reason WHERE id = @caseId AND state = 'open'",
        new { caseId, reason, at = StoreTime.Format(now) }, tx);

    /// <summary>Adds a pending step to the case.</summary>
    public static Task AddStepAsync(DbConnection db, DbTransaction tx, long caseId, int seq, string stepId, string name, StaffRole owner, string source, DateOnly due) => db.ExecuteAsync(
        """
        INSERT INTO case_steps (case_id, seq, step_id, name, owner_role, source, due_on, state)
        VALUES (@caseId, @seq, @stepId, @name, @owner, @source, @due, 'pending')
        """,
        new { caseId, seq, stepId, name, owner = owner.ToString(), source, due = StoreTime.Format(due) }, tx);

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

    /// <summary>The school's cases (open ones only unless <paramref name="all"/>), each with its pending step, by due date.</summary>
    public static async Task<IReadOnlyList<CaseView>> ListAsync(DbConnection db, string schoolId, bool all) =>
        (await db.QueryAsync<CaseRow>($"{CaseRow.Select} WHERE c.school_id = @schoolId {(all ? "" : "AND c.state = 'open'")} ORDER BY s.due_on, c.id",
            new { schoolId }).ConfigureAwait(false)).Select(r => r.View()).ToList();

    public static async Task<CaseView?> GetAsync(DbConnection db, string schoolId, long caseId) =>
        (await db.QueryFirstOrDefaultAsync<CaseRow>($"{CaseRow.Select} WHERE c.school_id = @schoolId AND c.id = @caseId", new { schoolId, caseId }).ConfigureAwait(false))?.View();

    /// <summary>The breach the case was opened for, with the share it fell to if it was dropped since.</summary>
    /// <remarks>Null for a case opened on a representation.</remarks>
    public static async Task<(string Period, double Share, long Missed, long Scheduled, bool Dropped, double? DroppedShare)?> BreachOfAsync(DbConnection db, long caseId) =>
        await db.QuerySingleOrDefaultAsync<(string Period, double Share, long Missed, long Scheduled, string? DroppedAt, double? DroppedShare)?>(
            "SELECT period_name, share, missed, scheduled, dropped_at, dropped_share FROM breaches WHERE id = (SELECT breach_id FROM cases WHERE id = @caseId)",
            new { caseId }).ConfigureAwait(false) is { } b
            ? (b.Period, b.Share, b.Missed, b.Scheduled, b.DroppedAt is not null, b.DroppedShare)
            : null;

    /// <summary>Every step of the case, in order.</summary>
    public static async Task<IReadOnlyList<(int Seq, string Name, string Owner, DateOnly Due, StepState State, string? Outcome, string? By, string Source)>> StepsAsync(DbConnection db, long caseId) =>
        (await db.QueryAsync<(long Seq, string Name, string Owner, string Due, string State, string? Outcome, string? By, string Source)>(
            "SELECT seq, name, owner_role, due_on, state, outcome, recorded_by, source FROM case_steps WHERE case_id = @caseId ORDER BY seq", new { caseId }).ConfigureAwait(false))
        .Select(s => ((int)s.Seq, s.Name, s.Owner, StoreTime.ParseDate(s.Due), Enum.Parse<StepState>(s.State, ignoreCase: true), s.Outcome, s.By, s.Source))
        .ToList();

    private sealed record CaseRow(long Id, string PupilId, string FullName, string ClassName, string LevelId, string State, string OpenedOn, string? ClosedReason,
        string? StepId, string? StepName, string? OwnerRole, string? DueOn, string? Representation, string? RepresentedBy)
    {
        public const string Select = """
            SELECT c.id AS Id, c.pupil_id AS PupilId, p.full_name AS FullName, p.class_name AS ClassName, c.level_id AS LevelId, c.state AS State,
                   c.opened_on AS OpenedOn, c.closed_reason AS ClosedReason, s.step_id AS StepId, s.name AS StepName, s.owner_role AS OwnerRole, s.due_on AS DueOn,
                   c.representation AS Representation, c.represented_by AS RepresentedBy
            FROM cases c
            JOIN pupils p ON p.school_id = c.school_id AND p.pupil_id = c.pupil_id
            LEFT JOIN case_steps s ON s.case_id = c.id AND s.state = 'pending'
            """;

        public CaseView View() => new(Id, PupilId, FullName, ClassName, LevelId, State == "open", StoreTime.ParseDate(OpenedOn), ClosedReason, StepId, StepName, OwnerRole,
            DueOn is null ? null : StoreTime.ParseDate(DueOn), Representation, RepresentedBy);
    }
}

/// <summary>Where a step of a case stands.</summary>
internal enum StepState
{
    Pending,
    Done,

    /// <summary>Set aside: the pupil was proposed for deregistration instead.</summary>
    Superseded,
}

/// <summary>A case as staff see it: the pupil, the level, whether it is open, and its pending step if any.</summary>
internal sealed record CaseView(long Id, string PupilId, string FullName, string ClassName, string LevelId, bool Open, DateOnly OpenedOn, string? ClosedReason,
    string? StepId, string? StepName, string? OwnerRole, DateOnly? DueOn, string? Representation, string? RepresentedBy);
