using static System.FormattableString;
using System.Globalization;
using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>The school's classes, subject groups, terms and pupils, as the staff account sees them.</summary>
internal sealed record SchoolDirectory(
    IReadOnlyList<SgoClass> Classes,
    IReadOnlyList<SubjectGroup> SubjectGroups,
    IReadOnlyList<Term> Terms,
    IReadOnlyList<SgoStudent> Students)
{
    /// <summary>The pupil with a journal id, and their class; null when the account sees neither.</summary>
    public (SgoStudent Student, SgoClass Class)? Find(string pupilId) =>
        int.TryParse(pupilId, CultureInfo.InvariantCulture, out var id)
        && Students.FirstOrDefault(s => s.Id == id) is { } student
        && Classes.FirstOrDefault(c => c.Id == student.ClassId) is { } schoolClass
            ? (student, schoolClass)
            : null;

    /// <summary>The term that holds <paramref name="day"/>, else the last one begun, else the first.</summary>
    public Term? TermOf(DateOnly day) =>
        Terms.FirstOrDefault(t => t.Start <= day && t.End >= day) ?? Terms.Where(t => t.Start <= day).MaxBy(t => t.Start) ?? (Terms.Count > 0 ? Terms[0] : null);
}

/// <summary>
/// Reads the school's directory. Classes and subject groups come from the journal filter (SGO_API.md §4.3); terms,
/// which the core path needs only for their dates, from the filter, else <c>terms/search</c> (GET, then POST with the
/// class ids, §3.2), else the school year's dates from <c>years/current</c> (§2.8); pupils from
/// <c>users/studentlist</c> (§3.1) or, failing that, <c>grade/studentList</c> per subject group (§4.3, with either
/// spelling of <c>sgid</c>). Every uncertain read is a list of variants tried in order (<see cref="SgoVariantSearch"/>);
/// fields are found by any name the research gives them. A class teacher missing from the directory is left to the
/// school's configuration.
/// </summary>
internal static class SchoolDirectoryReader
{
    public const string FilterPath = "webapi/grade/journal/filter/init";
    public const string StudentsPath = "webapi/users/studentlist";
    public const string GroupStudentsPath = "webapi/grade/studentList";
    public const string TermsPath = "webapi/terms/search";
    public const string YearPath = "webapi/years/current";
    public const string TermsRead = "terms";
    public const string StudentsRead = "pupils";

    public static async Task<SchoolDirectory> ReadAsync(SgoClient client, DateOnly today, CancellationToken cancellationToken)
    {
        var (filter, classes, groups) = await FilterAsync(client, cancellationToken).ConfigureAwait(false);
        var terms = await TermsAsync(client, filter, classes, cancellationToken).ConfigureAwait(false);
        var students = await StudentsAsync(client, classes, groups, new SchoolDirectory(classes, groups, terms, []).TermOf(today), cancellationToken).ConfigureAwait(false);
        return new SchoolDirectory(classes, groups, terms, students);
    }

    /// <summary>The journal filter: the classes (with their class teachers where given) and subject groups.</summary>
    public static async Task<(SgoAnswer Filter, List<SgoClass> Classes, List<SubjectGroup> Groups)> FilterAsync(SgoClient client, CancellationToken cancellationToken)
    {
        var filter = await client.GetAnswerAsync(FilterPath, FilterPath, cancellationToken).ConfigureAwait(false);
        var classes = filter.Root.Items("classes").Select(c => new SgoClass(
            c.RequiredInt("id", "classId"),
            c.String("name", "className") ?? throw filter.Missing(["name", "className"]),
            c.Field("teacher", "classTeacher") is { } t && t.String("name", "fio", "nickName") is { } teacherName ? new IdName(t.Int("id") ?? 0, teacherName) : null)).ToList();
        var groups = filter.Root.Items("subjectGroups").Select(g => Group(g, classes, filter)).ToList();
        return (filter, classes, groups);
    }

    /// <summary>The terms of the school year, or the year itself as one period.</summary>
    public static Task<List<Term>> TermsAsync(SgoClient client, SgoAnswer? filter, IReadOnlyList<SgoClass> classes, CancellationToken cancellationToken, List<SgoVariantTrial>? trials = null)
    {
        var filterTerms = filter?.Root.OptionalItems("terms");
        return SgoVariantSearch.FirstAnsweringAsync<List<Term>>(client, TermsRead,
        [
            new("filter/init terms", _ => filterTerms is null || filter is null
                ? throw (filter?.Missing(["terms"]) ?? new JournalException(JournalFailure.ContractChanged, $"the SGO server gave no {FilterPath}"))
                : Task.FromResult(Terms(filterTerms, filter))),
            new("GET " + TermsPath, async ct => Terms(await client.GetAnswerAsync(TermsPath, TermsPath, ct).ConfigureAwait(false))),
            new("POST " + TermsPath, async ct => Terms(await client.PostAnswerAsync(TermsPath, new { classIds = classes.Select(c => c.Id).ToArray() }, TermsPath, ct).ConfigureAwait(false))),
            new(YearPath, async ct => Year(await client.GetAnswerAsync(YearPath, YearPath, ct).ConfigureAwait(false))),
        ], cancellationToken, trials, t => Invariant($"периодов: {t.Count}"));
    }

