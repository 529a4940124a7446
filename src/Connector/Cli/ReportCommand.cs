using System.Globalization;
using Connector.Audit;
using Connector.Reports;
using Connector.Schools;
using Connector.Store;
using Connector.Thresholds;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Cli;

/// <summary>
/// <c>report --school S --period month|quarter [--of yyyy-MM] --format xlsx|csv --out FILE</c>: the report the
/// school's profile requires, for a whole month or school quarter (the last completed one unless <c>--of</c> names
/// another). Every report handed out is recorded in the audit log.
/// </summary>
internal static class ReportCommand
{
    public static async Task<int> RunAsync(string? home, string schoolId, string periodName, string? of, string format, string output, CancellationToken cancellationToken)
    {
        using var host = InstalledHost.Open(home);
        if (host is null) return ExitCodes.Configuration;
        if (InstalledHost.School(host, schoolId) is not { } school) return ExitCodes.Configuration;
        if (periodName is not ("month" or "quarter")) return Refuse($"--period: '{periodName}' — укажите month или quarter.");
        if (format is not ("xlsx" or "csv")) return Refuse($"--format: '{format}' — укажите xlsx или csv.");

        var kind = periodName == "month" ? PeriodKind.Month : PeriodKind.Quarter;
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var today = school.LocalDate(now);
        DateOnly anchor;
        if (of is null)
        {
            // The last completed period: the day before the current one began.
            anchor = (Periods.Current(kind, today)?.From ?? today).AddDays(-1);
        }
        else if (!DateOnly.TryParseExact(of.Length == 7 ? of + "-01" : of, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out anchor))
        {
            return Refuse($"--of: '{of}' — укажите месяц в виде 2026-11 или дату 2026-11-15.");
        }

        if (Periods.Whole(kind, anchor) is not { } period) return Refuse($"{anchor:dd.MM.yyyy} не входит ни в одну учебную четверть.");
        var database = host.Services.GetRequiredService<ConnectorDatabase>();
        await using var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var report = await host.Services.GetRequiredService<ReportBuilder>().BuildAsync(db, school, period, kind).ConfigureAwait(false);

        var file = Path.GetFullPath(output);
        if (format == "xlsx") XlsxReportWriter.Write(file, report.Tables);
        else CsvReportWriter.Write(file, report.Tables);

        await database.InTransactionAsync(async (conn, tx) =>
        {
            await AuditLog.RecordAsync(conn, tx, new AuditEntry(now, schoolId, "report.issued", $"file:{Path.GetFileName(file)}", null, report.PupilIds,
                $"отчёт по профилю {school.Ref.ProfileId} за {period.ForName} (RULES.md §5; 003 §6.5: с регистрацией факта передачи)", file)).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);

        var rows = report.Tables.Sum(t => t.Rows.Count);
        Console.WriteLine($"Отчёт за {period.ForName} ({string.Join(", ", report.Tables.Select(t => t.SheetName))}; строк: {rows}) записан в {file}. Выдача записана в журнал аудита.");
        return ExitCodes.Ok;
    }

    private static int Refuse(string message)
    {
        Console.Error.WriteLine(message);
        return ExitCodes.Configuration;
    }
}
