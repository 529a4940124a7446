using Connector.Abstractions.Notifications;
using System.Globalization;
using Connector.Abstractions.Attendance;
using Connector.Abstractions.Schools;

namespace Connector.Adapters.Generic.Files;

/// <summary>Parses a school's export folder. Rows that cannot be used are reported with file, line and reason, and skipped.</summary>
internal sealed class FolderExportReader(TimeZoneInfo timeZone, IReadOnlyDictionary<string, (Presence Presence, AbsenceReason Reason)> codes)
{
    public const string PupilsFile = "pupils.csv";
    public const string GuardiansFile = "guardians.csv";
    public const string LessonsFile = "lessons.csv";
    public const string AttendanceFile = "attendance.csv";

    public static readonly string[] Files = [PupilsFile, GuardiansFile, LessonsFile, AttendanceFile];

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd.MM.yyyy"];
    private static readonly string[] OffsetFormats = ["yyyy-MM-ddTHH:mmzzz", "yyyy-MM-ddTHH:mm:sszzz"];
    private static readonly string[] TimeFormats =
        ["yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "dd.MM.yyyy HH:mm", "dd.MM.yyyy HH:mm:ss"];

    /// <summary>
    /// Parses the folder; with <paramref name="from"/>, the lessons and marks of earlier dates are passed over as they
    /// are read (a row whose date cannot be read is kept, to be reported), so an export of the whole year costs what
    /// the days asked for cost.
    /// </summary>
    public FolderExport Read(string folder, DateOnly? from = null)
    {
        var roster = new List<SourceProblem>();
        var attendance = new List<SourceProblem>();
        // An export repeats a few dates and lesson times in every row: each distinct text is parsed once per read.
        var dates = new Dictionary<string, DateOnly?>(StringComparer.Ordinal);
        var times = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        Func<Func<string, string?>, bool>? inWindow = from is { } first
            ? cell => cell("date") is not { } text || !TryDate(text, dates, out var date) || date >= first
            : null;
        var pupilRows = CsvTable.Read(Path.Combine(folder, PupilsFile), ["id", "last_name", "first_name", "class"], roster);
        var guardianRows = CsvTable.Read(Path.Combine(folder, GuardiansFile), ["id", "full_name", "email", "phone", "pupil_ids"], roster);
        var lessonRows = CsvTable.Read(Path.Combine(folder, LessonsFile), ["date", "class", "lesson", "subject", "taken_at"], attendance, inWindow);
        var markRows = CsvTable.Read(Path.Combine(folder, AttendanceFile), ["date", "pupil_id", "lesson", "code"], attendance, inWindow);

        var pupils = ReadPupils(pupilRows, roster);
        var (guardians, links) = ReadGuardians(guardianRows, pupils, roster);
        var pupilList = pupils.Values
            .Select(p => p with { GuardianIds = links.TryGetValue(p.Id, out var ids) ? ids : [] })
            .ToList();
        var lessons = ReadLessons(lessonRows, attendance, dates, times);
        var marks = ReadMarks(markRows, pupils, lessons, attendance, dates, times);
        return new FolderExport(pupilList, guardians, lessons.Values.ToList(), marks, roster, attendance) { From = from };
    }

    private static Dictionary<string, Pupil> ReadPupils(CsvTable table, List<SourceProblem> problems)
    {
        var pupils = new Dictionary<string, Pupil>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var id = row["id"];
            var className = NormalizeClass(row["class"]);
            if (id.Length == 0) { problems.Add(row.Problem("id", "the pupil has no id")); continue; }
            if (row["last_name"].Length == 0 || row["first_name"].Length == 0) { problems.Add(row.Problem(row["last_name"].Length == 0 ? "last_name" : "first_name", "the pupil has no last or first name")); continue; }
            if (!TryGrade(row["grade"], className, out var grade)) { problems.Add(row.Problem("class", "the class has no grade 1–11")); continue; }
            if (pupils.ContainsKey(id)) { problems.Add(row.Problem("id", "the pupil id appears twice; the first row is kept")); continue; }

            DateOnly? birth = null;
            if (row["birth_date"].Length > 0)
            {
                if (!TryDate(row["birth_date"], out var b)) { problems.Add(row.Problem("birth_date", "not a date (yyyy-mm-dd)")); continue; }
                birth = b;
            }

            DateOnly? enrolled = null;
            if (row["enrolled_on"].Length > 0)
            {
                if (!TryDate(row["enrolled_on"], out var e)) { problems.Add(row.Problem("enrolled_on", "not a date (yyyy-mm-dd)")); continue; }
                enrolled = e;
            }

            var active = row["active"].Length == 0 || IsYes(row["active"]);
            var fullName = string.Join(' ', new[] { row["last_name"], row["first_name"], row["middle_name"] }.Where(s => s.Length > 0));
            pupils[id] = new Pupil(id, fullName, className, grade, [], active, birth, enrolled);
        }

        return pupils;
    }

