using System.Text.Json.Nodes;
using AngleSharp.Html.Parser;
using Connector.Demo;
using Connector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Digest;

/// <summary>
/// The staff morning digest over several simulated school days, read back from a real SMTP server: the right
/// people get it, with the right rows, a class teacher sees only their class, and nobody gets one on a holiday.
/// </summary>
public sealed class DigestEndToEndTests(MaildevServer maildev) : IClassFixture<MaildevServer>, IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();

    [Fact]
    public async Task EachStaffMemberGetsTheirDigest_OnWorkingDaysOnly_WithTheirOwnRows()
    {
        await maildev.ClearAsync();
        install.UseSmtp(maildev.SmtpPort);
        install.School["Holidays"] = new JsonArray("2026-11-12");
        install.School["Staff"] = new JsonArray(
            Staff("t1", "Белова Ирина Викторовна", "belova@school1.example", "ClassTeacher", "7Б"),
            Staff("t2", "Гришина Ольга Павловна", "grishina@school1.example", "ClassTeacher", "8А"),
            Staff("sp", "Тихонова Екатерина Сергеевна", "social@school1.example", "SocialPedagogue"));
        foreach (var day in new[] { Monday, Monday.AddDays(1), Monday.AddDays(2), Monday.AddDays(3) })
        {
            install.Journal.Lessons("7Б", day, 4).Lessons("8А", day, 4).Lessons("6А", day, 4, taken: day != Monday);
        }

        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Pupil("p2", "Орлов Егор Игоревич", "8А", "g2").Guardian("g2", "Орлова Ольга Петровна", "olga@example.com")
            .Pupil("p3", "Гусев Максим Олегович", "7Б", "g3").Guardian("g3", "Гусева Анна Юрьевна", null, "+7 (495) 123-45-67")
            .Pupil("p4", "Волков Артём Павлович", "6А", "g4").Guardian("g4", "Волкова Ирина Павловна", "irina@example.com")
            .Mark(Monday, "p1", 1, "Н").Mark(Monday, "p1", 2, "Н")
            .Mark(Monday, "p2", 3, "Н")
            .Mark(Monday, "p3", 1, "Н");

        var clock = new FakeTimeProvider(DateTimeOffset.MinValue);
        using var host = install.BuildHost(clock);
        await host.StartAsync();
        await new ReplayDriver(host, clock.MoveTo).RunAsync(Monday, Monday.AddDays(3), _ => Task.CompletedTask, CancellationToken.None);

        var digests = (await maildev.GetEmailsAsync(atLeast: 12)).Where(e => e.Subject.StartsWith("Посещаемость: сводка", StringComparison.Ordinal)).ToList();
        // Three staff, Monday to Wednesday: Thursday 12 November is a holiday.
        Assert.Equal(9, digests.Count);
        Assert.DoesNotContain(digests, d => d.Subject.Contains("12 ноября", StringComparison.Ordinal));
        Assert.Equal(3, digests.Count(d => d.Recipient == "belova@school1.example"));

        var monday = digests.Single(d => d.Recipient == "belova@school1.example" && d.Subject.Contains("9 ноября", StringComparison.Ordinal));
        Assert.Contains("Всё в порядке", monday.Text, StringComparison.Ordinal);
        Assert.Contains("Сводка посещаемости на понедельник, 9 ноября 2026 г.;", monday.Text, StringComparison.Ordinal);
        // The day's name after «на» is in the accusative.
        var wednesday = digests.Single(d => d.Recipient == "belova@school1.example" && d.Subject.Contains("11 ноября", StringComparison.Ordinal));
        Assert.Contains("Сводка посещаемости на среду, 11 ноября 2026 г.;", wednesday.Text, StringComparison.Ordinal);

        var teacher = Html(digests.Single(d => d.Recipient == "belova@school1.example" && d.Subject.Contains("10 ноября", StringComparison.Ordinal)));
        Assert.Equal(["Гусев Максим Олегович|7Б|1 урок|причина не выяснена", "Петров Иван Сергеевич|7Б|2 урока|причина не выяснена"], Rows(teacher, "absences"));
        Assert.Equal(["Гусев Максим Олегович|7Б|Гусева Анна Юрьевна|e-mail: адрес не указан или неверен; SMS: канал не настроен"], Rows(teacher, "unreachable"));
        Assert.Empty(Rows(teacher, "not-entered"));
        Assert.DoesNotContain("Орлов", teacher.Body!.TextContent, StringComparison.Ordinal);

        var other = Html(digests.Single(d => d.Recipient == "grishina@school1.example" && d.Subject.Contains("10 ноября", StringComparison.Ordinal)));
        Assert.Equal(["Орлов Егор Игоревич|8А|1 урок|причина не выяснена"], Rows(other, "absences"));
        Assert.Empty(Rows(other, "unreachable"));

        var social = Html(digests.Single(d => d.Recipient == "social@school1.example" && d.Subject.Contains("10 ноября", StringComparison.Ordinal)));
        Assert.Equal(3, Rows(social, "absences").Count);
        Assert.Equal(["6А"], Rows(social, "not-entered"));
        Assert.Equal(["7Б", "8А"], Rows(social, "chart").Select(r => r.Split('|')[0]));
        Assert.Empty(social.QuerySelectorAll("script, img, link"));
    }

    [Fact]
    public async Task MondaysDigest_ShowsFridaysBreach_AndTheStepDueToday()
    {
        install.School["Profile"] = "baley";
        install.School["Staff"] = new JsonArray(
            Staff("t1", "Белова Ирина Викторовна", "belova@school1.example", "ClassTeacher", "7Б"),
            Staff("sp", "Тихонова Екатерина Сергеевна", "social@school1.example", "SocialPedagogue"));
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com");
        var week = Enumerable.Range(0, 5).Select(d => Monday.AddDays(d)).ToArray();
        foreach (var day in week)
        {
            install.Journal.Lessons("7Б", day, 6);
            for (var lesson = 1; lesson <= 2; lesson++) install.Journal.Mark(day, "p1", lesson, "Н"); // a third of the lessons: systematic, not «не приступившие»
        }

        install.Journal.Lessons("7Б", Monday.AddDays(7), 6);
        var clock = new FakeTimeProvider(DateTimeOffset.MinValue);
        using var host = install.BuildHost(clock);
        foreach (var day in week)
        {
            clock.MoveTo(new DateTimeOffset(day.ToDateTime(new TimeOnly(15, 0)), TimeSpan.FromHours(3)));
            await host.Services.GetRequiredService<Connector.Polling.SchoolPoller>().PollAsync("school-1", CancellationToken.None);
        }

        var nextMonday = Monday.AddDays(7);
        clock.MoveTo(new DateTimeOffset(nextMonday.ToDateTime(new TimeOnly(7, 30)), TimeSpan.FromHours(3)));
        var school = host.Services.GetRequiredService<Connector.Schools.SchoolRegistry>().Get("school-1");
        await using var db = await host.Services.GetRequiredService<Connector.Store.ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var social = new HtmlParser().ParseDocument(host.Services.GetRequiredService<Connector.Digest.DigestRenderer>().Html(
            await host.Services.GetRequiredService<Connector.Digest.DigestBuilder>().BuildAsync(db, null, school, school.Staff[1], nextMonday, clock.GetUtcNow())));

        // Under 20 % the first days (000 §1.2 «пропускающие»), a third of the lessons once thirty are judged on Friday.
        Assert.Equal(
            """
            Петров Иван Сергеевич|7Б|Пропускающие|ноябрь 2026: доля выросла до 33,3 % — теперь это более высокий уровень
            Петров Иван Сергеевич|7Б|Систематически пропускающие|ноябрь 2026: 33,3 % уроков без уважительной причины
            """, string.Join('\n', Rows(social, "breaches")));
        Assert.Equal(["№ 1|Петров Иван Сергеевич|7Б|Выяснить причину пропуска|Белова Ирина Викторовна|16.11.2026 (сегодня)"], Rows(social, "steps"));
        Assert.Empty(Rows(social, "closable"));
        Assert.Equal(["Петров Иван Сергеевич|7Б|2 урока|причина не выяснена"], Rows(social, "absences"));
    }

    [Fact]
    public async Task ACaseWhoseBreachWasDroppedByReasonsRecordedLater_IsOfferedForClosing()
    {
        install.School["Profile"] = "baley";
        install.School["Staff"] = new JsonArray(Staff("sp", "Тихонова Екатерина Сергеевна", "social@school1.example", "SocialPedagogue"));
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com");
        var week = Enumerable.Range(0, 5).Select(d => Monday.AddDays(d)).ToArray();
        foreach (var day in week)
        {
            install.Journal.Lessons("7Б", day, 6);
            for (var lesson = 1; lesson <= 6; lesson++) install.Journal.Mark(day, "p1", lesson, "Н");
        }

        var clock = new FakeTimeProvider(DateTimeOffset.MinValue);
        using var host = install.BuildHost(clock);
        var poller = host.Services.GetRequiredService<Connector.Polling.SchoolPoller>();
        foreach (var day in week)
        {
            clock.MoveTo(new DateTimeOffset(day.ToDateTime(new TimeOnly(15, 0)), TimeSpan.FromHours(3)));
            await poller.PollAsync("school-1", CancellationToken.None);
        }

        // A medical certificate for the whole week arrives on Monday: the pupil falls to 0 %.
        var nextMonday = Monday.AddDays(7);
        install.Journal.Lessons("7Б", nextMonday, 6);
        foreach (var day in week)
        {
            for (var lesson = 1; lesson <= 6; lesson++) install.Journal.Mark(day, "p1", lesson, "Б", nextMonday.ToDateTime(new TimeOnly(8, 10)));
        }

        install.Journal.Write();
        clock.MoveTo(new DateTimeOffset(nextMonday.ToDateTime(new TimeOnly(8, 30)), TimeSpan.FromHours(3)));
        await poller.PollAsync("school-1", CancellationToken.None);
        var tuesday = nextMonday.AddDays(1);
        clock.MoveTo(new DateTimeOffset(tuesday.ToDateTime(new TimeOnly(7, 30)), TimeSpan.FromHours(3)));
        var school = host.Services.GetRequiredService<Connector.Schools.SchoolRegistry>().Get("school-1");
        await using var db = await host.Services.GetRequiredService<Connector.Store.ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var social = new HtmlParser().ParseDocument(host.Services.GetRequiredService<Connector.Digest.DigestRenderer>().Html(
            await host.Services.GetRequiredService<Connector.Digest.DigestBuilder>().BuildAsync(db, null, school, school.Staff[0], tuesday, clock.GetUtcNow())));

        // Every lesson missed from the start: «не приступившие» (case № 2, which took over the systematic case № 1).
        Assert.Equal(["№ 2|Петров Иван Сергеевич|7Б|Не приступившие к обучению|доля снизилась до 0 %"], Rows(social, "closable"));
    }

    [Fact]
    public async Task Order001_2_6_APupilEnrolledMidYear_RemindsTheSocialPedagogueToNotifyThePreviousSchoolWithinTwoWorkingDays()
    {
        install.School["Profile"] = "zato-svobodny";
        install.School["Staff"] = new JsonArray(Staff("sp", "Тихонова Екатерина Сергеевна", "social@school1.example", "SocialPedagogue"));
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Pupil("p2", "Новикова Алиса Петровна", "7Б", new DateOnly(2026, 11, 12), "g2").Guardian("g2", "Новикова Ольга Ивановна", "olga@example.com")
            .Lessons("7Б", Monday, 6);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 12, 9, 0, 0, TimeSpan.FromHours(3)));
        using var host = install.BuildHost(clock);
        await host.Services.GetRequiredService<Connector.Polling.SchoolPoller>().PollAsync("school-1", CancellationToken.None);
        var school = host.Services.GetRequiredService<Connector.Schools.SchoolRegistry>().Get("school-1");
        await using var db = await host.Services.GetRequiredService<Connector.Store.ConnectorDatabase>().OpenAsync(CancellationToken.None);

        async Task<List<string>> TransfersOnAsync(DateOnly day) => Rows(new HtmlParser().ParseDocument(host.Services.GetRequiredService<Connector.Digest.DigestRenderer>().Html(
            await host.Services.GetRequiredService<Connector.Digest.DigestBuilder>().BuildAsync(db, null, school, school.Staff[0], day, clock.GetUtcNow()))), "transfers");

        // Enrolled on Thursday 12 November: two working days are Friday and Monday.
        Assert.Equal(["Новикова Алиса Петровна|7Б|12.11.2026|16.11.2026|001 Инструкция §2.6: в течение двух рабочих дней с даты приказа о зачислении"], await TransfersOnAsync(new DateOnly(2026, 11, 13)));
        Assert.Equal(["Новикова Алиса Петровна|7Б|12.11.2026|16.11.2026 (сегодня)|001 Инструкция §2.6: в течение двух рабочих дней с даты приказа о зачислении"], await TransfersOnAsync(new DateOnly(2026, 11, 16)));
        Assert.Empty(await TransfersOnAsync(new DateOnly(2026, 11, 17)));
    }

    [Theory]
    [InlineData("baley", "2026-11-30", "Отчёт мониторинга учёта (в комитет образования)|03.12.2026")]
    [InlineData("volsk", "2026-12-01", "Сведения о несовершеннолетних, подлежащих учёту (прил. 1)|05.12.2026")]
    [InlineData("tolyatti", "2026-11-16", "Форма № 2 (пропускающие более 50 %)|20.11.2026")]
    [InlineData("krasnodar", "2026-12-30", "Отчёт мониторинга эффективности за квартал (при необходимости — в КДНиЗП)|10.01.2027")]
    public async Task TheSocialPedagogue_IsToldOfReportsDueWithinFiveWorkingDays(string profile, string today, string due)
    {
        install.School["Profile"] = profile;
        install.School["Staff"] = new JsonArray(Staff("sp", "Тихонова Екатерина Сергеевна", "social@school1.example", "SocialPedagogue"));
        var date = DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture);
        install.Journal.Lessons("7Б", date, 1);
        var clock = new FakeTimeProvider(new DateTimeOffset(date.ToDateTime(new TimeOnly(7, 30)), TimeSpan.FromHours(3)));
        using var host = install.BuildHost(clock);
        await host.Services.GetRequiredService<Connector.Polling.SchoolPoller>().PollAsync("school-1", CancellationToken.None);
        var school = host.Services.GetRequiredService<Connector.Schools.SchoolRegistry>().Get("school-1");
        await using var db = await host.Services.GetRequiredService<Connector.Store.ConnectorDatabase>().OpenAsync(CancellationToken.None);

        var model = await host.Services.GetRequiredService<Connector.Digest.DigestBuilder>().BuildAsync(db, null, school, school.Staff[0], date, clock.GetUtcNow());

        Assert.Equal([due], Rows(new HtmlParser().ParseDocument(host.Services.GetRequiredService<Connector.Digest.DigestRenderer>().Html(model)), "reports"));
    }

    public void Dispose() => install.Dispose();

    private static JsonObject Staff(string id, string name, string email, string role, string? className = null) => new()
    {
        ["Id"] = id, ["Name"] = name, ["Email"] = email, ["Roles"] = new JsonArray(role), ["Classes"] = className is null ? new JsonArray() : new JsonArray(className),
    };

    private static AngleSharp.Html.Dom.IHtmlDocument Html(ReceivedEmail email) => new HtmlParser().ParseDocument(email.Html);

    private static List<string> Rows(AngleSharp.Html.Dom.IHtmlDocument document, string section) =>
        document.QuerySelectorAll($"table[data-section='{section}'] > tbody > tr")
            .Where(tr => tr.QuerySelector("th") is null)
            .Select(tr => string.Join('|', tr.Children.Select(td => td.TextContent.Trim())))
            .ToList();
}
