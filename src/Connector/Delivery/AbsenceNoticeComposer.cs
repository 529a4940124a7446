using Connector.Abstractions.Attendance;
using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Notifier.Templates;
using Connector.Schools;
using Connector.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Connector.Delivery;

/// <summary>
/// Composes an absence notice from the store as it is now, just before sending: the guardian's children who are
/// still absent that day without a recorded reason, and their lessons. Nobody left → no message.
/// </summary>
internal sealed class AbsenceNoticeComposer(MessageTemplates templates)
{
    public const string Template = "absence.email";

    public async Task<ComposedNotice?> ComposeAsync(SqliteConnection db, SqliteTransaction tx, SchoolContext school, OutboxMessage message, DateOnly today)
    {
        var guardian = await db.QueryFirstOrDefaultAsync<(string FullName, string? Email)?>(
            "SELECT full_name, email FROM guardians WHERE school_id = @schoolId AND guardian_id = @GuardianId",
            new { schoolId = school.Id, message.GuardianId }, tx).ConfigureAwait(false);
        if (guardian is null) return null;

        var rows = (await db.QueryAsync<(string PupilId, string FullName, string ClassName, long Lesson, string Subject)>(
            """
            SELECT p.pupil_id, p.full_name, p.class_name, m.lesson_no, l.subject
            FROM pupil_guardians pg
            JOIN pupils p ON p.school_id = pg.school_id AND p.pupil_id = pg.pupil_id AND p.active = 1
            JOIN absences a ON a.school_id = p.school_id AND a.pupil_id = p.pupil_id AND a.date = @Date AND a.state IN ('open', 'notified')
            JOIN marks m ON m.school_id = p.school_id AND m.pupil_id = p.pupil_id AND m.date = @Date
                AND m.presence = @absent AND m.reason = @none
            JOIN lessons l ON l.school_id = p.school_id AND l.class_name = p.class_name AND l.date = m.date AND l.lesson_no = m.lesson_no AND l.taken = 1
            WHERE pg.school_id = @schoolId AND pg.guardian_id = @GuardianId AND (@OnlyPupilId IS NULL OR p.pupil_id = @OnlyPupilId)
            ORDER BY p.full_name, m.lesson_no
            """,
            new
            {
                schoolId = school.Id, message.GuardianId, message.Date, message.OnlyPupilId,
                absent = nameof(Presence.Absent), none = nameof(AbsenceReason.NoneRecorded),
            }, tx).ConfigureAwait(false)).ToList();
        if (rows.Count == 0 || guardian.Value.Email is not { } email) return null;

        var date = StoreTime.ParseDate(message.Date);
        var monthStart = new DateOnly(date.Year, date.Month, 1);
        var pupils = new List<AbsentPupilModel>();
        var lessonsByPupil = new Dictionary<string, IReadOnlyList<int>>();
        foreach (var pupil in rows.GroupBy(r => (r.PupilId, r.FullName, r.ClassName)))
        {
            var missed = await db.ExecuteScalarAsync<int>(
                """
                SELECT COUNT(*) FROM marks m
                JOIN lessons l ON l.school_id = m.school_id AND l.class_name = @ClassName AND l.date = m.date AND l.lesson_no = m.lesson_no AND l.taken = 1
                WHERE m.school_id = @schoolId AND m.pupil_id = @PupilId AND m.date BETWEEN @from AND @to
                    AND m.presence = @absent AND m.reason IN (@none, @unexcused)
                """,
                new
                {
                    schoolId = school.Id, pupil.Key.PupilId, pupil.Key.ClassName, from = StoreTime.Format(monthStart), to = message.Date,
                    absent = nameof(Presence.Absent), none = nameof(AbsenceReason.NoneRecorded), unexcused = nameof(AbsenceReason.Unexcused),
                }, tx).ConfigureAwait(false);
            pupils.Add(new AbsentPupilModel(
                RussianText.FirstAndLastName(pupil.Key.FullName),
                pupil.Key.ClassName,
                RussianText.PupilNoun(pupil.Key.FullName),
                pupil.Select(r => new MissedLessonModel((int)r.Lesson, r.Subject)).ToList(),
                school.ClassTeacherOf(pupil.Key.ClassName)?.FullName,
                missed));
            lessonsByPupil[pupil.Key.PupilId] = pupil.Select(r => (int)r.Lesson).ToList();
        }

        var model = new AbsenceNoticeModel(
            school.Ref.Name,
            school.Options.Phone,
            RussianText.Greeting(guardian.Value.FullName),
            RussianText.Date(date),
            RussianText.Weekday(date),
            date == today,
            pupils);
        var rendered = templates.Render(Template, model);
        var outgoing = new OutgoingMessage(message.IdempotencyKey, ChannelKind.Email, email, rendered.Subject, rendered.Body, school.Options.ReplyTo);
        return new ComposedNotice(outgoing, lessonsByPupil);
    }
}

/// <summary>A message ready to send, and which lessons of which pupils it tells about.</summary>
internal sealed record ComposedNotice(OutgoingMessage Message, IReadOnlyDictionary<string, IReadOnlyList<int>> LessonsByPupil);
