using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Connector.Testing;
using Connector.Testing.Sgo;

namespace Connector.Tests.EndToEnd;

/// <summary>
/// <c>connector once</c>, run as an IT person runs it, against an SGO server that answers every uncertain read in
/// its other way and shows no parents' contacts: the guardians of the contacts file get the same-day notices; the
/// second run goes straight to the variants the first found; <c>check</c> names the pupil nobody can be told of.
/// The runs are rehearsed on Monday 9 November 2026 (<c>CONNECTOR_NOW</c>).
/// </summary>
public sealed class SgoOnceTests(MaildevServer maildev) : IClassFixture<MaildevServer>, IAsyncLifetime
{
    private const string Password = "Журнал-2026";
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();
    private SgoEmulator sgo = null!;
    private int orlova;

    static SgoOnceTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public async Task InitializeAsync()
    {
        sgo = await SgoEmulator.StartAsync();
        sgo.Variants = new SgoVariants
        {
            Terms = SgoTermsVariant.YearOnly, Students = SgoStudentsVariant.GradeStudentList, NickNames = true, MobileLessonNames = true,
            LowercaseSgid = true, NoClassTeachers = true, Parents = SgoParentsVariant.None, Registry = SgoRegistryVariant.Legacy,
        };
        sgo.AddAccount("ConnectorСлужба", Password, "Сервис Connector");
        var c7b = sgo.AddClass("7Б", sgo.AddStaff("Белова Ирина Викторовна"), "Математика", "Русский язык");
        var c5a = sgo.AddClass("5А", sgo.AddStaff("Орлова Ольга Петровна"), "Математика", "Чтение");
        var petrov = sgo.AddStudent(c7b, "Петров Иван Сергеевич", null);
        var kuznetsov = sgo.AddStudent(c5a, "Кузнецов Дмитрий Андреевич", null);
        orlova = sgo.AddStudent(c5a, "Орлова Ксения Игоревна", null);
        sgo.AddStudent(c7b, "Сидорова Анна Олеговна", null);
        sgo.Lessons(c7b, Monday, 4);
        sgo.Lessons(c5a, Monday, 4);
        sgo.Mark(petrov, Monday, 1, "ОТ");
        sgo.Mark(kuznetsov, Monday, 3, "ОТ");
        sgo.Mark(orlova, Monday, 2, "ОТ");

        var contacts = Path.Combine(install.Home, "config", "контакты.csv");
        File.WriteAllText(contacts,
            "ФИО ученика;Класс;ФИО представителя;Электронная почта\r\n" +
            "Петров Иван Сергеевич;7Б;Петрова Мария Ивановна;maria@example.com\r\n" +
            "Кузнецов Дмитрий Андреевич;5А;Кузнецова Елена Борисовна;elena@example.com\r\n", Encoding.GetEncoding(1251));
        install.UseSmtp(maildev.SmtpPort);
        install.School["Adapter"] = new JsonObject
        {
            ["Kind"] = "sgo", ["BaseUrl"] = sgo.BaseUrl, ["SchoolId"] = sgo.SchoolId, ["Login"] = "ConnectorСлужба",
            ["RequestsPerMinute"] = 6000, ["TimeoutSeconds"] = 5, ["LingerSeconds"] = 0,
        };
        install.School["Contacts"] = new JsonObject { ["File"] = "config/контакты.csv" };
        install.Secrets["Connector:Schools:0:Adapter:Password"] = Password;
        install.Save();
    }

    public async Task DisposeAsync()
    {
        await sgo.DisposeAsync();
        install.Dispose();
    }

    [Fact]
    public async Task Once_ReadsEveryVariant_NotifiesTheContactsFileGuardians_AndCheckNamesThePupilNobodyCanBeToldOf()
    {
        await maildev.ClearAsync();

        // 12:00: the absences are seen; the notices wait out the 20-minute grace period.
        var first = await install.RunAsync(At(12, 0), "once");
        Assert.Contains("Школа school-1: журнал прочитан; изменилось отметок: 3; новых пропусков без причины: 3;", first.Output, StringComparison.Ordinal);
        var firstRequests = sgo.RequestTargets.Count;

        // 12:30: a new process; the notices go out.
        var second = await install.RunAsync(At(12, 30), "once");
        Assert.Contains("отправлено: 2;", second.Output, StringComparison.Ordinal);

        var emails = (await maildev.GetEmailsAsync(atLeast: 2)).Select(e => (e.Recipient, e.Subject)).Order().ToList();
        Assert.Equal(
        [
            ("elena@example.com", "Школа № 1: пропуск уроков 9 ноября 2026 г."),
            ("maria@example.com", "Школа № 1: пропуск уроков 9 ноября 2026 г."),
        ], emails);

        // The second process found the variants in the store: not one request to a way the server does not answer.
        var later = sgo.RequestTargets.Skip(firstRequests).ToList();
        Assert.Contains(later, r => r.StartsWith("GET /webapi/grade/journal/edit?sgid=", StringComparison.Ordinal));
        Assert.DoesNotContain(later, r => r.Contains("users/studentlist", StringComparison.Ordinal) || r.Contains("terms/search", StringComparison.Ordinal)
            || r.Contains("sgId=", StringComparison.Ordinal) || r.Contains("mail/registry", StringComparison.Ordinal));
        Assert.Equal(0, sgo.OpenSessions);

        var check = await install.RunAsync(At(12, 35), "check");
        Assert.Contains($"контакты.csv: строк 2, не принято 0.", check.Output, StringComparison.Ordinal);
        Assert.Contains($"Школа school-1: учеников с невыясненным пропуском, чьим представителям нечем сообщить (нет ни почты, ни телефона): 1 — 5А № {orlova.ToString(CultureInfo.InvariantCulture)}.",
            check.Output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> At(int hour, int minute) =>
        new() { ["CONNECTOR_NOW"] = new DateTimeOffset(Monday.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(3)).ToString("O", CultureInfo.InvariantCulture) };
}