    /// <summary>The pupils of every class, with their parents where the account sees them.</summary>
    public static Task<List<SgoStudent>> StudentsAsync(SgoClient client, IReadOnlyList<SgoClass> classes, IReadOnlyList<SubjectGroup> groups, Term? term,
        CancellationToken cancellationToken, List<SgoVariantTrial>? trials = null)
    {
        var termQuery = term?.Id is { } termId ? Invariant($"&termId={termId}") : "";
        return SgoVariantSearch.FirstAnsweringAsync<List<SgoStudent>>(client, StudentsRead,
        [
            new(StudentsPath + "?classId=", ct => ByClassAsync(client, classes, ct)),
            new(GroupStudentsPath + "?sgid=&termId=", ct => ByGroupAsync(client, groups, "sgid", termQuery, ct)),
            new(GroupStudentsPath + "?sgId=&termId=", ct => ByGroupAsync(client, groups, "sgId", termQuery, ct)),
        ], cancellationToken, trials, s => Invariant($"учеников: {s.Count}, из них с родителями: {s.Count(p => p.Parents is { Count: > 0 })}"));
    }

    public static Roster ToRoster(SchoolDirectory directory)
    {
        var problems = new List<SourceProblem>();
        var pupils = new List<Pupil>();
        var guardians = new Dictionary<int, Guardian>();
        var className = directory.Classes.ToDictionary(c => c.Id, c => c.Name);
        foreach (var student in directory.Students)
        {
            if (string.IsNullOrWhiteSpace(student.LastName) || string.IsNullOrWhiteSpace(student.FirstName))
            {
                problems.Add(new SourceProblem(SourceProblemKind.Record, StudentsPath, Invariant($"{student.ClassId}#{student.Id}"), "lastName", "the pupil has no last or first name; left out"));
                continue;
            }

            var cls = className[student.ClassId];
            var grade = int.TryParse(new string(cls.TakeWhile(char.IsAsciiDigit).ToArray()), CultureInfo.InvariantCulture, out var g) ? g : 0;
            if (grade is < 1 or > 11)
            {
                problems.Add(new SourceProblem(SourceProblemKind.Record, StudentsPath, Invariant($"{student.ClassId}#{student.Id}"), "className", "the class name does not start with a grade from 1 to 11; the pupil is left out"));
                continue;
            }

            var guardianIds = new List<string>();
            foreach (var parent in student.Parents ?? [])
            {
                if (string.IsNullOrWhiteSpace(parent.Name))
                {
                    problems.Add(new SourceProblem(SourceProblemKind.Record, StudentsPath, Invariant($"{student.ClassId}#{student.Id}/parent#{parent.Id}"), "name", "the parent has no name; left out"));
                    continue;
                }

                guardians.TryAdd(parent.Id, new Guardian(
                    parent.Id.ToString(CultureInfo.InvariantCulture),
                    parent.Name.Trim(),
                    string.IsNullOrWhiteSpace(parent.Email) ? null : parent.Email.Trim(),
                    string.IsNullOrWhiteSpace(parent.MobilePhone) ? null : parent.MobilePhone.Trim(),
                    parent.PreferedCom?.Trim().ToUpperInvariant() switch
                    {
                        "EMAIL" or "E-MAIL" => ChannelKind.Email,
                        "SMS" => ChannelKind.Sms,
                        _ => null,
                    }));
                guardianIds.Add(parent.Id.ToString(CultureInfo.InvariantCulture));
            }

            pupils.Add(new Pupil(student.Id.ToString(CultureInfo.InvariantCulture), student.FullName, cls, grade, guardianIds, true,
                student.BirthDate is { } b ? DateOnly.FromDateTime(b) : null));
        }

        if (guardians.Count > 0 && guardians.Values.All(g => g.Email is null && g.Phone is null))
        {
            problems.Add(new SourceProblem(SourceProblemKind.Note, StudentsPath, null, null,
                "the account sees no e-mail or phone of any parent; give it a role that sees parents' contacts, or give them in a contacts file (Contacts:File)"));
        }

        return new Roster(pupils, [.. guardians.Values], problems);
    }

