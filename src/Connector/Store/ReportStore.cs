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
