using System.Data.Common;
using System.Globalization;
using Connector.Abstractions.Schools;
using Connector.Adapters.Generic.Contacts;
using Connector.Contacts;
using Connector.Schools;
using Connector.Store;
using Dapper;

namespace Connector.Cli;

/// <summary>
/// <c>contacts template --out FILE</c> writes an empty contacts file with the columns in Russian; <c>check</c> uses
/// <see cref="DescribeAsync"/> to say what a school's contacts file gives and who cannot be reached.
/// </summary>
internal static class ContactsCommand
{
    public static int Template(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            Console.Error.WriteLine($"Файл {full} уже есть; шаблон не записан, чтобы не стереть его. Укажите другое имя.");
            return ExitCodes.Configuration;
        }

        ContactsFile.WriteTemplate(full);
        Console.WriteLine($"Шаблон файла контактов записан: {full}.");
        Console.WriteLine("Одна строка — один представитель одного ученика. Ученика назовите кодом из журнала или ФИО с классом (и датой рождения, если в классе есть тёзки).");
        Console.WriteLine("Укажите файл в настройках школы: \"Contacts\": { \"File\": \"<путь к файлу>\" }.");
        return ExitCodes.Ok;
    }

    /// <summary>Prints what the school's contacts file gives, its rows that cannot be used, and the pupils with an unexplained absence nobody can be told of.</summary>
    public static async Task DescribeAsync(DbConnection db, SchoolContext school, GuardianContactsFile contacts, TimeProvider time, CancellationToken cancellationToken)
    {
        if (contacts.PathOf(school) is { } path)
        {
            var pupils = (await db.QueryAsync<(string Id, string Name, string ClassName, string? Birth)>(
                "SELECT pupil_id, full_name, class_name, birth_date FROM pupils WHERE school_id = @id AND active = 1", new { id = school.Id }).ConfigureAwait(false))
                .Select(p => new Pupil(p.Id, p.Name, p.ClassName, 1, [], true, p.Birth is null ? null : StoreTime.ParseDate(p.Birth)))
                .ToList();
            try
            {
                var read = ContactsFile.Read(path);
                var merged = ContactsMerger.Merge(new Roster(pupils, [], []), read, school.Options.Contacts.Prefer);
                var unused = merged.Roster.Problems.Where(p => p.Kind != SourceProblemKind.Note).ToList();
                Console.WriteLine($"Школа {school.Id}: файл контактов {path}: строк {read.Rows.Count + read.Problems.Count(p => p.Kind != SourceProblemKind.Note)}, не принято {unused.Count}"
                    + (pupils.Count == 0 ? " (ученики ещё не прочитаны из журнала: совпадения проверятся при первом опросе)." : "."));
                if (pupils.Count > 0)
                {
                    foreach (var problem in merged.Roster.Problems)
                    {
                        Console.WriteLine($"  строка {problem.Record}{(problem.Field is { } f ? $", столбец {f}" : "")}: {problem.Reason}");
                    }
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"Школа {school.Id}: файл контактов не читается: {ex.Message}");
            }
        }

        var today = school.LocalDate(time.GetUtcNow());
        var previous = school.Calendar.PreviousSchoolDay(today) ?? today;
        var stranded = (await db.QueryAsync<(string ClassName, string PupilId)>(
            """
            SELECT DISTINCT p.class_name, p.pupil_id FROM absences a
            JOIN pupils p ON p.school_id = a.school_id AND p.pupil_id = a.pupil_id
            WHERE a.school_id = @id AND a.date IN (@today, @previous) AND a.state <> 'explained'
              AND NOT EXISTS (SELECT 1 FROM pupil_guardians pg JOIN guardians g ON g.school_id = pg.school_id AND g.guardian_id = pg.guardian_id
                              WHERE pg.school_id = a.school_id AND pg.pupil_id = a.pupil_id AND (g.email IS NOT NULL OR g.phone IS NOT NULL))
            ORDER BY p.class_name, p.pupil_id
            """, new { id = school.Id, today = StoreTime.Format(today), previous = StoreTime.Format(previous) }).ConfigureAwait(false)).ToList();
        if (stranded.Count > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Школа {school.Id}: учеников с невыясненным пропуском, чьим представителям нечем сообщить (нет ни почты, ни телефона): {stranded.Count} — {string.Join(", ", stranded.Select(s => $"{s.ClassName} № {s.PupilId}"))}."));
        }
    }
}
