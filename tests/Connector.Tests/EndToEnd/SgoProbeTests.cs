using System.Text.Json.Nodes;
using Connector.Testing;
using Connector.Testing.Sgo;

namespace Connector.Tests.EndToEnd;

/// <summary><c>connector sgo probe</c>, run as the IT person runs it, against the SGO emulator.</summary>
public sealed class SgoProbeTests : IAsyncLifetime
{
    private const string Password = "Пароль-Проверки1";
    private readonly TestInstallation install = new();
    private SgoEmulator sgo = null!;

    public async Task InitializeAsync()
    {
        sgo = await SgoEmulator.StartAsync();
        var teacher = sgo.AddStaff("Белова Ирина Викторовна");
        sgo.AddAccount("ConnectorСлужба", Password, "Сервис Connector", true, (SgoEmulator.StaffRoleId, SgoEmulator.StaffRoleName));
        var c7b = sgo.AddClass("7Б", teacher, "Математика", "Русский язык");
        sgo.AddStudent(c7b, "Петров Иван Сергеевич", null, new SgoParentData("Петрова Мария Ивановна", "maria@example.com", null));
        sgo.AddStudent(c7b, "Сидорова Анна Олеговна", null);
        sgo.AddStudent(sgo.AddClass("5А", sgo.AddStaff("Орлова Ольга Петровна")), "Белова Полина Алексеевна", null);
        sgo.Lessons(c7b, DateOnly.FromDateTime(DateTime.UtcNow), 2);
        install.School["Adapter"] = new JsonObject
        {
            ["Kind"] = "sgo", ["BaseUrl"] = sgo.BaseUrl, ["SchoolId"] = sgo.SchoolId, ["Login"] = "ConnectorСлужба", ["LingerSeconds"] = 0, ["RequestsPerMinute"] = 6000,
        };
        install.Secrets["Connector:Schools:0:Adapter:Password"] = Password;
        install.Save();
    }

    public async Task DisposeAsync()
    {
        await sgo.DisposeAsync();
        install.Dispose();
    }

