using Connector.Notifier.Templates;
using Connector.Testing;

namespace Connector.Notifier.Tests.Templates;

public sealed class MessageTemplatesTests
{
    private static readonly MessageTemplates Repository = new(Path.Combine(RepositoryRoot.Path, "config", "templates"));

    [Fact]
    public void TheAbsenceEmail_SaysTheDateAndLessons_AndKeepsTheChildsNameOutOfTheSubject()
    {
        var message = Repository.Render("absence.email", Notice(Pupil("Иван Петров", "Иван", "7Б", 2)));

        Assert.Equal("Школа № 1: пропуск уроков 9 ноября 2026 г.", message.Subject);
        Assert.DoesNotContain("Петров", message.Subject, StringComparison.Ordinal);
        Assert.StartsWith("Здравствуйте, Мария Ивановна!\n\nСегодня, в понедельник, 9 ноября 2026 г.,", message.Body, StringComparison.Ordinal);
        Assert.Contains("Ученик: Иван Петров, 7Б класс.\nПропущено 2 урока:\n  1-й урок — Математика\n  2-й урок — Русский язык\n", message.Body, StringComparison.Ordinal);
        Assert.Contains("С начала месяца без уважительной причины пропущено 5 уроков.", message.Body, StringComparison.Ordinal);
        Assert.Contains("позвоните по телефону +7 (900) 000-00-01", message.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n\n", message.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("09:20", "Пропущено 2 урока (по данным журнала на 09:20):")]
    [InlineData("9 ноября 2026 г., 16:00", "Пропущено 2 урока (по данным журнала на 9 ноября 2026 г., 16:00):")]
    public void TheAbsenceEmail_SaysWhenTheJournalWasReadThatItsCountRefersTo(string asOf, string line)
    {
        var message = Repository.Render("absence.email", Notice(Pupil("Иван Петров", "Иван", "7Б", 2)) with { AsOfText = asOf });

        Assert.Contains($"Ученик: Иван Петров, 7Б класс.\n{line}\n  1-й урок — Математика\n", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAbsenceSms_FitsInTwoSegments_NamesTheChildByFirstNameOnly_AndDiffersByDay()
    {
        var one = Repository.Render("absence.sms", Notice(Pupil("Иван Петров", "Иван", "7Б", 3)));
        var siblings = Repository.Render("absence.sms", Notice(Pupil("Полина Белова", "Полина", "5А", 1), Pupil("Егор Белов", "Егор", "8А", 2)));
        var nextDay = Repository.Render("absence.sms", Notice(Pupil("Иван Петров", "Иван", "7Б", 3)) with { ShortDateText = "10.11" });

        Assert.Equal("Школа № 1: 09.11 Иван (7Б) пропуск 3 ур. Причина не указана. Сообщите школе: +7 (900) 000-00-01", one.Body);
        Assert.Null(one.Subject);
        Assert.True(Connector.Notifier.Sms.SmsSegments.Count(one.Body) <= 2);
        Assert.Contains("Полина (5А) пропуск 1 ур.; Егор (8А) пропуск 2 ур.", siblings.Body, StringComparison.Ordinal);
        Assert.True(Connector.Notifier.Sms.SmsSegments.Count(siblings.Body) <= 2);
        Assert.DoesNotContain("Петров", one.Body, StringComparison.Ordinal);
        Assert.NotEqual(one.Body, nextDay.Body);
    }

    [Fact]
    public void Order000_2_4_AnUnexcusedMark_IsSaidPlainly_AndAsksTheGuardianToContactTheClassTeacher()
    {
        var unexcused = Pupil("Иван Петров", "Иван", "7Б", 2, unexcused: [1, 2]);

        var email = Repository.Render("absence.email", Notice(unexcused));
        var sms = Repository.Render("absence.sms", Notice(unexcused));

        Assert.Contains("в электронном журнале отмечен пропуск уроков без уважительной причины.", email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("причина пока не указана", email.Body, StringComparison.Ordinal);
        Assert.Contains("  1-й урок — Математика\n  2-й урок — Русский язык\n", email.Body, StringComparison.Ordinal);
        Assert.Contains("Школа отметила этот пропуск как пропуск без уважительной причины. Пожалуйста, свяжитесь с классным руководителем", email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("сообщите школе причину пропуска", email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n\n", email.Body, StringComparison.Ordinal);
        Assert.Equal("Школа № 1: 09.11 Иван (7Б) пропуск 2 ур. Без уважит. причины. Свяжитесь с кл. руководителем: +7 (900) 000-00-01", sms.Body);
        Assert.True(Connector.Notifier.Sms.SmsSegments.Count(sms.Body) <= 2);
    }

    [Fact]
    public void ADayWithBothKinds_MarksTheUnexcusedLessons_AndStillAsksForTheMissingReason()
    {
        var mixed = Pupil("Иван Петров", "Иван", "7Б", 2, unexcused: [1]);

        var email = Repository.Render("absence.email", Notice(mixed));
        var sms = Repository.Render("absence.sms", Notice(mixed));

        Assert.Contains("отмечен пропуск уроков, и причина пока не указана.", email.Body, StringComparison.Ordinal);
        Assert.Contains("  1-й урок — Математика (без уважительной причины)\n  2-й урок — Русский язык\n", email.Body, StringComparison.Ordinal);
        Assert.Contains("Школа отметила часть пропусков как пропуск без уважительной причины.", email.Body, StringComparison.Ordinal);
        Assert.Contains("Пожалуйста, сообщите школе причину пропуска", email.Body, StringComparison.Ordinal);
        Assert.EndsWith("Причина не указана. Сообщите школе: +7 (900) 000-00-01", sms.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "Пропущен 1 урок:", "пропущен 1 урок.")]
    [InlineData(2, "Пропущено 2 урока:", "пропущено 2 урока.")]
    [InlineData(5, "Пропущено 5 уроков:", "пропущено 5 уроков.")]
    [InlineData(11, "Пропущено 11 уроков:", "пропущено 11 уроков.")]
    [InlineData(21, "Пропущен 21 урок:", "пропущен 21 урок.")]
    public void TheLessonCount_AgreesWithItsVerbAndNoun(int lessons, string listed, string thisMonth)
    {
        var pupil = Pupil("Иван Петров", "Иван", "7Б", lessons) with { MissedThisMonth = lessons };

        var body = Repository.Render("absence.email", Notice(pupil)).Body;

        Assert.Contains("\n" + listed + "\n", body, StringComparison.Ordinal);
        Assert.Contains("С начала месяца без уважительной причины " + thisMonth, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-09", "Сегодня, в понедельник, 9 ноября 2026 г.,")]
    [InlineData("2026-11-10", "Сегодня, во вторник, 10 ноября 2026 г.,")]
    [InlineData("2026-11-11", "Сегодня, в среду, 11 ноября 2026 г.,")]
    [InlineData("2026-11-12", "Сегодня, в четверг, 12 ноября 2026 г.,")]
    [InlineData("2026-11-13", "Сегодня, в пятницу, 13 ноября 2026 г.,")]
    [InlineData("2026-11-14", "Сегодня, в субботу, 14 ноября 2026 г.,")]
    public void ANoticeAboutToday_NamesTheWeekdayInTheAccusative_BetweenCommas(string day, string opening)
    {
        var date = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
        var notice = Notice(Pupil("Иван Петров", "Иван", "7Б", 1)) with
        {
            IsToday = true, DateText = RussianText.Date(date), WeekdayText = RussianText.Weekday(date),
        };

        var body = Repository.Render("absence.email", notice).Body;

        Assert.Contains("\n\n" + opening + " в электронном журнале", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-09", "В понедельник, 9 ноября 2026 г.,")]
    [InlineData("2026-11-10", "Во вторник, 10 ноября 2026 г.,")]
    [InlineData("2026-11-11", "В среду, 11 ноября 2026 г.,")]
    [InlineData("2026-11-12", "В четверг, 12 ноября 2026 г.,")]
    [InlineData("2026-11-13", "В пятницу, 13 ноября 2026 г.,")]
    [InlineData("2026-11-14", "В субботу, 14 ноября 2026 г.,")]
    [InlineData("2026-11-15", "В воскресенье, 15 ноября 2026 г.,")]
    public void ANoticeAboutAnEarlierDay_NamesTheWeekdayInTheAccusative(string day, string opening)
    {
        var date = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
        var notice = Notice(Pupil("Иван Петров", "Иван", "7Б", 1)) with
        {
            IsToday = false, DateText = RussianText.Date(date), WeekdayText = RussianText.Weekday(date),
        };

        var body = Repository.Render("absence.email", notice).Body;
        var carried = Repository.Render("absence.email", Notice(Pupil("Анна Петрова", "Анна", "5А", 1)) with
        {
            EarlierDays = [new AbsenceDayModel(RussianText.Date(date), "", RussianText.Weekday(date), [Pupil("Иван Петров", "Иван", "7Б", 1)])],
        }).Body;

        Assert.Contains("\n\n" + opening + " в электронном журнале", body, StringComparison.Ordinal);
        // The same day carried by a later day's notice: the same accusative, inside the sentence.
        Assert.Contains("Кроме того, в журнале отмечен пропуск уроков " + char.ToLowerInvariant(opening[0]) + opening[1..] + " о котором мы ещё не сообщали.", carried, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCorrection_SaysWhatChanged()
    {
        var model = new CorrectionNoticeModel("Школа № 1", "Школа № 1", null, "Мария Ивановна", "9 ноября 2026 г.", "09.11",
            [new CorrectedPupilModel("Иван Петров", "Иван", "7Б", WasPresent: true)]);

        var email = Repository.Render("correction.email", model);
        var sms = Repository.Render("correction.sms", model with { Pupils = [new CorrectedPupilModel("Иван Петров", "Иван", "7Б", WasPresent: false)] });

        Assert.Equal("Школа № 1: уточнение о пропуске 9 ноября 2026 г.", email.Subject);
        Assert.Contains("Ранее мы сообщили о пропуске уроков 9 ноября 2026 г. (Иван Петров, 7Б класс). Учитель исправил отметку в журнале: ребёнок был на уроках.", email.Body, StringComparison.Ordinal);
        Assert.Equal("Школа № 1: 09.11 Иван (7Б): причина пропуска получена. Спасибо!", sms.Body);
    }

    [Fact]
    public void Validate_NamesAMissingOrBrokenTemplate()
    {
        var folder = Directory.CreateTempSubdirectory("connector-templates-").FullName;
        File.WriteAllText(Path.Combine(folder, "broken.hbs"), "Subject: x\n\n{{#each Pupils}}no end");

        var problems = new MessageTemplates(folder).Validate(["absence.email", "broken"]);

        Assert.Equal(2, problems.Count);
        Assert.Contains("absence.email.hbs нет", problems[0], StringComparison.Ordinal);
        Assert.Contains("broken.hbs не компилируется", problems[1], StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void AnHtmlTemplate_EscapesEveryValue_AndATextTemplatePrintsItAsWritten()
    {
        var folder = Directory.CreateTempSubdirectory("connector-templates-").FullName;
        File.WriteAllText(Path.Combine(folder, "page.html.hbs"), "<p>{{Name}}</p>");
        File.WriteAllText(Path.Combine(folder, "page.email.hbs"), "{{Name}}");
        var templates = new MessageTemplates(folder);
        var model = new { Name = "Иванов <script>alert(1)</script> & «сын»" };

        Assert.Equal("<p>Иванов &lt;script&gt;alert(1)&lt;/script&gt; &amp; «сын»</p>", templates.Render("page.html", model).Body);
        Assert.Equal("Иванов <script>alert(1)</script> & «сын»", templates.Render("page.email", model).Body);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Order000_2_4_AnEarlierDayFoundWithToday_IsToldInTheSameMessage_AfterToday()
    {
        var monday = new AbsenceDayModel("9 ноября 2026 г.", "09.11", "понедельник", [Pupil("Иван Петров", "Иван", "7Б", 1) with { MissedThisMonth = 0 }]);
        var notice = Notice(Pupil("Иван Петров", "Иван", "7Б", 2)) with
        {
            DateText = "12 ноября 2026 г.", ShortDateText = "12.11", WeekdayText = "четверг", EarlierDays = [monday],
        };

        var email = Repository.Render("absence.email", notice);
        var sms = Repository.Render("absence.sms", notice);

        Assert.Equal("Школа № 1: пропуск уроков 12 ноября 2026 г. и ранее", email.Subject);
        Assert.Contains(
            "Сегодня, в четверг, 12 ноября 2026 г., в электронном журнале отмечен пропуск уроков, и причина пока не указана.\n\n"
            + "Ученик: Иван Петров, 7Б класс.\nПропущено 2 урока:\n  1-й урок — Математика\n  2-й урок — Русский язык\n",
            email.Body, StringComparison.Ordinal);
        Assert.Contains(
            "Кроме того, в журнале отмечен пропуск уроков в понедельник, 9 ноября 2026 г., о котором мы ещё не сообщали.\n\n"
            + "Ученик: Иван Петров, 7Б класс.\nПропущен 1 урок:\n  1-й урок — Математика\nКлассный руководитель: Белова Ирина Викторовна.\n\nПожалуйста, сообщите школе причину",
            email.Body, StringComparison.Ordinal);
        Assert.Single(email.Body.Split("С начала месяца").Skip(1));
        Assert.DoesNotContain("\n\n\n", email.Body, StringComparison.Ordinal);
        Assert.Equal("Школа № 1: 12.11 Иван (7Б) пропуск 2 ур.; 09.11 Иван (7Б) пропуск 1 ур. Причина не указана. Сообщите школе: +7 (900) 000-00-01", sms.Body);
        Assert.True(Connector.Notifier.Sms.SmsSegments.Count(sms.Body) <= 2);
    }

    private static AbsenceNoticeModel Notice(params AbsentPupilModel[] pupils) =>
        new("Школа № 1", "Школа № 1", "+7 (900) 000-00-01", "Мария Ивановна", "9 ноября 2026 г.", "09.11", "понедельник", true, pupils);

    /// <summary>A pupil who missed lessons 1..<paramref name="lessons"/>, those in <paramref name="unexcused"/> marked НП, the rest with no reason yet.</summary>
    private static AbsentPupilModel Pupil(string name, string first, string className, int lessons, int[]? unexcused = null) =>
        new(name, first, className, "Ученик", Enumerable.Range(1, lessons)
                .Select(n => new MissedLessonModel(n, n == 1 ? "Математика" : "Русский язык", unexcused?.Contains(n) == true)).ToList(),
            "Белова Ирина Викторовна", 5);

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

        Assert.Equal("Первый вариант", first);
        Assert.Equal("Второй вариант", templates.Render("note", new { SchoolName = "вариант" }).Body);
        Directory.Delete(folder, recursive: true);
    }
}
