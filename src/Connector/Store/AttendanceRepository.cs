using System.Data.Common;
using Connector.Abstractions.Attendance;
using Connector.Polling;
using Dapper;
using System.Data;

namespace Connector.Store;

/// <summary>Lessons and marks, upserted from a complete snapshot of a date window.</summary>
internal static class AttendanceRepository
{
    /// <summary>
    /// Stores the snapshot: lessons as listed, marks of lessons whose attendance was taken. A pupil of a taken lesson with
    /// no stored mark attended it: a present mark is stored only over a mark that was something else (an absence
    /// turned present keeps its row, so a correction finds it), never on its own (most marks, and a first poll's
    /// whole window, are present). A stored absence the
    /// journal no longer has goes as <see cref="Absences.VanishedMarkRule"/> says, confirmed after <paramref name="confirmVanished"/>.
    /// Marks of pupils the roster does not know are left out. Returns how many marks and lessons changed.
    /// </summary>
    /// <remarks>
    /// A poll costs what changed: each lesson keeps a hash of the marks it was last stored with (pupil, presence,
    /// reason, code, over the pupils the roster places in its class) and of who those pupils are. Only lessons whose subject, taken flag or hash
    /// differ, and lessons with a mark still vanishing, are compared mark by mark, and only their dates' stored marks
    /// are read. While a row of the read is held, the hashes are not kept, so the next poll compares those lessons again.
    /// <paramref name="compareEveryLesson"/> compares every lesson as before the hashes: the tests' reference.
    /// </remarks>
    public static async Task<(int Marks, int Lessons)> ApplyAsync(
        DbConnection db, DbTransaction tx, string schoolId, AttendanceSnapshot snapshot, Held held, DateTimeOffset now, TimeSpan confirmVanished,
        bool compareEveryLesson = false)
    {
        var at = StoreTime.Format(now);
        var window = new { schoolId, from = StoreTime.Format(snapshot.From), to = StoreTime.Format(snapshot.To) };
        var classOf = (await db.QueryAsync<(string PupilId, string ClassName)>(
                "SELECT pupil_id, class_name FROM pupils WHERE school_id = @schoolId", new { schoolId }, tx).ConfigureAwait(false))
            .ToDictionary(p => p.PupilId, p => p.ClassName, StringComparer.Ordinal);
        var taken = snapshot.Lessons.Where(l => l.AttendanceTaken).Select(l => (l.ClassName, l.Date, l.Number)).ToHashSet();

        var incoming = new Dictionary<(string, DateOnly, int), AttendanceMark>();
        var byLesson = new Dictionary<(string, DateOnly, int), List<AttendanceMark>>();
        foreach (var mark in snapshot.Marks)
        {
            if (classOf.TryGetValue(mark.PupilId, out var className) && taken.Contains((className, mark.Date, mark.LessonNumber)))
            {
                incoming[(mark.PupilId, mark.Date, mark.LessonNumber)] = mark;
            }
        }

        foreach (var mark in incoming.Values)
        {
            var lesson = (classOf[mark.PupilId], mark.Date, mark.LessonNumber);
            if (!byLesson.TryGetValue(lesson, out var list)) byLesson[lesson] = list = [];
            list.Add(mark);
        }

        var storedLessons = (await db.QueryAsync<(string ClassName, string Date, long Number, string Subject, long Taken, string? MarksHash)>(
                "SELECT class_name, date, lesson_no, subject, taken, marks_hash FROM lessons WHERE school_id = @schoolId AND date BETWEEN @from AND @to",
                window, tx).ConfigureAwait(false))
            .ToDictionary(l => (l.ClassName, StoreTime.ParseDate(l.Date), (int)l.Number));
        // Who the roster places in each class is part of each of its lessons' hash: a pupil moved into a class brings
        // stored marks into its lessons that their marks alone would not show.
        var members = classOf.GroupBy(p => p.Value, p => p.Key)
            .ToDictionary(g => g.Key, g => string.Join(',', g.Order(StringComparer.Ordinal)), StringComparer.Ordinal);
        var keepHashes = held.Count == 0;
        var lessonRows = new List<(Lesson Lesson, string? MarksHash)>();
        var changed = new HashSet<(string, DateOnly, int)>();
        foreach (var lesson in snapshot.Lessons)
        {
            var key = (lesson.ClassName, lesson.Date, lesson.Number);
            var hash = MarksHash(members.GetValueOrDefault(lesson.ClassName, ""), lesson.AttendanceTaken && byLesson.TryGetValue(key, out var marks) ? marks : []);
            if (storedLessons.TryGetValue(key, out var old) && old.Subject == lesson.Subject && old.Taken == (lesson.AttendanceTaken ? 1 : 0) && old.MarksHash == hash)
            {
                if (compareEveryLesson) changed.Add(key);
                continue;
            }

            changed.Add(key);
            lessonRows.Add((lesson, keepHashes ? hash : null));
        }

        // A mark still vanishing is looked at again at every poll, until it is confirmed or comes back.
        foreach (var (className, date, number) in await db.QueryAsync<(string, string, long)>(
                     """
                     SELECT p.class_name, m.date, m.lesson_no FROM marks m JOIN pupils p ON p.school_id = m.school_id AND p.pupil_id = m.pupil_id
                     WHERE m.school_id = @schoolId AND m.date BETWEEN @from AND @to AND m.vanished_at IS NOT NULL
                     """, window, tx).ConfigureAwait(false))
        {
            changed.Add((className, StoreTime.ParseDate(date), (int)number));
        }

        await WriteLessonsAsync(db, tx, schoolId, lessonRows).ConfigureAwait(false);
        if (changed.Count == 0) return (0, lessonRows.Count);

        bool InChanged(string pupilId, DateOnly date, int lessonNo) => classOf.TryGetValue(pupilId, out var c) && changed.Contains((c, date, lessonNo));
        var stored = new Dictionary<(string, DateOnly, int), StoredMark>();
        foreach (var date in changed.Select(c => c.Item2).Distinct())
        {
            foreach (var mark in await db.QueryAsync<StoredMark>(
                         """
                         SELECT pupil_id AS PupilId, date AS Date, lesson_no AS LessonNo, presence AS Presence, reason AS Reason, source_code AS SourceCode,
                             vanished_at AS VanishedAt
                         FROM marks WHERE school_id = @schoolId AND date = @date
                         """, new { schoolId, date = StoreTime.Format(date) }, tx).ConfigureAwait(false))
            {
                if (InChanged(mark.PupilId, date, (int)mark.LessonNo)) stored[(mark.PupilId, date, (int)mark.LessonNo)] = mark;
            }
        }

        var changes = new List<MarkRow>();
        var vanishing = new List<object>();
        foreach (var (key, mark) in incoming)
        {
            if (!changed.Contains((classOf[mark.PupilId], mark.Date, mark.LessonNumber))) continue;
            var (presence, reason, code) = (mark.Presence.ToString(), mark.Reason.ToString(), CanonicalMarks.Storable(mark.SourceCode));
            if (stored.TryGetValue(key, out var old))
            {
                if (old.Presence == presence && old.Reason == reason && old.SourceCode == code && old.VanishedAt is null) continue;
            }
            else if (mark.Presence == Presence.Present)
            {
                continue; // a lesson taken with no stored mark is attended: only marks other than present are kept, and what they became
            }

            changes.Add(new MarkRow(mark.PupilId, StoreTime.Format(mark.Date), mark.LessonNumber, presence, reason, code,
                mark.RecordedAt is { } r ? StoreTime.Format(r) : null));
        }

        foreach (var (key, old) in stored)
        {
            var (pupilId, date, lessonNo) = key;
            var verdict = Absences.VanishedMarkRule.Decide(
                incoming.ContainsKey(key), old.Presence == nameof(Presence.Present), taken.Contains((classOf[pupilId], date, lessonNo)), held.Covers(pupilId, date),
                old.VanishedAt is null ? null : StoreTime.ParseInstant(old.VanishedAt), now, confirmVanished);
            if (verdict == Absences.VanishedMarkRule.Verdict.StartVanishing)
            {
                vanishing.Add(new { schoolId, PupilId = pupilId, Date = StoreTime.Format(date), LessonNo = lessonNo, at });
            }
            else if (verdict == Absences.VanishedMarkRule.Verdict.BecomePresent)
            {
                changes.Add(new MarkRow(pupilId, StoreTime.Format(date), lessonNo, nameof(Presence.Present), nameof(AbsenceReason.NoneRecorded), "", null));
            }
        }

        await WriteMarksAsync(db, tx, schoolId, at, changes).ConfigureAwait(false);
        await db.ExecuteAsync(
            "UPDATE marks SET vanished_at = @at WHERE school_id = @schoolId AND pupil_id = @PupilId AND date = @Date AND lesson_no = @LessonNo",
            vanishing, tx).ConfigureAwait(false);
        return (changes.Count + vanishing.Count, lessonRows.Count);
    }