    [Fact]
    public async Task Probe_SaysWhatTheServerAndAccountAllow_InRussian_AndLogsOut()
    {
        var result = await install.RunAsync(null, "sgo", "probe", "--school", "school-1");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var output = result.Output;
        Assert.Contains($"Школа school-1: сервер «Сетевого Города» {sgo.BaseUrl}/", output, StringComparison.Ordinal);
        Assert.Contains("Версия сервера: 5.47.0.0 (Сетевой Город. Образование)", output, StringComparison.Ordinal);
        Assert.Contains("Вход по логину и паролю разрешён: да; только через Госуслуги: нет", output, StringComparison.Ordinal);
        Assert.Contains("Роли учётной записи: Администратор", output, StringComparison.Ordinal);
        Assert.Contains("ОТ — Отсутствовал, УП — Пропуск по уважительной причине, Б — Пропуск по болезни", output, StringComparison.Ordinal);
        Assert.Contains("Видно классов: 2, учеников: 3, из них с контактами родителей: 1", output, StringComparison.Ordinal);
        Assert.Contains("Ученики: читается через webapi/users/studentlist?classId=", output, StringComparison.Ordinal);
        Assert.Contains("отвечает: webapi/grade/journal/edit?sgId=&termId=&cmid= — учеников на странице урока: 2", output, StringComparison.Ordinal);
        Assert.Contains("отвечает: webapi/mail/recipients — адресатов: 3", output, StringComparison.Ordinal);
        Assert.Contains("Всё, что нужно сервису, сервер даёт.", output, StringComparison.Ordinal);
        Assert.Contains("Сеанс закрыт (выход выполнен).", output, StringComparison.Ordinal);
        // Ten subject groups (two in 7Б, eight in 5А) and today's two lessons: 10 lists and 2 pages at first; later a
        // poll reads today's 2 pages and a share of the rest.
        Assert.Contains("Запросов на опрос — оценка по 10 из 10 предметных групп (около 2 уроков в учебный день, окно в 7 дней, опрос раз в 15 минут): "
            + "первый после запуска около 12 (0 мин при 6000 в минуту), затем до 4 (0 мин).", output, StringComparison.Ordinal);
        Assert.DoesNotContain("увеличьте RequestsPerMinute", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output + result.Error, StringComparison.Ordinal);
        Assert.Equal((1, 1, 0), (sgo.Logins, sgo.Logouts, sgo.OpenSessions));
        Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "artifacts"));
        File.WriteAllText(Path.Combine(RepositoryRoot.Path, "artifacts", "sgo-probe.txt"), output);
    }

    [Fact]
    public async Task Probe_OfAServerMissingEndpoints_PrintsEveryOtherRead_NamesWhatIsMissing_AndSavesTheAnswersMasked()
    {
        sgo.Variants = new SgoVariants { Terms = SgoTermsVariant.YearOnly, Students = SgoStudentsVariant.GradeStudentList, Registry = SgoRegistryVariant.None, Parents = SgoParentsVariant.NamesOnly };
        var savedPath = Path.Combine(install.Home, "probe-answers.json");

        var result = await install.RunAsync(null, "sgo", "probe", "--school", "school-1", "--save", savedPath);

        Assert.Equal(3, result.ExitCode);
        var output = result.Output;
        Assert.Contains("НЕ отвечает: webapi/users/studentlist?classId=", output, StringComparison.Ordinal);
        Assert.Contains("отвечает: webapi/grade/studentList?sgId=&termId= — учеников: 3, из них с родителями: 1", output, StringComparison.Ordinal);
        Assert.Contains("Периоды учебного года: читается через webapi/years/current", output, StringComparison.Ordinal);
        Assert.Contains("отвечает: webapi/grade/journal/edit?sgId=&termId=&cmid=", output, StringComparison.Ordinal);
        Assert.Contains("отвечает: webapi/mail/recipients — адресатов: 3", output, StringComparison.Ordinal);
        Assert.Contains("НЕ отвечает: asp/ajax/GetMessagesAjax.asp?nBoxID=3", output, StringComparison.Ordinal);
        Assert.Contains("Для работы сервиса не хватает: контакты родителей: учётная запись не видит ни одного адреса или телефона; дайте их в файле контактов (Contacts:File); "
            + "почта: папка «Отправленные» (без неё отметки сотрудникам не отправляются, чтобы не отправить дважды).", output, StringComparison.Ordinal);
        Assert.Equal((1, 1, 0), (sgo.Logins, sgo.Logouts, sgo.OpenSessions));

        var saved = JsonNode.Parse(File.ReadAllText(savedPath))!;
        var answers = saved["answers"]!.AsArray().Select(a => (Request: (string)a!["request"]!, Body: (string)a["body"]!)).ToList();
        Assert.Contains(answers, a => a.Request == "GET webapi/grade/journal/filter/init" && a.Body.Contains("\"name\":\"7Б\"", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Request == "POST webapi/login" && a.Body.Contains("\"at\":\"***\"", StringComparison.Ordinal));
        var everything = File.ReadAllText(savedPath);
        foreach (var personal in new[] { "Петров", "Сидорова", "Белова", "Петрова Мария", "maria@example.com", Password, "Сервис Connector" })
        {
            Assert.DoesNotContain(personal, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Probe_OfAnEsiaOnlyServer_SaysSo_AndFails()
    {
        sgo.EsiaOnly = true;

        var result = await install.RunAsync(null, "sgo", "probe", "--school", "school-1");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Вход по логину и паролю разрешён: нет; только через Госуслуги: да", result.Output, StringComparison.Ordinal);
        Assert.Contains("Вход не выполнен: school school-1: the SGO server", result.Output, StringComparison.Ordinal);
        Assert.Contains("Сеанс не открывался.", result.Output, StringComparison.Ordinal);
        Assert.Equal(0, sgo.Logins);
    }
}
