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
    public async Task Volsk_Appendix1_HasItsThreeParts_EveryRow_AndCountsAsNumbersByGradeBand()
    {
        await PollNovemberAsync("volsk");

        var sheets = await WriteAndReadAsync(PeriodKind.Month);

        Assert.Equal(["I", "II", "III"], sheets.Select(s => s.Sheet));
        var (title, rows) = (sheets[0].Title, sheets[0].Rows);
        Assert.StartsWith("I. Сведения о несовершеннолетних обучающихся, подлежащих учету в образовательной организации: Школа № 1. Отчетный период: с 01.11.2026 по 30.11.2026", title, StringComparison.Ordinal);
        // 002, приложение № 1: columns 1–8, the general school's grade bands and total, then the other kinds of school.
        Assert.Equal(["1", "2", "1 – 4 классы", "5 – 9 классы", "10 – 11 классы", "Итого", "Учреждение специального образования (интернат, спецшкола открытого типа и др.)", "Учреждение среднего профессионального образования"], rows[0]);
        Assert.Equal(["2.1.", "2.2.", "2.3.", "2.4."], rows.Skip(1).Select(r => r[0]).Where(n => n.Length > 0));
        Assert.Equal(25, rows.Count - 1); // every row of part I: 2.1 and its 5, 2.2 and its 13, 2.3 and its 3, 2.4
        var over30 = rows.Single(r => r[1].StartsWith("из них: систематически пропускающие", StringComparison.Ordinal));
        Assert.Equal(["0", "1", "1", "2", "", ""], over30.Skip(2));   // Petrov (7Б) and Sidorov (10А)
        Assert.Equal(["", "", "", "", "", ""], rows.Single(r => r[0] == "2.4.").Skip(2)); // families in danger: for staff
        Assert.Equal(CellValues.Number, sheets[0].Types[rows.IndexOf(over30)][5]);
        Assert.Equal(["рассмотренных на заседаниях КДНиЗП", "рассмотренных на заседаниях Совета профилактики"], sheets[1].Rows.Skip(1).Select(r => r[1]));
        Assert.Equal(13, sheets[2].Rows.Count - 1);
    }

    [Fact]
    public async Task Tolyatti_FillsFormsOneAndTwo_WithEveryColumnOfTheOrder()
    {
        await PollNovemberAsync("tolyatti");

        var sheets = await WriteAndReadAsync(PeriodKind.Month);

        Assert.Equal(2, sheets.Count);
        // 004, приложение, форма № 1: ten columns.
        Assert.Equal(
            ["№", "ФИО (полностью)", "Дата рождения", "Класс", "Год обучения в этом классе", "С какого времени не обучается", "Домашний адрес",
                "Сведения о семье, в которой проживает несовершеннолетний. Характеристика жилищных условий", "Причины уклонения от учебы (социальные, педагогические, психологические)",
                "Меры по социальной реабилитации несовершеннолетнего"], sheets[0].Rows[0]);
        // Форма № 2: nine.
        Assert.Equal(
            ["№", "ФИО (полностью)", "Дата рождения", "Класс", "Год обучения в этом классе", "Домашний адрес",
                "Сведения о семье, в которой проживает несовершеннолетний. Характеристика жилищных условий", "Причины уклонения от учебы (социальные, педагогические, психологические)",
                "Принятые меры"], sheets[1].Rows[0]);
        var sidorov = Assert.Single(sheets[0].Rows.Skip(1));   // form № 1: not started
        Assert.Equal(("1", "Сидоров Павел Олегович", "02.11.2026", "неуважительные (отмечено в журнале), причины не записаны"), (sidorov[0], sidorov[1], sidorov[5], sidorov[8]));
        Assert.Equal(CellValues.Number, sheets[0].Types[1][0]);
        Assert.Equal(["Петров Иван Сергеевич"], sheets[1].Rows.Skip(1).Select(r => r[1]));    // form № 2: over 50 %
        Assert.Equal("не выяснены", sheets[1].Rows[1][7]);
    }

    [Fact]
    public async Task ZatoSvobodny_GetsItsOwnMonthlyInformation_WithBothCategoriesOfItsOrder()
    {
        await PollNovemberAsync("zato-svobodny");

        var sheets = await WriteAndReadAsync(PeriodKind.Month);

        var rows = sheets.Single().Rows;
        Assert.StartsWith("Информация об обучающихся, не посещающих, систематически пропускающих по неуважительным причинам учебные занятия (приложение № 1 к Инструкции)", sheets[0].Title, StringComparison.Ordinal);
        Assert.Equal(["№ п/п", "Ф.И.О.", "Дата рождения", "Класс", "Категория (п. 3.4 Инструкции)", "Пропущено уроков без уважительной причины", "Всего уроков за отчетный период",
            "Доля пропущенных, %", "Причины", "Принятые меры (п. 3.3 Инструкции)"], rows[0]);
        // Sidorov never came: «не посещающие»; Petrov's 67 % is under ZATO's 75 %.
        var sidorov = Assert.Single(rows.Skip(1));
        Assert.Equal(("Сидоров Павел Олегович", "Не посещающие (не приступившие к обучению в текущем учебном году)", "120", "120", "100"),
            (sidorov[1], sidorov[4], sidorov[5], sidorov[6], sidorov[7]));
        Assert.All(sheets[0].Types[1].Skip(5).Take(3), t => Assert.Equal(CellValues.Number, t));
    }

    [Fact]
    public async Task Krasnodar_JudgesTheQuartersEffectiveness_OnAllFiveCriteria_SayingWhereItHasNoData()
    {
        await PollNovemberAsync("krasnodar");

        var sheets = await WriteAndReadAsync(PeriodKind.Quarter);

        var rows = sheets.Single().Rows;
        // 003 §VII, п. 7.1: the five criteria, in their order and words.
        Assert.Equal(
            ["№", "ФИО", "Класс", "Посещаемость за период, %", "Динамика посещаемости (не менее 85 % – положительная оценка)",
                "Динамика успеваемости (отсутствие академической задолженности)", "Изменение поведения (снижение конфликтности, участие в общественной жизни)",
                "Вовлеченность во внеурочную деятельность (не менее одного кружка/секции)", "Положительная характеристика от классного руководителя (куратора группы)"], rows[0]);
        var petrov = rows.Single(r => r[1] == "Петров Иван Сергеевич");
        Assert.Equal(["отрицательная (менее 85 %)", "нет данных", "нет данных", "нет данных", "нет данных"], petrov.Skip(4));
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
        var sheet = Read(file).Single();
        var rows = sheet.Rows;
        Assert.Equal(CellValues.Number, sheet.Types[rows.FindIndex(r => r[1] == "Петров Иван Сергеевич")][3]);
        // 000, приложение: the seven columns in the order's words.
        Assert.Equal(
            ["№ п/п", "Фамилия, имя, отчество (при наличии) детей, не приступивших к обучению, не посещающих и систематически пропускающих по неуважительным причинам занятия в образовательной организации",
                "Школа, класс", "Количество пропусков", "Причины", "Меры профилактики/ индивидуальная профилактическая работа*", "Результат"], rows[0]);
        var petrov = rows.Single(r => r[1] == "Петров Иван Сергеевич");
        Assert.Equal(("Школа № 1, 7Б", "80", "не выяснены"), (petrov[2], petrov[3], petrov[4]));   // 4 lessons × 20 days, a number

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

    private async Task<List<(string Sheet, string Title, List<string[]> Rows, List<CellValues[]> Types)>> WriteAndReadAsync(PeriodKind kind)
    {
        var school = host!.Services.GetRequiredService<SchoolRegistry>().Get("school-1");
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var period = Periods.Whole(kind, new DateOnly(2026, 11, 15))!;
        var report = await host.Services.GetRequiredService<ReportBuilder>().BuildAsync(db, school, period, kind);
        var file = Path.Combine(install.Home, "report.xlsx");
        XlsxReportWriter.Write(file, report.Tables);
        return Read(file);
    }

    /// <summary>
    /// Reads every sheet back: its name, the title in A1, then header and data rows, and each cell's type. Every sheet
    /// repeats its title and header rows on each printed page.
    /// </summary>
    private static List<(string Sheet, string Title, List<string[]> Rows, List<CellValues[]> Types)> Read(string file)
    {
        using var document = SpreadsheetDocument.Open(file, isEditable: false);
        var workbook = document.WorkbookPart!;
        var printTitles = workbook.Workbook.DefinedNames!.Elements<DefinedName>().Where(d => d.Name == "_xlnm.Print_Titles").ToDictionary(d => d.LocalSheetId!.Value, d => d.Text);
        return workbook.Workbook.Sheets!.Elements<Sheet>().Select((sheet, i) =>
        {
            Assert.Equal($"'{sheet.Name}'!$1:$2", printTitles[(uint)i]);
            var cells = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().Select(r => r.Elements<Cell>().ToList()).ToList();
            var rows = cells.Select(r => r.Select(c => c.InnerText).ToArray()).ToList();
            var types = cells.Select(r => r.Select(c => c.DataType?.Value ?? CellValues.Number).ToArray()).ToList();
            return (sheet.Name!.Value!, rows[0][0], rows.Skip(1).ToList(), types.Skip(1).ToList());
        }).ToList();
    }
}
