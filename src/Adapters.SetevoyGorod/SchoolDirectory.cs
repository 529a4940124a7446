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
}

/// <summary>
/// Reads the school's directory: classes with their class teachers, subject groups and terms from the journal filter,
/// then the pupils with their parents class by class. These staff endpoints are UNCERTAIN in SGO_API.md (§3.1
/// users/studentlist, §4.3 journal filter); they are kept in this one class so a school can correct them after
/// trying a real server (<c>connector sgo probe</c> shows which answered).
/// </summary>
internal static class SchoolDirectoryReader
{
    public const string FilterPath = "webapi/grade/journal/filter/init";
    public const string StudentsPath = "webapi/users/studentlist?classId=";

    public static async Task<SchoolDirectory> ReadAsync(SgoClient client, CancellationToken cancellationToken)
    {
        var filter = await client.GetJsonAsync<JournalFilter>(FilterPath, cancellationToken).ConfigureAwait(false);
        if (filter.Classes is null || filter.SubjectGroups is null || filter.Terms is null)
        {
            throw new JournalException(JournalFailure.ContractChanged, $"the SGO server answered {FilterPath} without classes, subjectGroups or terms");
        }

        var students = new List<SgoStudent>();
        foreach (var schoolClass in filter.Classes)
        {
            var list = await client.GetJsonAsync<List<SgoStudent>>(StudentsPath + schoolClass.Id.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            students.AddRange(list.Select(s => s with { ClassId = schoolClass.Id }));
        }

        return new SchoolDirectory(filter.Classes, filter.SubjectGroups, filter.Terms, students);
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
            problems.Add(new SourceProblem(SourceProblemKind.Note, StudentsPath, null, null, "the account sees no e-mail or phone of any parent; give it a role that sees parents' contacts, or no notice can be sent"));
        }

        return new Roster(pupils, [.. guardians.Values], problems);
    }
}
