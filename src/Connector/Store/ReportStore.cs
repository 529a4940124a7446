using System.Data.Common;
using Dapper;

namespace Connector.Store;

/// <summary>What the periodic reports read beyond the counts (<see cref="BreachStore.CountAsync"/>): the pupils, the reasons, the steps taken.</summary>
internal static class ReportStore
{
    /// <summary>Every pupil of the school the store knows, by id.</summary>
    public static async Task<IReadOnlyDictionary<string, ReportPupil>> PupilsAsync(DbConnection db, string schoolId) =>
        (await db.QueryAsync<(string Id, string FullName, string ClassName, long Grade, string? BirthDate)>(
            "SELECT pupil_id, full_name, class_name, grade, birth_date FROM pupils WHERE school_id = @schoolId",
            new { schoolId }).ConfigureAwait(false))
        .ToDictionary(p => p.Id, p => new ReportPupil(p.Id, p.FullName, p.ClassName, (int)p.Grade, p.BirthDate is null ? null : StoreTime.ParseDate(p.BirthDate)));

    /// <summary>The pupils that ever reached <paramref name="levelId"/>.</summary>
    public static async Task<IReadOnlySet<string>> EverAtLevelAsync(DbConnection db, string schoolId, string levelId) =>
        (await db.QueryAsync<string>(
            "SELECT DISTINCT pupil_id FROM breaches WHERE school_id = @schoolId AND level_id = @levelId", new { schoolId, levelId }).ConfigureAwait(false)).ToHashSet();

    /// <summary>The pupil's lessons missed in the period with no reason recorded, and those marked unexcused.</summary>
    public static async Task<(int NoReason, int Unexcused)> ReasonsAsync(DbConnection db, string schoolId, string pupilId, DateOnly from, DateOnly to)
    {
        var rows = (await db.QueryAsync<(string Reason, long Count)>(
            """
            SELECT m.reason, COUNT(*) FROM marks m
            JOIN pupils p ON p.school_id = m.school_id AND p.pupil_id = m.pupil_id
            JOIN lessons l ON l.school_id = m.school_id AND l.class_name = p.class_name AND l.date = m.date AND l.lesson_no = m.lesson_no AND l.taken = 1
            WHERE m.school_id = @schoolId AND m.pupil_id = @pupilId AND m.date BETWEEN @from AND @to AND m.presence = 'Absent'
            GROUP BY m.reason
            """, new { schoolId, pupilId, from = StoreTime.Format(from), to = StoreTime.Format(to) }).ConfigureAwait(false)).ToDictionary(r => r.Reason, r => (int)r.Count);
        return (rows.GetValueOrDefault("NoneRecorded"), rows.GetValueOrDefault("Unexcused"));
    }

    /// <summary>
    /// The causes staff recorded for the pupil's absences: the outcomes of the steps that find the reason
    /// (<c>find-reason</c>, <c>needs</c>), newest last.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RecordedCausesAsync(DbConnection db, string schoolId, string pupilId) =>
        (await db.QueryAsync<string>(
            """
            SELECT s.outcome FROM case_steps s JOIN cases c ON c.id = s.case_id
            WHERE c.school_id = @schoolId AND c.pupil_id = @pupilId AND s.state = 'done' AND s.step_id IN ('find-reason', 'needs') AND s.outcome IS NOT NULL
            ORDER BY s.recorded_at
            """, new { schoolId, pupilId }).ConfigureAwait(false)).ToList();

    /// <summary>
    /// The first school day from which the pupil attended no lesson of their class up to <paramref name="to"/>
    /// (from <paramref name="from"/> when they attended none at all); null when they attended the last lesson.
    /// </summary>
    public static async Task<DateOnly?> NotAttendingSinceAsync(DbConnection db, string schoolId, string pupilId, string className, DateOnly from, DateOnly to) =>
        await db.ExecuteScalarAsync<string?>(
            """
            SELECT MIN(l.date) FROM lessons l
            WHERE l.school_id = @schoolId AND l.class_name = @className AND l.taken = 1 AND l.date BETWEEN @from AND @to
                AND l.date > COALESCE((
                    SELECT MAX(a.date) FROM lessons a
                    LEFT JOIN marks m ON m.school_id = a.school_id AND m.pupil_id = @pupilId AND m.date = a.date AND m.lesson_no = a.lesson_no
                    WHERE a.school_id = @schoolId AND a.class_name = @className AND a.taken = 1 AND a.date BETWEEN @from AND @to
                        AND (m.presence IS NULL OR m.presence IN ('Present', 'Late'))), '')
            """, new { schoolId, pupilId, className, from = StoreTime.Format(from), to = StoreTime.Format(to) }).ConfigureAwait(false) is { } date
            ? StoreTime.ParseDate(date)
            : null;

    /// <summary>The pupils of the school's open cases of <paramref name="levelId"/>, and whether each case's step <paramref name="stepId"/> was done.</summary>
    public static async Task<IReadOnlyList<(string PupilId, bool StepDone)>> OpenCasesAsync(DbConnection db, string schoolId, string levelId, string stepId) =>
        (await db.QueryAsync<(string PupilId, long Done)>(
            """
            SELECT c.pupil_id, (SELECT COUNT(*) FROM case_steps s WHERE s.case_id = c.id AND s.step_id = @stepId AND s.state = 'done')
            FROM cases c WHERE c.school_id = @schoolId AND c.level_id = @levelId AND c.state = 'open'
            """, new { schoolId, levelId, stepId }).ConfigureAwait(false))
        .Select(r => (r.PupilId, r.Done > 0))
        .ToList();

    /// <summary>The pupils whose case had step <paramref name="stepId"/> done between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public static async Task<IReadOnlySet<string>> StepDoneAsync(DbConnection db, string schoolId, string stepId, DateTimeOffset from, DateTimeOffset to) =>
        (await db.QueryAsync<string>(
            """
            SELECT DISTINCT c.pupil_id FROM case_steps s JOIN cases c ON c.id = s.case_id
            WHERE c.school_id = @schoolId AND s.step_id = @stepId AND s.state = 'done' AND s.recorded_at >= @from AND s.recorded_at < @to
            """, new { schoolId, stepId, from = StoreTime.Format(from), to = StoreTime.Format(to) }).ConfigureAwait(false)).ToHashSet();

    /// <summary>The steps of the pupil's cases, case by case, in order.</summary>
    public static async Task<IReadOnlyList<ReportStep>> StepsOfPupilAsync(DbConnection db, string schoolId, string pupilId) =>
        (await db.QueryAsync<(string Name, string? Outcome, string Due, string State)>(
            """
            SELECT s.name, s.outcome, s.due_on, s.state FROM case_steps s JOIN cases c ON c.id = s.case_id
            WHERE c.school_id = @schoolId AND c.pupil_id = @pupilId ORDER BY c.id, s.seq
            """, new { schoolId, pupilId }).ConfigureAwait(false))
        .Select(s => new ReportStep(s.Name, s.Outcome, StoreTime.ParseDate(s.Due), s.State == "done", s.State == "pending"))
        .ToList();
}

/// <summary>A pupil as a report names them.</summary>
internal sealed record ReportPupil(string Id, string FullName, string ClassName, int Grade, DateOnly? BirthDate);

/// <summary>A step of a case as a report lists it.</summary>
internal sealed record ReportStep(string Name, string? Outcome, DateOnly Due, bool Done, bool Pending);
