using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Connector.Demo;
using Connector.Testing;
using Connector.Testing.Sgo;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.EndToEnd;

/// <summary>
/// The whole service against SGO servers that answer in the other ways the research leaves open and show no parents'
/// contacts: the guardians named in a contacts file (as Excel saves it) get the same-day notices, once each; a
/// write-back that the server could not take at first is delivered once it can, and never twice.
/// </summary>
public sealed class SgoVariantsEndToEndTests(MaildevServer maildev) : IClassFixture<MaildevServer>, IAsyncLifetime
{
    private const string Password = "Журнал-2026";
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(Monday.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
    private SgoEmulator sgo = null!;
    private int teacher;
    private int petrov;
    private int kuznetsov;

    static SgoVariantsEndToEndTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly SgoVariants[] Reads = [.. SgoVariants.AllReads()];

    /// <summary>Every combination of the read variants (64), each with parents absent or without contacts, a Sent-folder variant, and a contacts file format.</summary>
    public static TheoryData<int> Servers => [.. Enumerable.Range(0, Reads.Length)];

    public async Task InitializeAsync()
    {
        sgo = await SgoEmulator.StartAsync(clock);
        teacher = sgo.AddStaff("Белова Ирина Викторовна");
        sgo.AddAccount("ConnectorСлужба", Password, "Сервис Connector");
        var c7b = sgo.AddClass("7Б", teacher, "Математика", "Русский язык");
        var c5a = sgo.AddClass("5А", sgo.AddStaff("Орлова Ольга Петровна"), "Математика", "Чтение");
        petrov = sgo.AddStudent(c7b, "Петров Иван Сергеевич", new DateOnly(2013, 4, 2), new SgoParentData("Петрова Мария Ивановна", null, null));
        var sidorova = sgo.AddStudent(c7b, "Сидорова Анна Олеговна", null, new SgoParentData("Сидоров Олег Юрьевич", null, null));
        kuznetsov = sgo.AddStudent(c5a, "Кузнецов Дмитрий Андреевич", null, new SgoParentData("Кузнецова Елена Борисовна", null, null));
        sgo.AddStudent(c5a, "Орлова Ксения Игоревна", null);
        sgo.Lessons(c7b, Monday, 4);
        sgo.Lessons(c5a, Monday, 4);
        sgo.Mark(petrov, Monday, 1, "ОТ", At(8, 40));
        sgo.Mark(sidorova, Monday, 2, "Б", At(9, 30));
        sgo.Mark(kuznetsov, Monday, 3, "ОТ", At(10, 35));

        install.UseSmtp(maildev.SmtpPort);
        install.School["Adapter"] = new JsonObject
        {
            ["Kind"] = "sgo", ["BaseUrl"] = sgo.BaseUrl, ["SchoolId"] = sgo.SchoolId, ["Login"] = "ConnectorСлужба",
            ["RequestsPerMinute"] = 6000, ["TimeoutSeconds"] = 5, ["LingerSeconds"] = 1,
        };
        install.Secrets["Connector:Schools:0:Adapter:Password"] = Password;
    }

    public async Task DisposeAsync()
    {
        await sgo.DisposeAsync();
        install.Dispose();
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task ServerWithoutParentsContacts_TheGuardiansOfTheContactsFileGetTheSameDayNotices_OnceEach(int server)
    {
        var variants = Reads[server] with
        {
            Parents = server % 2 == 0 ? SgoParentsVariant.None : SgoParentsVariant.NamesOnly,
            Registry = (SgoRegistryVariant)(server / 2 % 3),
        };
        var file = (server / 3 % 4) switch
        {
            0 => WriteCsv(Encoding.GetEncoding(1251), ';', byId: false),
            1 => WriteXlsx(byId: true),
            2 => WriteCsv(new UTF8Encoding(true), ',', byId: true),
            _ => WriteXlsx(byId: false),
        };
        sgo.Variants = variants;
        install.Connector["Delivery"]!["IntervalSeconds"] = 600; // fewer replay steps: the notices are due at 09:00 and 10:55
        await maildev.ClearAsync();
        install.School["Contacts"] = new JsonObject { ["File"] = file };

        await RunMondayAsync(_ => { });

        var emails = (await maildev.GetEmailsAsync(atLeast: 2)).Select(e => (e.Recipient, e.Subject)).Order().ToList();
        Assert.True(emails.SequenceEqual(
        [
            ("elena@example.com", "Школа № 1: пропуск уроков 9 ноября 2026 г."),
            ("maria@example.com", "Школа № 1: пропуск уроков 9 ноября 2026 г."),
        ]), $"{variants}: {string.Join("; ", emails)}");
        Assert.Equal(0, sgo.OpenSessions);
    }

    [Fact]
    public async Task WriteBack_ThatTheServerCouldNotTakeAtFirst_IsRetried_AndDeliveredOnce()
    {
        install.School["Profile"] = "baley"; // any lesson missed without a reason is a level: a flag for the class teacher
        install.School["Contacts"] = new JsonObject { ["File"] = WriteCsv(Encoding.GetEncoding(1251), ';', byId: false) };
        sgo.SendVariant = 0; // neither way of sending mail is there (404, 404): a server being updated
        var switchedAt = new DateTimeOffset(Monday.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero); // 13:00 in Moscow

        await RunMondayAsync(now =>
        {
            if (now >= switchedAt) sgo.SendVariant = 2;
        });

        var flags = sgo.Mail.Where(m => m.To.Contains(teacher)).ToList();
        var flag = Assert.Single(flags); // Petrov's (7Б); Kuznetsov's class teacher is Орлова
        Assert.StartsWith("Connector: пропуски без уважительной причины, 7Б, 09.11.2026 #", flag.Subject, StringComparison.Ordinal);
        Assert.Equal(2, sgo.Mail.Count);
        Assert.Equal(sgo.Mail.Count, sgo.Mail.Select(m => m.Subject).Distinct().Count());
        var sends = sgo.Requests.Where(r => r.Method == "POST" && r.Path.StartsWith("/webapi/mail/messages", StringComparison.Ordinal)).ToList();
        Assert.Contains(sends, r => r.At < switchedAt); // tried while refused…
        // Two variants a try; back-off (5, 10, 20, 40, 80 min) makes 6 tries of the 08:40 flag and 5 of the 10:35 one
        // before 13:00; a try at each 15-minute poll would have made 24 tries, 48 requests.
        Assert.True(sends.Count(r => r.At < switchedAt) <= 24, $"{sends.Count(r => r.At < switchedAt)} requests before the server could take them: back-off not kept");
    }

    private async Task RunMondayAsync(Action<DateTimeOffset> afterStep)
    {
        using var host = install.BuildHost(clock, new CapturedLog());
        await host.StartAsync();
        await new ReplayDriver(host, clock.MoveTo).RunAsync(Monday, Monday, now =>
        {
            afterStep(now);
            return Task.CompletedTask;
        }, CancellationToken.None);
        await host.StopAsync();
    }

    private string[][] Rows(bool byId) =>
    [
        ["Код ученика в журнале", "ФИО ученика", "Класс", "ФИО представителя", "Электронная почта", "Телефон", "Согласие на уведомления"],
        [byId ? Id(petrov) : "", byId ? "" : "Петров Иван Сергеевич", byId ? "" : "7Б", "Петрова Мария Ивановна", "maria@example.com", "", "да"],
        [byId ? Id(kuznetsov) : "", byId ? "" : "Кузнецов Дмитрий Андреевич", byId ? "" : "5 А", "Кузнецова Елена Борисовна", "elena@example.com", "", ""],
        // A row that matches nobody is reported and changes nothing.
        ["", "Неизвестный Ученик", "9В", "Кто-то Другой", "other@example.com", "", ""],
    ];

    private string WriteCsv(Encoding encoding, char delimiter, bool byId)
    {
        var path = Path.Combine(install.Home, "контакты.csv");
        File.WriteAllText(path, string.Concat(Rows(byId).Select(r => string.Join(delimiter, r) + "\r\n")), encoding);
        return path;
    }

    private string WriteXlsx(bool byId)
    {
        var path = Path.Combine(install.Home, "контакты.xlsx");
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var shared = workbook.AddNewPart<SharedStringTablePart>();
        shared.SharedStringTable = new SharedStringTable();
        var sheet = workbook.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        uint line = 1;
        foreach (var values in Rows(byId))
        {
            var row = new Row { RowIndex = line };
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i].Length == 0) continue; // Excel leaves empty cells out
                var reference = $"{(char)('A' + i)}{line}";
                // Excel keeps a typed number (a journal id) as a number, text in the shared strings.
                row.Append(long.TryParse(values[i], out _)
                    ? new Cell { CellReference = reference, CellValue = new CellValue(values[i]) }
                    : new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(Share(shared, values[i])) });
            }

            data.Append(row);
            line++;
        }

        sheet.Worksheet = new Worksheet(data);
        workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "Лист1" }));
        workbook.Workbook.Save();
        return path;
    }

    private static string Share(SharedStringTablePart part, string text)
    {
        part.SharedStringTable.AppendChild(new SharedStringItem(new Text(text)));
        return (part.SharedStringTable.Count() - 1).ToString(CultureInfo.InvariantCulture);
    }

    private static DateTimeOffset At(int hour, int minute) => new(Monday.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(3));

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
