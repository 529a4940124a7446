using System.Data.Common;
using System.Globalization;
using Connector.Abstractions.Schools;
using Connector.Adapters.Generic.Contacts;
using Connector.Contacts;
using Connector.Schools;
using Connector.Store;

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
            var pupils = await RosterRepository.ActivePupilsAsync(db, school.Id).ConfigureAwait(false);
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
        var stranded = await RosterRepository.StrandedAsync(db, school.Id, today, previous).ConfigureAwait(false);
        if (stranded.Count > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Школа {school.Id}: учеников с невыясненным пропуском, чьим представителям нечем сообщить (нет ни почты, ни телефона): {stranded.Count} — {string.Join(", ", stranded.Select(s => $"{s.ClassName} № {s.PupilId}"))}."));
        }
    }
}
