using System.Globalization;
using Connector.Abstractions.Attendance;
using Connector.Abstractions.Schools;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// Reads attendance the way SGO's own teacher journal does (SGO_API.md §4.2–4.3, LIKELY): for each subject group and
/// term, the list of class meetings (lessons); for each lesson that has begun, the journal page of that lesson, whose
/// <c>attendance</c> holds one reason code per pupil marked. Kept in this one class so the paths and shapes can be
/// corrected after a real server is tried. Any failure throws: a half-read window is never returned.
/// </summary>
internal static class TeacherJournalReader
{
    public const string LessonsPath = "webapi/grade/journal/short";
    public const string LessonPath = "webapi/grade/journal/edit";

    public static async Task<AttendanceSnapshot> ReadAsync(
        SgoClient client, SchoolDirectory directory, SgoAttendanceCodes codes, DateOnly from, DateOnly to, DateTime localNow, CancellationToken cancellationToken)
    {
        var problems = new List<SourceProblem>();
        var lessons = new Dictionary<(string Class, DateOnly Date, int Number), Lesson>();
        var marks = new List<AttendanceMark>();
        var classes = directory.Classes.ToDictionary(c => c.Id);
        var pupils = directory.Students.Select(s => s.Id).ToHashSet();
        var terms = directory.Terms.Where(t => DateOnly.FromDateTime(t.StartDate) <= to && DateOnly.FromDateTime(t.EndDate) >= from).ToList();

        foreach (var group in directory.SubjectGroups)
        {
            if (!classes.TryGetValue(group.ClassId, out var schoolClass)) continue;
            var subject = group.SubjectName ?? group.Name?.Split('/').Last() ?? "?";
            foreach (var term in terms)
            {
                var query = Invariant($"?sgId={group.Id}&termId={term.Id}");
                var list = await client.GetJsonAsync<JournalShort>(LessonsPath + query, cancellationToken).ConfigureAwait(false);
                foreach (var meeting in list.ClassMeetings ?? [])
                {
                    var date = DateOnly.FromDateTime(meeting.Day);
                    if (date < from || date > to) continue;
                    if (meeting.Number < 1)
                    {
                        problems.Add(new SourceProblem(SourceProblemKind.Record, LessonPath, Invariant($"cmid={meeting.Id}"), "number", "the lesson has no number from 1; left out"));
                        continue;
                    }

                    var begun = date.ToDateTime(ParseTime(meeting.StartTime)) <= localNow;
                    var key = (schoolClass.Name, date, meeting.Number);
                    lessons[key] = new Lesson(schoolClass.Name, date, meeting.Number, subject, begun || (lessons.TryGetValue(key, out var other) && other.AttendanceTaken));
                    if (!begun) continue;

                    var page = await client.GetJsonAsync<JournalLesson>(LessonPath + query + Invariant($"&cmid={meeting.Id}"), cancellationToken).ConfigureAwait(false);
                    foreach (var entry in page.Attendance ?? [])
                    {
                        if (string.IsNullOrWhiteSpace(entry.Reason)) continue;
                        if (!pupils.Contains(entry.StudentId))
                        {
                            problems.Add(new SourceProblem(SourceProblemKind.Record, LessonPath, Invariant($"cmid={meeting.Id}"), "studentId",
                                Invariant($"a mark for pupil #{entry.StudentId}, who is not in any class the account sees; left out")));
                            continue;
                        }

                        var (presence, reason) = codes.Map(entry.Reason);
                        if (presence == Presence.Present) continue;
                        marks.Add(new AttendanceMark(entry.StudentId.ToString(CultureInfo.InvariantCulture), date, meeting.Number, subject, presence, reason, entry.Reason.Trim()));
                    }
                }
            }
        }

        return new AttendanceSnapshot(from, to, [.. lessons.Values], marks, problems);
    }

    private static TimeOnly ParseTime(string? value) =>
        TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : TimeOnly.MinValue;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
