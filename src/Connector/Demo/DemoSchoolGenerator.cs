using System.Globalization;
using System.Text;

namespace Connector.Demo;

/// <summary>
/// Writes the demo school's journal export (config/demo): about 330 pupils over grades 1–11 with their guardians,
/// four school weeks of lessons, and attendance as it was entered through each day: illness runs whose reason
/// arrives the next morning, single skipped lessons, reasons phoned in before a notice went, teachers' slips
/// corrected before and after, a few pupils whose unexcused absences climb week by week, a class whose
/// attendance was never entered one day, late arrivals, and three malformed rows. Deterministic: the same seed
/// gives the same files.
/// </summary>
internal sealed class DemoSchoolGenerator
{
    public static readonly DateOnly DefaultFrom = new(2026, 11, 9);
    public const int SchoolDays = 20;

    private static readonly (string Name, int Grade)[] Classes =
    [
        ("1А", 1), ("1Б", 1), ("2А", 2), ("3А", 3), ("4А", 4), ("5А", 5), ("5Б", 5), ("6А", 6),
        ("7А", 7), ("7Б", 7), ("8А", 8), ("9А", 9), ("9Б", 9), ("10А", 10), ("11А", 11),
    ];

    private readonly Random random = new(20261109);
    private readonly List<string> pupils = ["id;last_name;first_name;middle_name;class;grade;birth_date;active"];
    private readonly List<string> guardians = ["id;full_name;email;phone;pupil_ids;preferred_channel"];
    private readonly List<string> lessons = ["date;class;lesson;subject;taken_at"];
    private readonly List<string> attendance = ["date;pupil_id;lesson;code;recorded_at"];
    private readonly List<DemoPupil> roster = [];
    private readonly Dictionary<(string Class, DateOnly Date), List<(int Number, DateTime TakenAt)>> schedule = [];

