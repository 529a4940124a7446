using System.Data.Common;
using System.Globalization;
using Connector.Abstractions.Attendance;
using Connector.Absences;
using Dapper;

namespace Connector.Store;

/// <summary>
/// Absences, one a pupil-day: the days the same-day rule reads, the states its decisions leave, and which lessons
/// the guardians were told of.
/// </summary>
internal static class AbsenceStore
{
    /// <summary>The pupil-days of the window the rule can act on, with their stored state.</summary>
    public static async Task<IReadOnlyList<PupilDay>> LoadAsync(DbConnection db, DbTransaction tx, string schoolId, DateOnly from, DateOnly to)
    {
        var args = new { schoolId, from = StoreTime.Format(from), to = StoreTime.Format(to) };
        var marks = await db.QueryAsync<(string PupilId, string Date, long Lesson, string Subject, string Presence, string Reason)>(
            // Only the days the rule can act on: a mark other than present, or a decision already made. Every stored mark
            // of those days is read: the rule looks at the lessons missed and at the lessons it told of (a lesson told of
            // keeps its row when it turns present; a lesson with no stored mark was attended). CROSS JOIN keeps SQLite
            // reading the few days first, not every mark of the school.
            $"""
            WITH days AS (
                SELECT pupil_id, date FROM marks
                WHERE school_id = @schoolId AND date BETWEEN @from AND @to AND presence <> 'Present' AND vanished_at IS NULL
                UNION
                SELECT pupil_id, date FROM absences WHERE school_id = @schoolId AND date BETWEEN @from AND @to)
            SELECT m.pupil_id, m.date, m.lesson_no, l.subject, m.presence, m.reason
            FROM days d
            {SqlDialect.OrderedJoin(db)} marks m ON m.school_id = @schoolId AND m.pupil_id = d.pupil_id AND m.date = d.date
            JOIN pupils p ON p.school_id = m.school_id AND p.pupil_id = m.pupil_id AND p.active = 1
            JOIN lessons l ON l.school_id = m.school_id AND l.class_name = p.class_name AND l.date = m.date AND l.lesson_no = m.lesson_no AND l.taken = 1
            WHERE m.vanished_at IS NULL
            ORDER BY m.pupil_id, m.date, m.lesson_no
            """, args, tx).ConfigureAwait(false);
        var existing = (await db.QueryAsync<(string PupilId, string Date, string State, string? Lessons, string? Correction)>(
                "SELECT pupil_id, date, state, notified_lessons, correction FROM absences WHERE school_id = @schoolId AND date BETWEEN @from AND @to",
                args, tx).ConfigureAwait(false))
            .ToDictionary(
                a => (a.PupilId, a.Date),
                a => new AbsenceRecord(Enum.Parse<AbsenceState>(a.State, ignoreCase: true), ParseLessons(a.Lessons), a.Correction));

        var days = marks
            .GroupBy(m => (m.PupilId, m.Date))
            .Where(g => existing.ContainsKey(g.Key) || g.Any(m => m.Presence != nameof(Presence.Present)))
            .Select(g => new PupilDay(
                g.Key.PupilId,
                StoreTime.ParseDate(g.Key.Date),
                g.Select(m => new DayMark((int)m.Lesson, m.Subject, Enum.Parse<Presence>(m.Presence), Enum.Parse<AbsenceReason>(m.Reason))).ToList(),
                existing.GetValueOrDefault(g.Key)))
            .ToList();
        var seen = days.Select(d => (d.PupilId, StoreTime.Format(d.Date))).ToHashSet();
        days.AddRange(existing
            .Where(e => !seen.Contains(e.Key))
            .Select(e => new PupilDay(e.Key.PupilId, StoreTime.ParseDate(e.Key.Date), [], e.Value)));
        return days;
    }

