using System.Globalization;
using System.Text;

namespace Connector.Testing;

/// <summary>Writes a school's journal export (the "files" adapter's format) for a test scenario.</summary>
public sealed class JournalFolder(string path)
{
    public static readonly string[] Subjects = ["Математика", "Русский язык", "Литература", "История", "Биология", "Физика", "Химия", "География"];

    private readonly List<string> pupils = [];
    private readonly List<(string Id, string Name, string? Email, string? Phone)> guardians = [];
    private readonly Dictionary<string, string> preferred = [];
    private readonly Dictionary<string, List<string>> children = [];
    private readonly List<string> lessons = [];
    private readonly List<string> attendance = [];

    public string Path { get; } = path;

    public JournalFolder Pupil(string id, string fullName, string className, params string[] guardianIds) => Pupil(id, fullName, className, null, guardianIds);

    public JournalFolder Pupil(string id, string fullName, string className, DateOnly? enrolledOn, params string[] guardianIds)
    {
        var parts = fullName.Split(' ');
        var grade = new string(className.TakeWhile(char.IsDigit).ToArray());
        pupils.Add($"{id};{parts[0]};{parts[1]};{(parts.Length > 2 ? parts[2] : "")};{className};{grade};;1;{enrolledOn:yyyy-MM-dd}");
        foreach (var g in guardianIds)
        {
            if (!children.TryGetValue(g, out var list)) children[g] = list = [];
            list.Add(id);
        }

        return this;
    }

    /// <summary>The pupil stays in the export, no longer studying (active 0), as a school's export lists one who left.</summary>
    public JournalFolder Leaves(string id) => Studying(id, false);

    /// <summary>The pupil is listed as studying again.</summary>
    public JournalFolder Returns(string id) => Studying(id, true);

    private JournalFolder Studying(string id, bool studying)
    {
        var row = pupils.FindIndex(p => p.StartsWith(id + ";", StringComparison.Ordinal));
        var cells = pupils[row].Split(';');
        cells[7] = studying ? "1" : "0";
        pupils[row] = string.Join(';', cells);
        return this;
    }

    public JournalFolder Guardian(string id, string fullName, string? email, string? phone = null)
    {
        guardians.Add((id, fullName, email, phone));
        return this;
    }

    public JournalFolder Preferred(string guardianId, string channel)
    {
        preferred[guardianId] = channel;
        return this;
    }

    /// <summary>Lessons 1..<paramref name="count"/> of a class on a date; attendance entered ten minutes into each, unless <paramref name="taken"/> is false.</summary>
    public JournalFolder Lessons(string className, DateOnly date, int count, bool taken = true)
    {
        for (var n = 1; n <= count; n++)
        {
            lessons.Add($"{date:yyyy-MM-dd};{className};{n};{Subjects[(n - 1) % Subjects.Length]};{(taken ? Stamp(LessonStart(date, n).AddMinutes(10)) : "")}");
        }

        return this;
    }

    /// <summary>An attendance row; by default recorded when attendance of that lesson was entered.</summary>
    public JournalFolder Mark(DateOnly date, string pupilId, int lesson, string code, DateTime? recordedAt = null)
    {
        attendance.Add($"{date:yyyy-MM-dd};{pupilId};{lesson};{code};{Stamp(recordedAt ?? LessonStart(date, lesson).AddMinutes(10))}");
        return this;
    }

    public JournalFolder RawAttendance(string line)
    {
        attendance.Add(line);
        return this;
    }

    public static DateTime LessonStart(DateOnly date, int lesson) => date.ToDateTime(new TimeOnly(8, 30)).AddMinutes((lesson - 1) * 55);

    public void Write()
    {
        Directory.CreateDirectory(Path);
        var utf8 = new UTF8Encoding(false);
        File.WriteAllLines(System.IO.Path.Combine(Path, "pupils.csv"), ["id;last_name;first_name;middle_name;class;grade;birth_date;active;enrolled_on", .. pupils], utf8);
        File.WriteAllLines(System.IO.Path.Combine(Path, "guardians.csv"),
            ["id;full_name;email;phone;pupil_ids;preferred_channel", .. guardians.Select(g => $"{g.Id};{g.Name};{g.Email};{g.Phone};{string.Join(',', children.GetValueOrDefault(g.Id) ?? [])};{preferred.GetValueOrDefault(g.Id)}")], utf8);
        File.WriteAllLines(System.IO.Path.Combine(Path, "lessons.csv"), ["date;class;lesson;subject;taken_at", .. lessons], utf8);
        File.WriteAllLines(System.IO.Path.Combine(Path, "attendance.csv"), ["date;pupil_id;lesson;code;recorded_at", .. attendance], utf8);
    }

    private static string Stamp(DateTime local) => local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
