using Connector.Adapters.SetevoyGorod;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Cli;

/// <summary>
/// <c>sgo probe --school ID</c>: for the IT person trying a real «Сетевой Город» server. Logs in with the school's
/// configured account, prints what the server and the account allow, in Russian, and logs out. Never prints a secret.
/// </summary>
internal static class SgoCommand
{
    public static async Task<int> ProbeAsync(string? home, string schoolId, CancellationToken cancellationToken)
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

        var report = await host.Services.GetRequiredService<SgoProbe>().RunAsync(school.Ref, school.Options.Adapter!, cancellationToken).ConfigureAwait(false);
        Print(schoolId, report);
        return report.LoginError is null && report.Endpoints.All(e => e.Answered) ? ExitCodes.Ok : ExitCodes.Unreachable;
    }

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

        if (report.Classes is { } classes) Console.WriteLine($"  Видно классов: {classes}, учеников: {report.Pupils}");
        foreach (var group in report.Endpoints.GroupBy(e => e.Group))
        {
            Console.WriteLine(group.Key == "mail" ? "  Почта (для отметок сотрудникам):" : "  Посещаемость:");
            foreach (var endpoint in group)
            {
                Console.WriteLine($"    {(endpoint.Answered ? "отвечает" : "НЕ отвечает")}: {endpoint.Path} — {endpoint.Detail}");
            }
        }

        if (report.LoginError is null)
        {
            Console.WriteLine("  Отправка писем не проверялась: проверка ничего не отправляет; вариант отправки выбирается при первой отметке.");
        }

        Console.WriteLine(report.LoggedOut switch
        {
            true => "  Сеанс закрыт (выход выполнен).",
            false => "  Сеанс не закрыт: сервер не подтвердил выход; он закроется сам по истечении времени простоя.",
            null => "  Сеанс не открывался.",
        });
    }
}
