using System.Globalization;
using System.Text.Json;
using Connector.Abstractions.Attendance;
using Connector.Abstractions.Schools;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// Reads attendance the way SGO's own teacher journal does (SGO_API.md §4.2–4.3, LIKELY): for each subject group and
/// term, the list of class meetings (lessons); for each lesson that has begun, the journal page of that lesson, whose
/// <c>attendance</c> holds one reason code per pupil marked. The subject group is spelled <c>sgId</c> or <c>sgid</c>
/// (both seen), and lessons are named as the journal names them (<c>id</c>, <c>number</c>) or as the mobile API does
/// (<c>classmeetingId</c>, <c>scheduleTimeNumber</c>, §3.6); each variant is tried in order and the one the server
/// answers is remembered. Any failure throws: a half-read window is never returned.
/// </summary>
internal static class TeacherJournalReader
{
    public const string LessonsPath = "webapi/grade/journal/short";
    public const string LessonPath = "webapi/grade/journal/edit";
    public const string LessonsRead = "lessons";
    public const string LessonRead = "lesson page";
    private static readonly string[] Spellings = ["sgId", "sgid"];

    public static async Task<AttendanceSnapshot> ReadAsync(
        SgoClient client, SchoolDirectory directory, SgoAttendanceCodes codes, DateOnly from, DateOnly to, DateTimeOffset now, DateTime localNow,
        LessonPageCache cache, CancellationToken cancellationToken)
    {
        var problems = new List<SourceProblem>();
        var lessons = new Dictionary<(string Class, DateOnly Date, int Number), Lesson>();
        var marks = new List<AttendanceMark>();
        var classes = directory.Classes.ToDictionary(c => c.Id);
        var pupils = directory.Students.Select(s => s.Id).ToHashSet();
        var terms = directory.Terms.Where(t => t.Start <= to && t.End >= from).ToList();
        var today = DateOnly.FromDateTime(localNow);
        cache.BeginPoll(now);

        // First the lessons of the window, then the page of each lesson that has begun: the previous lesson day (whose
        // pages are read more often than older days') is known only once every group's lessons are.
        var begun = new List<(SubjectGroup Group, string Subject, int? Term, ClassMeeting Meeting)>();
        foreach (var group in directory.SubjectGroups)
        {
            if (!classes.TryGetValue(group.ClassId, out var schoolClass)) continue;
            var subject = group.SubjectName ?? group.Name?.Split('/').Last() ?? "?";
            foreach (var term in terms)
            {
                var meetings = await cache.MeetingsAsync(group.Id, term.Id, () => MeetingsAsync(client, group.Id, term.Id, cancellationToken)).ConfigureAwait(false);
                foreach (var meeting in meetings)
                {
                    var date = meeting.Day;
                    if (date < from || date > to) continue;
                    if (meeting.Number < 1)
                    {
                        problems.Add(new SourceProblem(SourceProblemKind.Record, LessonPath, Invariant($"cmid={meeting.Id}"), "number", "the lesson has no number from 1; left out"));
                        continue;
                    }

                    var hasBegun = date.ToDateTime(ParseTime(meeting.StartTime)) <= localNow;
                    var key = (schoolClass.Name, date, meeting.Number);
                    lessons[key] = new Lesson(schoolClass.Name, date, meeting.Number, subject, hasBegun || (lessons.TryGetValue(key, out var other) && other.AttendanceTaken));
                    if (hasBegun) begun.Add((group, subject, term.Id, meeting));
                }
            }
        }

        var previousLessonDay = begun.Select(b => b.Meeting.Day).Where(d => d < today).DefaultIfEmpty(DateOnly.MinValue).Max();
        foreach (var (group, subject, term, meeting) in begun)
        {
            var tier = meeting.Day >= today ? LessonPageCache.Tier.Today
                : meeting.Day == previousLessonDay ? LessonPageCache.Tier.Recent
                : LessonPageCache.Tier.Older;
            var page = await cache.PageAsync(group.Id, term, meeting.Id, tier, () => AttendanceAsync(client, group.Id, term, meeting.Id, cancellationToken)).ConfigureAwait(false);
            foreach (var (studentId, code) in page)
            {
                if (string.IsNullOrWhiteSpace(code)) continue;
                if (!pupils.Contains(studentId))
                {
                    problems.Add(new SourceProblem(SourceProblemKind.Record, LessonPath, Invariant($"cmid={meeting.Id}"), "studentId",
                        Invariant($"a mark for pupil #{studentId}, who is not in any class the account sees; left out")));
                    continue;
                }

                var (presence, reason) = codes.Map(code);
                if (presence == Presence.Present) continue;
                marks.Add(new AttendanceMark(studentId.ToString(CultureInfo.InvariantCulture), meeting.Day, meeting.Number, subject, presence, reason, code.Trim()));
            }
        }

        cache.KeepOnly(begun.Select(b => (b.Group.Id, b.Term, b.Meeting.Id)).ToHashSet());
        return new AttendanceSnapshot(from, to, [.. lessons.Values], marks, problems);
    }

