using Connector.Adapters.SetevoyGorod;
using Connector.Notifier.Templates;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Cli;

/// <summary>
/// <c>sgo probe --school ID [--save FILE]</c>: for the IT person trying a real «Сетевой Город» server. Logs in with
/// the school's configured account, tries every variant of every read, prints one line per variant in Russian and
/// what is missing for the service to work, and logs out. Never prints a secret; the saved answers are masked.
/// </summary>
internal static class SgoCommand
{
    public static async Task<int> ProbeAsync(string? home, string schoolId, string? saveTo, CancellationToken cancellationToken)
    {
        using var host = InstalledHost.Open(home);
        if (host is null) return ExitCodes.Configuration;
        var school = InstalledHost.School(host, schoolId);
        if (school is null) return ExitCodes.Configuration;
        if (!string.Equals(school.Ref.AdapterKind, "sgo", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine($"Школа {schoolId} работает не с «Сетевым Городом» (Adapter:Kind = {school.Ref.AdapterKind}); проверять нечего.");
            return ExitCodes.Configuration;
        }

        var save = saveTo is null ? null : Path.GetFullPath(saveTo);
        var report = await host.Services.GetRequiredService<SgoProbe>().RunAsync(school.Ref, school.Options.Adapter!, cancellationToken, save).ConfigureAwait(false);
        Print(schoolId, report);
        if (save is not null) Console.WriteLine($"  Ответы сервера (имена, телефоны, адреса и ключи скрыты) записаны в {save}.");
        return report.Missing.Count == 0 ? ExitCodes.Ok : ExitCodes.Unreachable;
    }

    /// <summary>Why a variant did not answer, in Russian where the adapter's message has a known shape.</summary>
    private static string Why(string detail)
    {
        if (System.Text.RegularExpressions.Regex.Match(detail, @"answered (\d{3}) to ") is { Success: true } status)
        {
            return status.Groups[1].Value switch
            {
                "404" => "ответ 404: такого адреса на сервере нет",
                "400" => "ответ 400: сервер не принял параметры",
                "405" => "ответ 405: сервер не принимает такой запрос",
                var code => $"ответ {code}",
            };
        }

        if (System.Text.RegularExpressions.Regex.Match(detail, @"without the field '(?<field>[^;]+?)'(?: as [^;]+)?; found instead: (?<found>.*)$") is { Success: true } shape)
        {
            return $"в ответе нет поля {shape.Groups["field"].Value.Replace("' or '", "» или «", StringComparison.Ordinal).Insert(0, "«")}»; пришло (имена скрыты): {shape.Groups["found"].Value}";
        }

        return detail;
    }

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpper(text[0], System.Globalization.CultureInfo.GetCultureInfo("ru-RU")) + text[1..];

    private static void Print(string schoolId, SgoProbeReport report)
    {
        static string YesNo(bool? value) => value switch { true => "да", false => "нет", null => "неизвестно" };
        Console.WriteLine($"Школа {schoolId}: сервер «Сетевого Города» {report.Server}");
        Console.WriteLine($"  Версия сервера: {report.Version ?? "не получена"}{(report.ProductName is { } p ? $" ({p})" : "")}");
        Console.WriteLine($"  Вход по логину и паролю разрешён: {YesNo(report.PasswordLogin)}; только через Госуслуги: {YesNo(report.EsiaOnly)}");
        if (report.LoginError is { } error)
        {
            Console.WriteLine($"  Вход не выполнен: {error}");
        }
        else
        {
            Console.WriteLine($"  Вход выполнен. Роли учётной записи: {(report.Roles.Count > 0 ? string.Join(", ", report.Roles) : "не названы")}");
        }

        if (report.Reasons.Count > 0)
        {
            Console.WriteLine($"  Причины отсутствия на сервере: {string.Join(", ", report.Reasons.Select(r => $"{r.Code} — {r.Name}"))}");
        }

        if (report.Classes is { } classes) Console.WriteLine($"  Видно классов: {classes}, учеников: {report.Pupils}, из них с контактами родителей: {report.PupilsWithContacts}");
        foreach (var read in report.Endpoints.GroupBy(e => e.Read))
        {
            var answered = read.FirstOrDefault(e => e.Answered);
            Console.WriteLine(answered is null ? $"  {Capital(read.Key)}: не читается" : $"  {Capital(read.Key)}: читается через {answered.Path}");
            foreach (var endpoint in read.Where(e => e.Path.Length > 0))
            {
                Console.WriteLine($"    {(endpoint.Answered ? "отвечает" : "НЕ отвечает")}: {endpoint.Path} — {(endpoint.Answered ? endpoint.Detail : Why(endpoint.Detail))}");
            }

            foreach (var endpoint in read.Where(e => e.Path.Length == 0)) Console.WriteLine($"    не проверено: {endpoint.Detail}");
        }

        if (report.Cost is { } cost)
        {
            var rate = cost.RequestsPerMinute;
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.GetCultureInfo("ru-RU"),
                $"  Запросов на опрос — оценка по {cost.SampledGroups} из {cost.Groups} {RussianText.Plural(cost.Groups, "предметной группы", "предметных групп", "предметных групп")} "
                + $"(около {cost.LessonsPerDay} {RussianText.Plural(cost.LessonsPerDay, "урока", "уроков", "уроков")} в учебный день, окно в {SgoPollCost.WindowDays} дней, опрос раз в {SgoPollCost.PollMinutes} минут): "
                + $"первый после запуска около {cost.FirstPoll} ({cost.Minutes(cost.FirstPoll):0.#} мин при {rate} в минуту), затем до {cost.LargestPoll} ({cost.Minutes(cost.LargestPoll):0.#} мин)."));
            if (cost.Minutes(cost.LargestPoll) > SgoPollCost.PollMinutes / 3.0)
            {
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.GetCultureInfo("ru-RU"),
                    $"  Опрос займёт больше трети интервала: увеличьте RequestsPerMinute хотя бы до {(int)Math.Ceiling(cost.LargestPoll * 3.0 / SgoPollCost.PollMinutes)}, если оператор сервера это разрешает."));
            }
        }

        if (report.LoginError is null)
        {
            Console.WriteLine("  Отправка писем не проверялась: проверка ничего не отправляет; вариант отправки выбирается при первой отметке.");
        }

        Console.WriteLine(report.Missing.Count == 0
            ? "  Всё, что нужно сервису, сервер даёт."
            : $"  Для работы сервиса не хватает: {string.Join("; ", report.Missing)}.");
        Console.WriteLine(report.LoggedOut switch
        {
            true => "  Сеанс закрыт (выход выполнен).",
            false => "  Сеанс не закрыт: сервер не подтвердил выход; он закроется сам по истечении времени простоя.",
            null => "  Сеанс не открывался.",
        });
    }
}
