using System.Diagnostics;
using System.Globalization;
using Connector.Demo;
using Connector.Polling;
using Connector.Reports;
using Connector.Schools;
using Connector.Store;
using Connector.Testing;
using Connector.Thresholds;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Reports;

/// <summary>Each profile's report for a month or quarter, written as XLSX and read back with a real reader.</summary>
public sealed class ReportTests : IDisposable
{
    private static readonly DateOnly[] November = Enumerable.Range(0, 30).Select(d => new DateOnly(2026, 11, 1).AddDays(d))
        .Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && d.Day != 4).ToArray();

    private readonly TestInstallation install = new();
    private readonly FakeTimeProvider clock = new(DateTimeOffset.MinValue);
    private IHost? host;

    [Fact]
    public async Task Volsk_CountsPupilsByGradeBand()
    {
        await PollNovemberAsync("volsk");

        var sheets = await WriteAndReadAsync(PeriodKind.Month);

        var (title, rows) = sheets.Single();
        Assert.StartsWith("Сведения о несовершеннолетних обучающихся, подлежащих учёту: Школа № 1, ноябрь 2026", title, StringComparison.Ordinal);
        Assert.Equal(["Категория", "1–4 классы", "5–9 классы", "10–11 классы", "Всего"], rows[0]);
        Assert.Equal(["Пропускающие по неуважительным причинам (менее 30 %)", "1", "0", "0", "1"], rows[1]);
        Assert.Equal(["Систематически пропускающие (более 30 %)", "0", "1", "1", "2"], rows[2]);
    }

    [Fact]
    public async Task Tolyatti_FillsFormsOneAndTwo()
    {
        await PollNovemberAsync("tolyatti");

        var sheets = await WriteAndReadAsync(PeriodKind.Month);

        Assert.Equal(2, sheets.Count);
        Assert.Equal(["№", "ФИО", "Дата рождения", "Класс", "Причины", "Принятые меры"], sheets[0].Rows[0]);
        Assert.Equal("Сидоров Павел Олегович", Assert.Single(sheets[0].Rows.Skip(1))[1]);   // form № 1: not started
        Assert.Equal(["Петров Иван Сергеевич"], sheets[1].Rows.Skip(1).Select(r => r[1]));    // form № 2: over 50 %
    }

    [Fact]
    public async Task Krasnodar_JudgesTheQuartersEffectiveness_At85Percent()
    {
        await PollNovemberAsync("krasnodar");

        var sheets = await WriteAndReadAsync(PeriodKind.Quarter);

        var rows = sheets.Single().Rows;
        Assert.Equal(["№", "ФИО", "Класс", "Посещаемость за период", "Динамика"], rows[0]);
        Assert.Contains(rows, r => r[1] == "Петров Иван Сергеевич" && r[4] == "отрицательная (< 85 %)");
    }

    [Fact]
    public async Task Baley_MonitoringTable_OpensInLibreOffice_AndTheHandingOutIsAudited()
    {
        await PollNovemberAsync("baley");
        var file = Path.Combine(install.Home, "baley.xlsx");
        host!.Dispose();
        host = null;

        var result = await install.RunAsync(null, "report", "--school", "school-1", "--period", "month", "--of", "2026-11", "--format", "xlsx", "--out", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Выдача записана в журнал аудита", result.Output, StringComparison.Ordinal);
        var rows = Read(file).Single().Rows;
        Assert.Equal(["№ п/п", "ФИО", "Школа, класс", "Количество пропусков", "Причины", "Меры профилактики / ИПР", "Результат"], rows[0]);
        Assert.Contains(rows, r => r[1] == "Петров Иван Сергеевич" && r[2] == "Школа № 1, 7Б");

        // A real office suite must open it: LibreOffice converts it to PDF (installed by .ci/run and the test build).
        var pdf = Path.Combine(install.Home, "pdf");
        if (!File.Exists("/usr/bin/soffice")) await TestServers.EnsureAsync();
        var soffice = Process.Start(new ProcessStartInfo("soffice", ["--headless", "--convert-to", "pdf", "--outdir", pdf, file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await soffice.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        Assert.True(new FileInfo(Path.Combine(pdf, "baley.pdf")).Length > 1000, "LibreOffice did not convert the report");

        host = install.BuildHost(clock);
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var audited = await Dapper.SqlMapper.QuerySingleAsync<(string Recipient, string Subjects)>(db, "SELECT recipient, subject_ids FROM audit_log WHERE action = 'report.issued'");
        Assert.Equal("file:baley.xlsx", audited.Recipient);
        Assert.Contains("p1", audited.Subjects, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        host?.Dispose();
        install.Dispose();
    }

    /// <summary>
    /// November 2026: Petrov (7Б) misses 4 of 6 lessons a day without a reason (67 %), Kozlova (2А) one lesson a week,
    /// Sidorov (10А) never comes (not started); Orlova (7Б) attends.
    /// </summary>
    private async Task PollNovemberAsync(string profile)
    {
        install.School["Profile"] = profile;
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Pupil("p2", "Козлова Анна Олеговна", "2А", "g2").Guardian("g2", "Козлова Ольга Петровна", "olga@example.com")
            .Pupil("p3", "Сидоров Павел Олегович", "10А", "g3").Guardian("g3", "Сидорова Анна Юрьевна", "anna@example.com")
            .Pupil("p4", "Орлова Ксения Игоревна", "7Б", "g4").Guardian("g4", "Орлова Вера Петровна", "vera@example.com");
        foreach (var day in November)
        {
            install.Journal.Lessons("7Б", day, 6).Lessons("2А", day, 6).Lessons("10А", day, 6);
            for (var lesson = 1; lesson <= 4; lesson++) install.Journal.Mark(day, "p1", lesson, "Н");
            for (var lesson = 1; lesson <= 6; lesson++) install.Journal.Mark(day, "p3", lesson, "НП");
            if (day.DayOfWeek == DayOfWeek.Monday) install.Journal.Mark(day, "p2", 2, "НП");
        }

        install.School["LookbackDays"] = 45;
        host = install.BuildHost(clock);
        clock.MoveTo(new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.FromHours(3)));
        await host.Services.GetRequiredService<SchoolPoller>().PollAsync("school-1", CancellationToken.None);
    }

    private async Task<List<(string Title, List<string[]> Rows)>> WriteAndReadAsync(PeriodKind kind)
    {
        var school = host!.Services.GetRequiredService<SchoolRegistry>().Get("school-1");
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var period = Periods.Whole(kind, new DateOnly(2026, 11, 15))!;
        var report = await host.Services.GetRequiredService<ReportBuilder>().BuildAsync(db, school, period, kind);
        var file = Path.Combine(install.Home, "report.xlsx");
        XlsxReportWriter.Write(file, report.Tables);
        return Read(file);
    }

    /// <summary>Reads every sheet back: the title in A1, then header and data rows.</summary>
    private static List<(string Title, List<string[]> Rows)> Read(string file)
    {
        using var document = SpreadsheetDocument.Open(file, isEditable: false);
        var workbook = document.WorkbookPart!;
        return workbook.Workbook.Sheets!.Elements<Sheet>().Select(sheet =>
        {
            var rows = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.GetFirstChild<SheetData>()!.Elements<Row>()
                .Select(r => r.Elements<Cell>().Select(c => c.InnerText).ToArray()).ToList();
            return (rows[0][0], rows.Skip(1).ToList());
        }).ToList();
    }
}