    private static (List<Guardian>, Dictionary<string, List<string>>) ReadGuardians(
        CsvTable table, IReadOnlyDictionary<string, Pupil> pupils, List<SourceProblem> problems)
    {
        var guardians = new List<Guardian>();
        var links = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var id = row["id"];
            if (id.Length == 0) { problems.Add(row.Problem("id", "the guardian has no id")); continue; }
            if (!seen.Add(id)) { problems.Add(row.Problem("id", "the guardian id appears twice; the first row is kept")); continue; }

            string? email = row["email"].Length == 0 ? null : row["email"];
            if (email is not null && !EmailAddress.IsValid(email))
            {
                problems.Add(row.Note("email", "the e-mail address is not valid; the guardian is kept without it"));
                email = null;
            }

            ChannelKind? preferred = null;
            if (row["preferred_channel"].Length > 0)
            {
                if (!Enum.TryParse<ChannelKind>(row["preferred_channel"], ignoreCase: true, out var channel))
                {
                    problems.Add(row.Note("preferred_channel", "neither email nor sms; ignored"));
                }
                else
                {
                    preferred = channel;
                }
            }

            var phone = row["phone"].Length == 0 ? null : row["phone"];
            guardians.Add(new Guardian(id, row["full_name"], email, phone, preferred));
            foreach (var pupilId in row["pupil_ids"].Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!pupils.ContainsKey(pupilId)) { problems.Add(row.Problem("pupil_ids", $"names a pupil who is not in {PupilsFile}")); continue; }
                if (!links.TryGetValue(pupilId, out var list)) links[pupilId] = list = [];
                list.Add(id);
            }
        }

        return (guardians, links);
    }

    private Dictionary<(string, DateOnly, int), ExportLesson> ReadLessons(
        CsvTable table, List<SourceProblem> problems, Dictionary<string, DateOnly?> dates, Dictionary<string, DateTimeOffset?> times)
    {
        var lessons = new Dictionary<(string, DateOnly, int), ExportLesson>();
        foreach (var row in table.Rows)
        {
            if (!TryDate(row["date"], dates, out var date)) { problems.Add(row.Problem("date", "not a date (yyyy-mm-dd)")); continue; }
            if (!TryLesson(row["lesson"], out var number)) { problems.Add(row.Problem("lesson", "not a lesson number 1–12")); continue; }
            var className = NormalizeClass(row["class"]);
            if (className.Length == 0) { problems.Add(row.Problem("class", "the lesson has no class")); continue; }

            DateTimeOffset? takenAt = null;
            var taken = row["taken_at"];
            if (taken.Length > 0 && !IsNo(taken))
            {
                if (IsYes(taken)) takenAt = DateTimeOffset.MinValue;
                else if (TryLocalTime(taken, times, out var at)) takenAt = at;
                else { problems.Add(row.Problem("taken_at", "neither a time (yyyy-mm-dd hh:mm) nor yes/no")); continue; }
            }

            lessons[(className, date, number)] = new ExportLesson(className, date, number, row["subject"], takenAt);
        }

        return lessons;
    }

    private List<ExportMark> ReadMarks(
        CsvTable table,
        IReadOnlyDictionary<string, Pupil> pupils,
        IReadOnlyDictionary<(string, DateOnly, int), ExportLesson> lessons,
        List<SourceProblem> problems,
        Dictionary<string, DateOnly?> dates,
        Dictionary<string, DateTimeOffset?> times)
    {
        var marks = new List<ExportMark>();
        var order = 0;
        foreach (var row in table.Rows)
        {
            order++;
            // A left-out row that names a known pupil holds that pupil's decisions (of its date, or of every date when
            // the date cannot be read) until it is fixed, when it could be what explains or clears an absence: a reason,
            // a "present", or a code nobody knows. A row that can only say "absent" holds nothing: leaving it out can
            // delay a notice, never send a false one.
            var known = pupils.TryGetValue(row["pupil_id"], out var pupil);
            var code = row["code"];
            var knownCode = codes.TryGetValue(code, out var meaning);
            var hold = known && (!knownCode || meaning is not (Presence.Absent, AbsenceReason.NoneRecorded or AbsenceReason.Unexcused)) ? pupil!.Id : null;
            if (!TryDate(row["date"], dates, out var date)) { problems.Add(row.Problem("date", "not a date (yyyy-mm-dd)", hold)); continue; }
            if (!known) { problems.Add(row.Problem("pupil_id", $"the pupil is not in {PupilsFile}")); continue; }
            if (!TryLesson(row["lesson"], out var lesson)) { problems.Add(row.Problem("lesson", "not a lesson number 1–12", hold, date)); continue; }
            if (!lessons.ContainsKey((pupil!.ClassName, date, lesson))) { problems.Add(row.Problem("lesson", $"{LessonsFile} has no such lesson of the pupil's class on that date", hold, date)); continue; }
            if (!knownCode) { problems.Add(row.Problem("code", "the attendance code is unknown; add it to the school's Adapter:Codes", hold, date)); continue; }

            DateTimeOffset? recordedAt = null;
            if (row["recorded_at"].Length > 0)
            {
                if (!TryLocalTime(row["recorded_at"], times, out var at)) { problems.Add(row.Problem("recorded_at", "not a time (yyyy-mm-dd hh:mm)", hold, date)); continue; }
                recordedAt = at;
            }

            marks.Add(new ExportMark(order, pupil.Id, date, lesson, code, meaning.Presence, meaning.Reason, recordedAt));
        }

        return marks;
    }

    /// <summary>Class names are compared without spaces or case of the letter: "7 б" is "7Б".</summary>
    public static string NormalizeClass(string value) => value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToUpperInvariant();

    private static bool TryGrade(string value, string className, out int grade)
    {
        var digits = value.Length > 0 ? value : new string(className.TakeWhile(char.IsDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out grade) && grade is >= 1 and <= 11;
    }

    private static bool TryLesson(string value, out int number) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number is >= 1 and <= 12;

    private static bool TryDate(string value, out DateOnly date) =>
        DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static bool TryDate(string value, Dictionary<string, DateOnly?> parsed, out DateOnly date)
    {
        if (!parsed.TryGetValue(value, out var known)) parsed[value] = known = TryDate(value, out var d) ? d : null;
        date = known.GetValueOrDefault();
        return known.HasValue;
    }

    private bool TryLocalTime(string value, Dictionary<string, DateTimeOffset?> parsed, out DateTimeOffset at)
    {
        if (!parsed.TryGetValue(value, out var known)) parsed[value] = known = TryLocalTime(value, out var t) ? t : null;
        at = known.GetValueOrDefault();
        return known.HasValue;
    }

    private bool TryLocalTime(string value, out DateTimeOffset at)
    {
        if (DateTime.TryParseExact(value, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            at = new DateTimeOffset(local, timeZone.GetUtcOffset(local));
            return true;
        }

        return DateTimeOffset.TryParseExact(value, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out at);
    }

    private static bool IsYes(string value) => value.ToLowerInvariant() is "1" or "yes" or "true" or "да" or "y" or "д";

    private static bool IsNo(string value) => value.ToLowerInvariant() is "0" or "no" or "false" or "нет" or "n";
}
