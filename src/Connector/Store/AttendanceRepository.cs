using Connector.Abstractions.Attendance;
using Connector.Polling;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Connector.Store;

/// <summary>Lessons and marks, upserted from a complete snapshot of a date window.</summary>
internal static class AttendanceRepository
{
    /// <summary>
    /// Stores the snapshot: lessons as listed, marks of lessons whose attendance was taken. A stored absence the
    /// journal no longer has, in a lesson the snapshot lists as taken, is marked vanishing, and becomes "present" once
    /// it stayed missing for <paramref name="confirmVanished"/>; a vanishing mark is neither notified nor corrected. Marks of pupils the
    /// roster does not know are left out. Returns how many marks changed.
    /// </summary>
    public static async Task<int> ApplyAsync(
        SqliteConnection db, SqliteTransaction tx, string schoolId, AttendanceSnapshot snapshot, Held held, DateTimeOffset now, TimeSpan confirmVanished)
    {
        var at = StoreTime.Format(now);
        await db.ExecuteAsync(
            """
            INSERT INTO lessons (school_id, class_name, date, lesson_no, subject, taken)
            VALUES (@schoolId, @ClassName, @Date, @Number, @Subject, @Taken)
            ON CONFLICT (school_id, class_name, date, lesson_no) DO UPDATE SET subject = excluded.subject, taken = excluded.taken
            """,
            snapshot.Lessons.Select(l => new { schoolId, l.ClassName, Date = StoreTime.Format(l.Date), l.Number, l.Subject, Taken = l.AttendanceTaken ? 1 : 0 }),
            tx).ConfigureAwait(false);

        var classOf = (await db.QueryAsync<(string PupilId, string ClassName)>(
                "SELECT pupil_id, class_name FROM pupils WHERE school_id = @schoolId", new { schoolId }, tx).ConfigureAwait(false))
            .ToDictionary(p => p.PupilId, p => p.ClassName, StringComparer.Ordinal);
        var taken = snapshot.Lessons.Where(l => l.AttendanceTaken).Select(l => (l.ClassName, l.Date, l.Number)).ToHashSet();

        var incoming = new Dictionary<(string, DateOnly, int), AttendanceMark>();
        foreach (var mark in snapshot.Marks)
        {
            if (classOf.TryGetValue(mark.PupilId, out var className) && taken.Contains((className, mark.Date, mark.LessonNumber)))
            {
                incoming[(mark.PupilId, mark.Date, mark.LessonNumber)] = mark;
            }
        }

        var stored = (await db.QueryAsync<StoredMark>(
                """
                SELECT pupil_id AS PupilId, date AS Date, lesson_no AS LessonNo, presence AS Presence, reason AS Reason, source_code AS SourceCode,
                    vanished_at AS VanishedAt
                FROM marks WHERE school_id = @schoolId AND date BETWEEN @from AND @to
                """,
                new { schoolId, from = StoreTime.Format(snapshot.From), to = StoreTime.Format(snapshot.To) }, tx).ConfigureAwait(false))
            .ToDictionary(m => (m.PupilId, StoreTime.ParseDate(m.Date), (int)m.LessonNo));

        var changes = new List<object>();
        var vanishing = new List<object>();
        foreach (var (key, mark) in incoming)
        {
            var (presence, reason, code) = (mark.Presence.ToString(), mark.Reason.ToString(), CanonicalMarks.Storable(mark.SourceCode));
            if (stored.TryGetValue(key, out var old) && old.Presence == presence && old.Reason == reason && old.SourceCode == code && old.VanishedAt is null) continue;
            changes.Add(new
            {
                schoolId, mark.PupilId, Date = StoreTime.Format(mark.Date), LessonNo = mark.LessonNumber, Presence = presence, Reason = reason,
                SourceCode = code, RecordedAt = mark.RecordedAt is { } r ? StoreTime.Format(r) : null, at,
            });
        }

        foreach (var (key, old) in stored)
        {
            var (pupilId, date, lessonNo) = key;
            if (incoming.ContainsKey(key) || old.Presence == nameof(Presence.Present)) continue;
            if (!classOf.TryGetValue(pupilId, out var className) || !taken.Contains((className, date, lessonNo))) continue;
            // A row about this pupil's day could not be read: it may be the mark itself, so nothing becomes present.
            if (held.Covers(pupilId, date)) continue;
            if (old.VanishedAt is null)
            {
                vanishing.Add(new { schoolId, PupilId = pupilId, Date = StoreTime.Format(date), LessonNo = lessonNo, at });
                continue;
            }

            if (now - StoreTime.ParseInstant(old.VanishedAt) < confirmVanished) continue;
            changes.Add(new
            {
                schoolId, PupilId = pupilId, Date = StoreTime.Format(date), LessonNo = lessonNo, Presence = nameof(Presence.Present),
                Reason = nameof(AbsenceReason.NoneRecorded), SourceCode = "", RecordedAt = (string?)null, at,
            });
        }

        await db.ExecuteAsync(
            """
            INSERT INTO marks (school_id, pupil_id, date, lesson_no, presence, reason, source_code, recorded_at, first_seen_at, changed_at)
            VALUES (@schoolId, @PupilId, @Date, @LessonNo, @Presence, @Reason, @SourceCode, @RecordedAt, @at, @at)
            ON CONFLICT (school_id, pupil_id, date, lesson_no) DO UPDATE SET presence = excluded.presence, reason = excluded.reason,
                source_code = excluded.source_code, recorded_at = excluded.recorded_at, changed_at = excluded.changed_at, vanished_at = NULL
            """,
            changes, tx).ConfigureAwait(false);
        await db.ExecuteAsync(
            "UPDATE marks SET vanished_at = @at WHERE school_id = @schoolId AND pupil_id = @PupilId AND date = @Date AND lesson_no = @LessonNo",
            vanishing, tx).ConfigureAwait(false);
        return changes.Count + vanishing.Count;
    }

    /// <summary>What the store holds for the window: lessons with attendance taken, and marks other than present of active pupils.</summary>
    public static async Task<StoredWindow> LoadWindowAsync(SqliteConnection db, SqliteTransaction tx, string schoolId, DateOnly from, DateOnly to)
    {
        var args = new { schoolId, from = StoreTime.Format(from), to = StoreTime.Format(to) };
        var lessons = (await db.QueryAsync<(string ClassName, string Date, long Number)>(
                "SELECT class_name, date, lesson_no FROM lessons WHERE school_id = @schoolId AND taken = 1 AND date BETWEEN @from AND @to", args, tx).ConfigureAwait(false))
            .Select(l => (l.ClassName, StoreTime.ParseDate(l.Date), (int)l.Number))
            .ToHashSet();
        var absences = (await db.QueryAsync<(string PupilId, string ClassName, string Date, long Number)>(
                """
                SELECT m.pupil_id, p.class_name, m.date, m.lesson_no FROM marks m
                JOIN pupils p ON p.school_id = m.school_id AND p.pupil_id = m.pupil_id AND p.active = 1
                WHERE m.school_id = @schoolId AND m.date BETWEEN @from AND @to AND m.presence <> 'Present'
                """, args, tx).ConfigureAwait(false))
            .Select(a => (a.PupilId, a.ClassName, StoreTime.ParseDate(a.Date), (int)a.Number))
            .ToList();
        return new StoredWindow(lessons, absences);
    }

    private sealed record StoredMark(string PupilId, string Date, long LessonNo, string Presence, string Reason, string SourceCode, string? VanishedAt);
}