    public static async Task<string> WriteAsync(string folder, DateOnly from, CancellationToken cancellationToken)
    {
        var generator = new DemoSchoolGenerator();
        var days = Enumerable.Range(0, 40).Select(from.AddDays).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).Take(SchoolDays).ToList();
        generator.MakeRoster();
        generator.MakeLessons(days);
        generator.MakeAttendance(days);
        Directory.CreateDirectory(folder);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        await File.WriteAllLinesAsync(Path.Combine(folder, "pupils.csv"), generator.pupils, utf8, cancellationToken).ConfigureAwait(false);
        await File.WriteAllLinesAsync(Path.Combine(folder, "guardians.csv"), generator.guardians, utf8, cancellationToken).ConfigureAwait(false);
        await File.WriteAllLinesAsync(Path.Combine(folder, "lessons.csv"), generator.lessons, utf8, cancellationToken).ConfigureAwait(false);
        await File.WriteAllLinesAsync(Path.Combine(folder, "attendance.csv"), generator.attendance, utf8, cancellationToken).ConfigureAwait(false);
        return $"учеников {generator.pupils.Count - 1}, представителей {generator.guardians.Count - 1}, уроков {generator.lessons.Count - 1}, отметок {generator.attendance.Count - 1}";
    }

    private void MakeRoster()
    {
        var guardianNumber = 0;
        var pupilNumber = 0;
        var families = new List<(string Surname, int Father, List<string> Guardians)>();
        foreach (var (className, grade) in Classes)
        {
            for (var i = 0; i < 22; i++)
            {
                // About one pupil in twelve is the younger sibling of a pupil in an earlier class: one family, shared guardians.
                (string Surname, int Father, List<string> Guardians) family;
                if (families.Count > 20 && random.NextDouble() < 0.08)
                {
                    family = families[random.Next(families.Count)];
                }
                else
                {
                    var surname = DemoNames.Surnames[random.Next(DemoNames.Surnames.Length)];
                    var father = random.Next(DemoNames.Fathers.Length);
                    var ids = new List<string>();
                    var count = random.NextDouble() < 0.4 ? 2 : 1;
                    for (var g = 0; g < count; g++)
                    {
                        var id = $"g{++guardianNumber:D4}";
                        ids.Add(id);
                        var isMother = g == 0;
                        var grand = DemoNames.GrandFathers[random.Next(DemoNames.GrandFathers.Length)];
                        var name = isMother
                            ? $"{surname}а {DemoNames.MothersNames[random.Next(DemoNames.MothersNames.Length)]} {grand.Female}"
                            : $"{surname} {DemoNames.Fathers[father].Father} {grand.Male}";
                        var email = random.NextDouble() switch
                        {
                            < 0.06 => "",                                   // phone only: unreachable by e-mail
                            < 0.065 => $"parent{guardianNumber}@@example.com", // a typo in the journal: reported, kept without e-mail
                            _ => $"parent{guardianNumber:D4}@example.com",
                        };
                        var phone = string.Create(CultureInfo.InvariantCulture, $"+79{random.Next(10, 99)}{random.Next(1000000, 9999999)}");
                        guardians.Add($"{id};{name};{email};{phone};{{pupils:{id}}};");
                    }

                    family = (surname, father, ids);
                    families.Add(family);
                }

                var boy = random.NextDouble() < 0.5;
                var (_, son, daughter) = DemoNames.Fathers[family.Father];
                var pupil = new DemoPupil(
                    $"p{++pupilNumber:D4}",
                    boy ? family.Surname : family.Surname + "а",
                    boy ? DemoNames.BoysNames[random.Next(DemoNames.BoysNames.Length)] : DemoNames.GirlsNames[random.Next(DemoNames.GirlsNames.Length)],
                    boy ? son : daughter,
                    className,
                    grade,
                    family.Guardians);
                roster.Add(pupil);
                var birth = new DateOnly(2026 - 6 - grade, 1 + random.Next(12), 1 + random.Next(28));
                pupils.Add($"{pupil.Id};{pupil.LastName};{pupil.FirstName};{pupil.MiddleName};{className};{grade};{birth:yyyy-MM-dd};1");
            }
        }

        // Guardian rows were written before their children were known: fill in pupil_ids now.
        for (var i = 1; i < guardians.Count; i++)
        {
            var id = guardians[i][..guardians[i].IndexOf(';', StringComparison.Ordinal)];
            var children = string.Join(',', roster.Where(p => p.Guardians.Contains(id)).Select(p => p.Id));
            guardians[i] = guardians[i].Replace($"{{pupils:{id}}}", children, StringComparison.Ordinal);
        }
    }

    private void MakeLessons(IReadOnlyList<DateOnly> days)
    {
        foreach (var day in days)
        {
            foreach (var (className, grade) in Classes)
            {
                var count = grade <= 1 ? 4 : grade <= 4 ? 5 : grade <= 9 ? 6 : 7;
                if (day.DayOfWeek == DayOfWeek.Friday && grade > 4) count--;
                var subjects = grade <= 4 ? DemoNames.PrimarySubjects : DemoNames.MiddleSubjects;
                var taken = new List<(int, DateTime)>();
                // One class's teacher never entered attendance one day: that is not a class of absentees.
                var neverEntered = className == "6А" && day == days[7];
                for (var n = 1; n <= count; n++)
                {
                    var start = day.ToDateTime(new TimeOnly(8, 30)).AddMinutes((n - 1) * 55);
                    var takenAt = random.NextDouble() < 0.03 ? day.ToDateTime(new TimeOnly(15, 30)).AddMinutes(random.Next(60)) : start.AddMinutes(5 + random.Next(35));
                    var subject = subjects[(n * 7 + day.DayNumber + grade) % subjects.Length];
                    lessons.Add($"{day:yyyy-MM-dd};{className};{n};{subject};{(neverEntered ? "" : Stamp(takenAt))}");
                    if (!neverEntered) taken.Add((n, takenAt));
                }

                schedule[(className, day)] = taken;
            }
        }
    }

    private void MakeAttendance(IReadOnlyList<DateOnly> days)
    {
        var ill = new Dictionary<string, int>();
        var climbers = new[] { "7Б", "8А", "9А", "9Б" }.Select(c => roster.First(p => p.ClassName == c && p.Guardians.Count > 0).Id).ToHashSet();
        var siblings = roster.GroupBy(p => string.Join(',', p.Guardians)).First(g => g.Count() >= 2).Select(p => p.Id).ToList();
        for (var i = 0; i < days.Count; i++)
        {
            var day = days[i];
            DateOnly? next = i + 1 < days.Count ? days[i + 1] : null;
            foreach (var pupil in roster)
            {
                var lessonsToday = schedule[(pupil.ClassName, day)];
                if (lessonsToday.Count == 0) continue;

                // Two siblings fall ill the same morning (the second week's Tuesday): their shared guardian gets one message.
                var sharedIllness = i == 6 && siblings.Contains(pupil.Id);
                if (ill.TryGetValue(pupil.Id, out var left) && left > 0)
                {
                    ill[pupil.Id] = left - 1;
                    foreach (var (n, at) in lessonsToday) Mark(day, pupil, n, "Б", at);
                    continue;
                }

                if (sharedIllness || random.NextDouble() < 0.008)
                {
                    // First day of an illness: nobody told the school; the note («справка», a call) arrives next morning.
                    ill[pupil.Id] = 1 + random.Next(5);
                    foreach (var (n, at) in lessonsToday)
                    {
                        Mark(day, pupil, n, "Н", at);
                        if (next is { } d) Mark(day, pupil, n, "Б", NextMorning(d, 8, 5));
                    }

                    continue;
                }

                if (climbers.Contains(pupil.Id) && ClimberSkipsToday(i))
                {
                    var week = i / 5;
                    var all = week >= 2 && i % 5 is 1 or 3;
                    var skipped = all ? lessonsToday : lessonsToday.Skip(lessonsToday.Count - 1 - (week % 2)).ToList();
                    foreach (var (n, at) in skipped)
                    {
                        Mark(day, pupil, n, "Н", at);
                        if (next is { } d) Mark(day, pupil, n, "НП", NextMorning(d, 9, 30));
                    }

                    continue;
                }

                var roll = random.NextDouble();
                if (roll < 0.012)
                {
                    SkipLessons(day, next, pupil, lessonsToday);
                }
                else if (roll < 0.015)
                {
                    // A family day out nobody announced: absent all day, excused by a parent's note next morning.
                    foreach (var (n, at) in lessonsToday)
                    {
                        Mark(day, pupil, n, "Н", at);
                        if (next is { } d) Mark(day, pupil, n, "УП", NextMorning(d, 8, 40));
                    }
                }
                else if (roll < 0.025)
                {
                    Mark(day, pupil, 1, "ОП", lessonsToday[0].TakenAt);
                }
            }
        }

        // Rows a real export might carry by mistake: each is reported with file and line, and skipped.
        attendance.Add($"{days[1]:yyyy-MM-dd};{roster[3].Id};2;Х;{Stamp(days[1].ToDateTime(new TimeOnly(9, 40)))}");
        attendance.Add($"31.11.2026;{roster[4].Id};1;Н;");
        attendance.Add($"{days[2]:yyyy-MM-dd};p9999;1;Н;{Stamp(days[2].ToDateTime(new TimeOnly(8, 50)))}");
    }

    private static bool ClimberSkipsToday(int dayIndex)
    {
        var week = dayIndex / 5;
        var weekday = dayIndex % 5;
        return week switch
        {
            0 => weekday == 2,
            1 => weekday is 1 or 3,
            2 => weekday is 0 or 1 or 3,
            _ => weekday is 0 or 1 or 3 or 4,
        };
    }

    private void SkipLessons(DateOnly day, DateOnly? next, DemoPupil pupil, List<(int Number, DateTime TakenAt)> today)
    {
        var first = 1 + random.Next(Math.Max(1, today.Count - 1));
        var skipped = today.Where(l => l.Number >= first && l.Number < first + 1 + random.Next(2)).ToList();
        var outcome = random.NextDouble();
        foreach (var (n, at) in skipped)
        {
            Mark(day, pupil, n, "Н", at);
            switch (outcome)
            {
                case < 0.35 when next is { } d:
                    Mark(day, pupil, n, "НП", NextMorning(d, 9, 10));        // no valid reason: unexcused
                    break;
                case < 0.6 when next is { } d:
                    Mark(day, pupil, n, "УП", NextMorning(d, 9, 0));         // a parent's note next morning
                    break;
                case < 0.8:
                    Mark(day, pupil, n, "УП", at.AddMinutes(8));             // a parent phoned at once: no notice goes
                    break;
                case < 0.9:
                    Mark(day, pupil, n, "П", at.AddMinutes(12));             // the teacher's slip, corrected before a notice
                    break;
                default:
                    Mark(day, pupil, n, "П", at.AddMinutes(90));             // corrected only after the parents were told
                    break;
            }
        }
    }

    private void Mark(DateOnly day, DemoPupil pupil, int lesson, string code, DateTime recordedAt) =>
        attendance.Add($"{day:yyyy-MM-dd};{pupil.Id};{lesson};{code};{Stamp(recordedAt)}");

    private DateTime NextMorning(DateOnly day, int hour, int minute) => day.ToDateTime(new TimeOnly(hour, minute)).AddMinutes(random.Next(20));

    private static string Stamp(DateTime local) => local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private sealed record DemoPupil(string Id, string LastName, string FirstName, string MiddleName, string ClassName, int Grade, List<string> Guardians);
}
