using Connector.Notifier.Templates;
using Connector.Testing;

namespace Connector.Notifier.Tests.Templates;

public sealed class MessageTemplatesTests
{
    private static readonly MessageTemplates Repository = new(Path.Combine(RepositoryRoot.Path, "config", "templates"));

    [Fact]
    public void TheAbsenceEmail_SaysTheDateAndLessons_AndKeepsTheChildsNameOutOfTheSubject()
    {
        var model = new AbsenceNoticeModel("Школа № 1", "+7 (900) 000-00-01", "Мария Ивановна", "9 ноября 2026 г.", "понедельник", true,
            [new AbsentPupilModel("Иван Петров", "7Б", "Ученик", [new(1, "Математика"), new(2, "Русский язык")], "Белова Ирина Викторовна", 5)]);

        var message = Repository.Render("absence.email", model);

        Assert.Equal("Школа № 1: пропуск уроков 9 ноября 2026 г.", message.Subject);
        Assert.DoesNotContain("Петров", message.Subject, StringComparison.Ordinal);
        Assert.StartsWith("Здравствуйте, Мария Ивановна!\n\nСегодня, понедельник 9 ноября 2026 г.,", message.Body, StringComparison.Ordinal);
        Assert.Contains("Ученик: Иван Петров, 7Б класс.\nПропущено: 2 урока:\n  1-й урок — Математика\n  2-й урок — Русский язык\n", message.Body, StringComparison.Ordinal);
        Assert.Contains("С начала месяца без уважительной причины пропущено 5 уроков.", message.Body, StringComparison.Ordinal);
        Assert.Contains("позвоните по телефону +7 (900) 000-00-01", message.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n\n", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NamesAMissingOrBrokenTemplate()
    {
        var folder = Directory.CreateTempSubdirectory("connector-templates-").FullName;
        File.WriteAllText(Path.Combine(folder, "broken.hbs"), "Subject: x\n\n{{#each Pupils}}no end");

        var problems = new MessageTemplates(folder).Validate(["absence.email", "broken"]);

        Assert.Equal(2, problems.Count);
        Assert.Contains("absence.email.hbs does not exist", problems[0], StringComparison.Ordinal);
        Assert.Contains("broken.hbs does not compile", problems[1], StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void AnEditedTemplate_IsReadAgainWithoutARestart()
    {
        var folder = Directory.CreateTempSubdirectory("connector-templates-").FullName;
        var file = Path.Combine(folder, "note.hbs");
        File.WriteAllText(file, "Первый {{SchoolName}}");
        var templates = new MessageTemplates(folder);
        var first = templates.Render("note", new { SchoolName = "вариант" }).Body;

        File.WriteAllText(file, "Второй {{SchoolName}}");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));

        Assert.Equal("Первый вариант\n", first);
        Assert.Equal("Второй вариант\n", templates.Render("note", new { SchoolName = "вариант" }).Body);
        Directory.Delete(folder, recursive: true);
    }
}
