using System.Data.Common;
using Connector.Abstractions.Attendance;
using Dapper;

namespace Connector.Store;

/// <summary>What a guardian's message is composed from, read just before it is sent.</summary>
internal static class NoticeStore
{
    /// <summary>
    /// The guardian's children still absent on <paramref name="date"/> without a valid reason, a row a missed lesson,
    /// by name and lesson; only <paramref name="onlyPupilId"/> when given.
    /// </summary>
    public static async Task<List<(string PupilId, string FullName, string ClassName, long Lesson, string Subject, string Reason)>> AbsentChildrenAsync(
        DbConnection db, DbTransaction tx, string schoolId, string guardianId, DateOnly date, string? onlyPupilId) =>
        // The order is fixed (CROSS JOIN, the guardian's index): left to itself SQLite read every mark of the day
        // through ix_marks_date, 2 ms a notice for a school of 1,000 pupils instead of 0.02.
        (await db.QueryAsync<(string PupilId, string FullName, string ClassName, long Lesson, string Subject, string Reason)>(
            $"""
            SELECT p.pupil_id, p.full_name, p.class_name, m.lesson_no, l.subject, m.reason
            FROM pupil_guardians pg {SqlDialect.IndexedBy(db, "ix_pupil_guardians_guardian")}
            {SqlDialect.OrderedJoin(db)} pupils p ON p.school_id = pg.school_id AND p.pupil_id = pg.pupil_id AND p.active = 1
            {SqlDialect.OrderedJoin(db)} absences a ON a.school_id = p.school_id AND a.pupil_id = p.pupil_id AND a.date = @date AND a.state IN ('open', 'notified')
            {SqlDialect.OrderedJoin(db)} marks m ON m.school_id = p.school_id AND m.pupil_id = p.pupil_id AND m.date = @date AND m.presence = @absent AND m.reason IN (@none, @unexcused) AND m.vanished_at IS NULL
            {SqlDialect.OrderedJoin(db)} lessons l ON l.school_id = p.school_id AND l.class_name = p.class_name AND l.date = m.date AND l.lesson_no = m.lesson_no AND l.taken = 1
            WHERE pg.school_id = @schoolId AND pg.guardian_id = @guardianId AND (@onlyPupilId IS NULL OR p.pupil_id = @onlyPupilId)
            ORDER BY p.full_name, m.lesson_no
            """,
            new
            {
                schoolId, guardianId, date = StoreTime.Format(date), onlyPupilId,
                absent = nameof(Presence.Absent), none = nameof(AbsenceReason.NoneRecorded), unexcused = nameof(AbsenceReason.Unexcused),
            }, tx).ConfigureAwait(false)).ToList();

    /// <summary>The lessons of the pupil's class the pupil missed without a valid reason from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static Task<int> MissedSinceAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId, string className, DateOnly from, DateOnly to) =>
        db.ExecuteScalarAsync<int>(
            """
            SELECT COUNT(*) FROM marks m
            JOIN lessons l ON l.school_id = m.school_id AND l.class_name = @className AND l.date = m.date AND l.lesson_no = m.lesson_no AND l.taken = 1
            WHERE m.school_id = @schoolId AND m.pupil_id = @pupilId AND m.date BETWEEN @from AND @to
                AND m.presence = @absent AND m.reason IN (@none, @unexcused)
            """,
            new
            {
                schoolId, pupilId, className, from = StoreTime.Format(from), to = StoreTime.Format(to),
                absent = nameof(Presence.Absent), none = nameof(AbsenceReason.NoneRecorded), unexcused = nameof(AbsenceReason.Unexcused),
            }, tx);

    /// <summary>The pupil's correction of <paramref name="date"/>, if the absence still has one.</summary>
    public static async Task<List<(string PupilId, string FullName, string ClassName, string Correction)>> CorrectionsAsync(
        DbConnection db, DbTransaction tx, string schoolId, DateOnly date, string? onlyPupilId) =>
        (await db.QueryAsync<(string PupilId, string FullName, string ClassName, string Correction)>(
            """
            SELECT p.pupil_id, p.full_name, p.class_name, a.correction FROM absences a
            JOIN pupils p ON p.school_id = a.school_id AND p.pupil_id = a.pupil_id
            WHERE a.school_id = @schoolId AND a.date = @date AND a.pupil_id = @onlyPupilId AND a.correction IS NOT NULL
            """, new { schoolId, date = StoreTime.Format(date), onlyPupilId }, tx).ConfigureAwait(false)).ToList();
}