    /// <summary>The lessons new or changed, written by one prepared statement (a first poll writes a window's lessons: well over a thousand a school).</summary>
    private static async Task WriteLessonsAsync(DbConnection db, DbTransaction tx, string schoolId, List<(Lesson Lesson, string? MarksHash)> rows)
    {
        if (rows.Count == 0) return;
        await using var write = PreparedRows.Prepare(db, tx,
            """
            INSERT INTO lessons (school_id, class_name, date, lesson_no, subject, taken, marks_hash)
            VALUES (@school, @class, @date, @lesson, @subject, @taken, @hash)
            ON CONFLICT (school_id, class_name, date, lesson_no) DO UPDATE SET subject = excluded.subject, taken = excluded.taken, marks_hash = excluded.marks_hash
            """,
            ("@school", DbType.String), ("@class", DbType.String), ("@date", DbType.String), ("@lesson", DbType.Int64), ("@subject", DbType.String),
            ("@taken", DbType.Int64), ("@hash", DbType.String));
        write[0].Value = schoolId;
        foreach (var (lesson, hash) in rows)
        {
            (write[1].Value, write[2].Value, write[3].Value, write[4].Value, write[5].Value) =
                (lesson.ClassName, StoreTime.Format(lesson.Date), (long)lesson.Number, lesson.Subject, lesson.AttendanceTaken ? 1L : 0L);
            write[6].Value = (object?)hash ?? DBNull.Value;
            write.Run();
        }
    }