    private static SubjectGroup Group(SgoNode node, IReadOnlyList<SgoClass> classes, SgoAnswer filter)
    {
        var id = node.RequiredInt("id", "sgId", "subjectGroupId");
        var name = node.String("name", "subjectGroupName");
        var subject = node.String("subjectName") ?? node.Field("subject")?.String("name");
        // The class is given by id, or as the part of the group's name before the slash ("7Б/Математика").
        var classId = node.Int("classId") ?? node.Field("class")?.Int("id")
            ?? (name?.Split('/')[0] is { } prefix ? classes.FirstOrDefault(c => string.Equals(c.Name, prefix.Trim(), StringComparison.OrdinalIgnoreCase))?.Id : null)
            ?? throw filter.Missing(["classId", "class.id"]);
        return new SubjectGroup(id, name, classId, subject);
    }

    private static List<Term> Terms(SgoAnswer answer) => Terms(answer.Root.Kind == System.Text.Json.JsonValueKind.Array ? answer.Root.Items() : answer.Root.Items("terms", "items"), answer);

    private static List<Term> Terms(IReadOnlyList<SgoNode> items, SgoAnswer answer)
    {
        var terms = items.Select(t => new Term(
            t.RequiredInt("id", "termId"),
            t.String("name", "termName"),
            DateOnly.FromDateTime(t.Date("startDate", "start") ?? throw answer.Missing(["startDate"], "a date")),
            DateOnly.FromDateTime(t.Date("endDate", "end") ?? throw answer.Missing(["endDate"], "a date")))).ToList();
        return terms.Count > 0 ? terms : throw answer.Missing(["terms"], "a list of at least one term");
    }

    /// <summary>The school year as one period, when the server names no terms: the journal is then read without a term.</summary>
    private static List<Term> Year(SgoAnswer answer) =>
    [
        new Term(null, answer.Root.String("name"),
            DateOnly.FromDateTime(answer.Root.Date("startDate") ?? throw answer.Missing(["startDate"], "a date")),
            DateOnly.FromDateTime(answer.Root.Date("endDate") ?? throw answer.Missing(["endDate"], "a date"))),
    ];

    private static async Task<List<SgoStudent>> ByClassAsync(SgoClient client, IReadOnlyList<SgoClass> classes, CancellationToken cancellationToken)
    {
        var students = new List<SgoStudent>();
        foreach (var schoolClass in classes)
        {
            var answer = await client.GetAnswerAsync(Invariant($"{StudentsPath}?classId={schoolClass.Id}"), StudentsPath, cancellationToken).ConfigureAwait(false);
            students.AddRange(Students(answer, schoolClass.Id));
        }

        return students;
    }

    /// <summary>Pupils by subject group: every group of every class, since a group may hold only part of its class.</summary>
    private static async Task<List<SgoStudent>> ByGroupAsync(SgoClient client, IReadOnlyList<SubjectGroup> groups, string parameter, string termQuery, CancellationToken cancellationToken)
    {
        var students = new Dictionary<int, SgoStudent>();
        foreach (var group in groups)
        {
            var answer = await client.GetAnswerAsync(Invariant($"{GroupStudentsPath}?{parameter}={group.Id}{termQuery}"), GroupStudentsPath, cancellationToken).ConfigureAwait(false);
            foreach (var student in Students(answer, group.ClassId)) students.TryAdd(student.Id, student);
        }

        return [.. students.Values];
    }

    private static IEnumerable<SgoStudent> Students(SgoAnswer answer, int classId)
    {
        var items = answer.Root.Kind == System.Text.Json.JsonValueKind.Array ? answer.Root.Items() : answer.Root.Items("students", "items");
        foreach (var s in items)
        {
            var id = s.RequiredInt("id", "studentId");
            var (last, first, middle) = (s.String("lastName"), s.String("firstName"), s.String("middleName"));
            if (last is null && first is null)
            {
                // Older and teacher-side lists give one name, "Фамилия Имя Отчество" (SGO_API.md §2.8, §7 d).
                var parts = (s.String("nickName", "fullName", "fio", "name") ?? throw answer.Missing(["lastName", "nickName"]))
                    .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                (last, first, middle) = (parts.ElementAtOrDefault(0), parts.ElementAtOrDefault(1), parts.Length > 2 ? string.Join(' ', parts[2..]) : null);
            }

            var parents = s.OptionalItems("parents")?.Select(p => new SgoParent(
                p.RequiredInt("id", "userId", "parentId"),
                p.String("name", "fio", "nickName", "fullName"),
                p.String("email", "eMail"),
                p.String("mobilePhone", "phone", "mobile"),
                p.String("preferedCom", "preferredCom"))).ToList();
            yield return new SgoStudent(id, last, first, middle, s.Date("birthDate", "birthday"), classId, parents);
        }
    }
}