    /// <summary>Opens the pupil-day (again, if it was explained).</summary>
    public static Task OpenAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId, DateOnly date, DateTimeOffset now) => db.ExecuteAsync(
        """
        INSERT INTO absences (school_id, pupil_id, date, state, first_seen_at) VALUES (@schoolId, @pupilId, @date, 'open', @at)
        ON CONFLICT (school_id, pupil_id, date) DO UPDATE SET state = 'open', explained_at = NULL
        """, new { schoolId, pupilId, date = StoreTime.Format(date), at = StoreTime.Format(now) }, tx);

    public static Task ExplainAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId, DateOnly date, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE absences SET state = 'explained', explained_at = @at WHERE school_id = @schoolId AND pupil_id = @pupilId AND date = @date",
        new { schoolId, pupilId, date = StoreTime.Format(date), at = StoreTime.Format(now) }, tx);

    public static Task CorrectAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId, DateOnly date, string correction, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE absences SET correction = @correction, corrected_at = @at WHERE school_id = @schoolId AND pupil_id = @pupilId AND date = @date",
        new { schoolId, pupilId, date = StoreTime.Format(date), at = StoreTime.Format(now), correction }, tx);

    /// <summary>The open absences of <paramref name="dates"/>, each with when it was first seen.</summary>
    public static async Task<IReadOnlyList<(string PupilId, DateOnly Date, DateTimeOffset FirstSeen)>> OpenOnAsync(DbConnection db, DbTransaction tx, string schoolId, IReadOnlyList<DateOnly> dates) =>
        (await db.QueryAsync<(string PupilId, string Date, string FirstSeen)>(
            $"SELECT pupil_id, date, first_seen_at FROM absences WHERE school_id = @schoolId AND state = 'open' AND date {SqlDialect.In(db, "dates")}",
            new { schoolId, dates = dates.Select(StoreTime.Format).ToList() }, tx).ConfigureAwait(false))
        .Select(r => (r.PupilId, StoreTime.ParseDate(r.Date), StoreTime.ParseInstant(r.FirstSeen)))
        .ToList();

    /// <summary>Adds <paramref name="lessons"/> to the lessons the guardians of the pupil were told of that day.</summary>
    public static async Task MarkNotifiedAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId, DateOnly date, IEnumerable<int> lessons, DateTimeOffset now)
    {
        var previous = await db.ExecuteScalarAsync<string?>(
            "SELECT notified_lessons FROM absences WHERE school_id = @schoolId AND pupil_id = @pupilId AND date = @date",
            new { schoolId, pupilId, date = StoreTime.Format(date) }, tx).ConfigureAwait(false);
        var merged = ParseLessons(previous).Concat(lessons).Distinct().Order();
        await db.ExecuteAsync(
            """
            UPDATE absences SET state = 'notified', notified_at = COALESCE(notified_at, @at), notified_lessons = @lessons
            WHERE school_id = @schoolId AND pupil_id = @pupilId AND date = @date
            """,
            new { schoolId, pupilId, date = StoreTime.Format(date), at = StoreTime.Format(now), lessons = string.Join(',', merged) }, tx).ConfigureAwait(false);
    }

    /// <summary>The lessons each pupil missed that day without a valid reason.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<int>>> UnexcusedLessonsAsync(DbConnection db, DbTransaction tx, string schoolId, DateOnly date, IEnumerable<string> pupilIds)
    {
        var result = new Dictionary<string, IReadOnlyList<int>>();
        foreach (var pupilId in pupilIds)
        {
            result[pupilId] = (await db.QueryAsync<long>(
                    "SELECT lesson_no FROM marks WHERE school_id = @schoolId AND pupil_id = @pupilId AND date = @date AND presence = 'Absent' AND reason IN ('NoneRecorded', 'Unexcused') ORDER BY lesson_no",
                    new { schoolId, pupilId, date = StoreTime.Format(date) }, tx).ConfigureAwait(false))
                .Select(l => (int)l).ToList();
        }

        return result;
    }

    private static IReadOnlyList<int> ParseLessons(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
}