    /// <summary>The lessons of a subject group in a term (in the whole year when the server names no terms).</summary>
    public static Task<List<ClassMeeting>> MeetingsAsync(SgoClient client, int groupId, int? termId, CancellationToken cancellationToken, List<SgoVariantTrial>? trials = null) =>
        SgoVariantSearch.FirstAnsweringAsync(client, LessonsRead, [.. Spellings.Select(spelling => new SgoVariant<List<ClassMeeting>>(
            Invariant($"{LessonsPath}?{spelling}=&termId="),
            async ct => Meetings(await client.GetAnswerAsync(Invariant($"{LessonsPath}?{spelling}={groupId}{TermQuery(termId)}"), LessonsPath, ct).ConfigureAwait(false))))],
            cancellationToken, trials, m => Invariant($"уроков в группе: {m.Count}"));

    /// <summary>The reason codes on a lesson's journal page, by pupil.</summary>
    public static Task<List<(int StudentId, string? Code)>> AttendanceAsync(SgoClient client, int groupId, int? termId, int meetingId, CancellationToken cancellationToken, List<SgoVariantTrial>? trials = null) =>
        SgoVariantSearch.FirstAnsweringAsync(client, LessonRead, [.. Spellings.Select(spelling => new SgoVariant<List<(int, string?)>>(
            Invariant($"{LessonPath}?{spelling}=&termId=&cmid="),
            async ct => Attendance(await client.GetAnswerAsync(Invariant($"{LessonPath}?{spelling}={groupId}{TermQuery(termId)}&cmid={meetingId}"), LessonPath, ct).ConfigureAwait(false))))],
            cancellationToken, trials, a => Invariant($"учеников на странице урока: {a.Count}"));

    private static List<ClassMeeting> Meetings(SgoAnswer answer)
    {
        var items = answer.Root.Kind == JsonValueKind.Array ? answer.Root.Items() : answer.Root.Items("classMeetings", "lessons");
        return [.. items.Select(m => new ClassMeeting(
            m.RequiredInt("id", "classmeetingId", "classMeetingId"),
            DateOnly.FromDateTime(m.Date("day", "date", "classMeetingDate") ?? throw answer.Missing(["day", "date"], "a date")),
            m.Int("number", "scheduleTimeNumber", "lessonNumber") ?? throw answer.Missing(["number", "scheduleTimeNumber"], "a number"),
            m.String("startTime", "start")))];
    }

    private static List<(int, string?)> Attendance(SgoAnswer answer) =>
        [.. answer.Root.Items("attendance").Select(a => (a.RequiredInt("studentId", "id"), a.String("reason", "reasonMark", "mark", "attendanceMark")))];

    private static string TermQuery(int? termId) => termId is { } id ? Invariant($"&termId={id}") : "";

    private static TimeOnly ParseTime(string? value) =>
        TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : TimeOnly.MinValue;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