    /// <summary>The changed marks, written by one prepared statement (a first poll writes a whole window: tens of thousands of rows a school).</summary>
    private static async Task WriteMarksAsync(DbConnection db, DbTransaction tx, string schoolId, string at, List<MarkRow> rows)
    {
        if (rows.Count == 0) return;
        await using var write = PreparedRows.Prepare(db, tx,
            """
            INSERT INTO marks (school_id, pupil_id, date, lesson_no, presence, reason, source_code, recorded_at, first_seen_at, changed_at)
            VALUES (@school, @pupil, @date, @lesson, @presence, @reason, @code, @recorded, @at, @at)
            ON CONFLICT (school_id, pupil_id, date, lesson_no) DO UPDATE SET presence = excluded.presence, reason = excluded.reason,
                source_code = excluded.source_code, recorded_at = excluded.recorded_at, changed_at = excluded.changed_at, vanished_at = NULL
            """,
            ("@school", DbType.String), ("@at", DbType.String), ("@pupil", DbType.String), ("@date", DbType.String), ("@lesson", DbType.Int64),
            ("@presence", DbType.String), ("@reason", DbType.String), ("@code", DbType.String), ("@recorded", DbType.String));
        (write[0].Value, write[1].Value) = (schoolId, at);
        foreach (var row in rows)
        {
            (write[2].Value, write[3].Value, write[4].Value, write[5].Value, write[6].Value, write[7].Value) =
                (row.PupilId, row.Date, (long)row.LessonNo, row.Presence, row.Reason, row.SourceCode);
            write[8].Value = (object?)row.RecordedAt ?? DBNull.Value;
            write.Run();
        }
    }

    private sealed record MarkRow(string PupilId, string Date, int LessonNo, string Presence, string Reason, string SourceCode, string? RecordedAt);

    /// <summary>A lesson's class members and marks as the store compares them, in one stable hash (the same in every process and version).</summary>
    private static string MarksHash(string members, List<AttendanceMark> marks)
    {
        marks.Sort((a, b) => string.CompareOrdinal(a.PupilId, b.PupilId));
        var text = new System.Text.StringBuilder(members).Append('\u001d');
        foreach (var mark in marks)
        {
            text.Append(mark.PupilId).Append('\u001f').Append(mark.Presence).Append('\u001f').Append(mark.Reason).Append('\u001f')
                .Append(CanonicalMarks.Storable(mark.SourceCode)).Append('\u001e');
        }

        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())), 0, 16);
    }

    /// <summary>Whether a stored mark of the window is vanishing: missing from the journal, not yet confirmed.</summary>
    public static async Task<bool> HasVanishingAsync(DbConnection db, string schoolId, DateOnly from, DateOnly to) =>
        await db.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM marks WHERE school_id = @schoolId AND date BETWEEN @from AND @to AND vanished_at IS NOT NULL",
            new { schoolId, from = StoreTime.Format(from), to = StoreTime.Format(to) }).ConfigureAwait(false) > 0;

    /// <summary>What the store holds for the window: lessons with attendance taken, and marks other than present of active pupils.</summary>
    public static async Task<StoredWindow> LoadWindowAsync(DbConnection db, DbTransaction tx, string schoolId, DateOnly from, DateOnly to)
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
