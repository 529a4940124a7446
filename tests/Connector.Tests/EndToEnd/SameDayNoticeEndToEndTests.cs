using System.Text.Json.Nodes;
using Connector.Demo;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.EndToEnd;

/// <summary>
/// The whole service over four simulated school days: the file journal changes through each day as teachers
/// enter marks, the real Quartz jobs poll and deliver on a virtual clock, and the e-mails go to a real SMTP server.
/// </summary>
public sealed class SameDayNoticeEndToEndTests(MaildevServer maildev) : IClassFixture<MaildevServer>, IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private static readonly DateOnly Tuesday = Monday.AddDays(1);
    private static readonly DateOnly Wednesday = Monday.AddDays(2);
    private static readonly DateOnly Thursday = Monday.AddDays(3);
    private readonly TestInstallation install = new();

    [Fact]
    public async Task EachGuardianOfEachAbsenteeWithoutAValidReason_GetsExactlyOneEmailADay_AndNobodyElseGetsAny()
    {
        await maildev.ClearAsync();
        BuildScenario();
        var log = new CapturedLog();
        var clock = new FakeTimeProvider(new DateTimeOffset(Monday.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        using var host = install.BuildHost(clock, log);
        await host.StartAsync();
        await new ReplayDriver(host, clock.MoveTo).RunAsync(Monday, Thursday, _ => Task.CompletedTask, CancellationToken.None);
        await host.StopAsync();

        var all = await maildev.GetEmailsAsync(atLeast: 10);
        var emails = all.Where(e => e.Subject.Contains("пропуск уроков", StringComparison.Ordinal)).ToList();
        var received = emails.Select(e => (e.Recipient, e.Subject)).OrderBy(x => x.Recipient).ThenBy(x => x.Subject).ToList();
        Assert.Equal(
        [
            ("elena@example.com", "Школа № 1: пропуск уроков 10 ноября 2026 г."),
            ("elena@example.com", "Школа № 1: пропуск уроков 9 ноября 2026 г."),
            ("family@example.com", "Школа № 1: пропуск уроков 11 ноября 2026 г."),
            ("maria@example.com", "Школа № 1: пропуск уроков 9 ноября 2026 г."),
            ("oleg@example.com", "Школа № 1: пропуск уроков 10 ноября 2026 г."),
            ("olga@example.com", "Школа № 1: пропуск уроков 10 ноября 2026 г."),
            ("sergey@example.com", "Школа № 1: пропуск уроков 9 ноября 2026 г."),
        ], received);

        // Petrov missed lesson 1; lesson 4, entered after the notice went, made no second e-mail and is not in the first.
        var toMaria = emails.Single(e => e.Recipient == "maria@example.com").Text;
        Assert.Contains("Здравствуйте, Мария Ивановна!", toMaria, StringComparison.Ordinal);
        Assert.Contains("Сегодня, в понедельник, 9 ноября 2026 г.", toMaria, StringComparison.Ordinal);
        // Entered at 08:40, read at 08:45, sent after the 20-minute grace: the count is the 09:00 poll's, the last before sending.
        Assert.Contains("Ученик: Иван Петров, 7Б класс.\nПропущен 1 урок (по данным журнала на 09:00):\n  1-й урок — Математика\n", toMaria, StringComparison.Ordinal);
        Assert.DoesNotContain("4-й урок", toMaria, StringComparison.Ordinal);
        Assert.Contains("Классный руководитель: Белова Ирина Викторовна.", toMaria, StringComparison.Ordinal);

        // Kuznetsov's two lessons were entered together: one e-mail lists both.
        var toElenaMonday = emails.Single(e => e.Recipient == "elena@example.com" && e.Subject.Contains("9 ноября", StringComparison.Ordinal)).Text;
        Assert.Contains("Пропущено 2 урока (по данным журнала на 10:00):\n  1-й урок — Математика\n  2-й урок — Русский язык\n", toElenaMonday, StringComparison.Ordinal);

        // Order 000 §2.4: an unexcused mark is told too, plainly, and the guardian is asked to contact the class teacher.
        var toOlga = emails.Single(e => e.Recipient == "olga@example.com").Text;
        Assert.Contains("Сегодня, во вторник, 10 ноября 2026 г., в электронном журнале отмечен пропуск уроков без уважительной причины.", toOlga, StringComparison.Ordinal);
        Assert.Contains("Ученица: Ксения Орлова, 7Б класс.\nПропущен 1 урок (по данным журнала на 10:45):\n  3-й урок — Литература\n", toOlga, StringComparison.Ordinal);
        Assert.Contains("Пожалуйста, свяжитесь с классным руководителем", toOlga, StringComparison.Ordinal);

        // Two siblings absent the same day: one e-mail to their shared guardian, naming both.
        var toFamily = emails.Single(e => e.Recipient == "family@example.com").Text;
        Assert.Contains("Ученица: Полина Белова, 5А класс.", toFamily, StringComparison.Ordinal);
        Assert.Contains("Ученик: Егор Белов, 8А класс.", toFamily, StringComparison.Ordinal);

        // Corrections go to those who were told: Petrov's parents (his illness note), Kuznetsov's mother (lesson 2 was a slip).
        var correctionEmails = all.Except(emails).Select(e => (e.Recipient, e.Subject)).Order().ToList();
        Assert.Equal(
        [
            ("elena@example.com", "Школа № 1: уточнение о пропуске 9 ноября 2026 г."),
            ("maria@example.com", "Школа № 1: уточнение о пропуске 9 ноября 2026 г."),
            ("sergey@example.com", "Школа № 1: уточнение о пропуске 9 ноября 2026 г."),
        ], correctionEmails);
        Assert.Contains("Учитель исправил отметку в журнале: ребёнок был на уроках.", all.Single(e => e.Recipient == "elena@example.com" && e.Subject.Contains("уточнение", StringComparison.Ordinal)).Text, StringComparison.Ordinal);
        Assert.Contains("Причина пропуска уроков 9 ноября 2026 г. (Иван Петров, 7Б класс) получена", all.Single(e => e.Recipient == "maria@example.com" && e.Subject.Contains("уточнение", StringComparison.Ordinal)).Text, StringComparison.Ordinal);

        Assert.All(all, e => Assert.DoesNotContain("Петров", e.Subject, StringComparison.Ordinal));
        Assert.All(all, e => Assert.DoesNotContain("Белов", e.Subject, StringComparison.Ordinal));

        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var corrections = (await db.QueryAsync<(string, string, string)>("SELECT pupil_id, date, correction FROM absences WHERE correction IS NOT NULL ORDER BY pupil_id")).ToList();
        Assert.Equal([("p1", "2026-11-09", "excused"), ("p3", "2026-11-09", "present")], corrections);
        var audited = await db.QueryAsync<(string, int)>("SELECT action, COUNT(*) FROM audit_log GROUP BY action ORDER BY action");
        Assert.Equal([("absence-notice.sent", 7), ("correction-notice.sent", 3)], audited);
        var unreachable = await db.QueryAsync<string>("SELECT guardian_id FROM outbox WHERE state = 'unreachable'");
        Assert.Equal(["g8"], unreachable);

        Assert.Contains(log.Lines, l => l.Message.Contains("attendance.csv: 1 record(s) not used: the attendance code is unknown", StringComparison.Ordinal)
            && l.Message.Contains("field code", StringComparison.Ordinal) && !l.Message.Contains("'Z'", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("Петров", StringComparison.Ordinal) || l.Message.Contains("@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Order000_2_4_AnAbsenceEnteredDaysLate_IsToldOnce_TheDayItIsFound_AndNothingBeforeTheFirstPollIsTold()
    {
        await maildev.ClearAsync();
        install.UseSmtp(maildev.SmtpPort);
        install.Connector["Delivery"]!["IntervalSeconds"] = 600;
        var friday = Monday.AddDays(-3);
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Pupil("p2", "Сидорова Анна Олеговна", "7Б", "g2").Guardian("g2", "Сидоров Олег Юрьевич", "oleg@example.com");
        foreach (var day in new[] { friday, Monday, Tuesday, Wednesday, Thursday }) install.Journal.Lessons("7Б", day, 6);
        install.Journal
            // Before the installation's first poll (Monday): the past it finds, told to nobody.
            .Mark(friday, "p1", 1, "Н", friday.ToDateTime(new TimeOnly(9, 0)))
            // Monday's lesson 2, entered on Thursday at 10:00, three school days late.
            .Mark(Monday, "p2", 2, "Н", Thursday.ToDateTime(new TimeOnly(10, 0)));

        var clock = new FakeTimeProvider(new DateTimeOffset(Monday.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        using var host = install.BuildHost(clock);
        await host.StartAsync();
        await new ReplayDriver(host, clock.MoveTo).RunAsync(Monday, Thursday, _ => Task.CompletedTask, CancellationToken.None);
        await host.StopAsync();

        var emails = await maildev.GetEmailsAsync(atLeast: 1);
        var told = Assert.Single(emails);
        Assert.Equal(("oleg@example.com", "Школа № 1: пропуск уроков 9 ноября 2026 г."), (told.Recipient, told.Subject));
        Assert.Contains("В понедельник, 9 ноября 2026 г., в электронном журнале отмечен пропуск уроков", told.Text, StringComparison.Ordinal);
        Assert.Contains("  2-й урок — Русский язык\n", told.Text, StringComparison.Ordinal);
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var sentAt = StoreTime.ParseInstant(await db.ExecuteScalarAsync<string>("SELECT sent_at FROM outbox WHERE state = 'sent'") ?? "");
        Assert.Equal(Thursday, DateOnly.FromDateTime(sentAt.ToOffset(TimeSpan.FromHours(3)).DateTime));
    }

    [Fact]
    public async Task Order000_2_4_ALateEntryFoundWithTodaysAbsence_IsOneMessage_AndItsCorrectionFindsTheGuardianTold()
    {
        await maildev.ClearAsync();
        install.UseSmtp(maildev.SmtpPort);
        install.Connector["Delivery"]!["IntervalSeconds"] = 120;
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Pupil("p2", "Петрова Анна Сергеевна", "5А", "g1")
            .Pupil("p3", "Сидорова Анна Олеговна", "7Б", "g2").Guardian("g2", "Сидоров Олег Юрьевич", "oleg@example.com");
        foreach (var day in new[] { Monday, Tuesday, Wednesday, Thursday }) install.Journal.Lessons("7Б", day, 6).Lessons("5А", day, 5);
        var thursdayAt = (int hour, int minute) => Thursday.ToDateTime(new TimeOnly(hour, minute));
        install.Journal
            // Thursday 10:00: Ivan's Monday lesson 2, entered three school days late, and his sister's lesson 1 today, found by one poll.
            .Mark(Monday, "p1", 2, "Н", thursdayAt(10, 0))
            .Mark(Thursday, "p2", 1, "Н", thursdayAt(10, 0))
            // Sidorova: only today's absence, as before.
            .Mark(Thursday, "p3", 1, "Н", thursdayAt(10, 0))
            // At noon Ivan's Monday gets its illness note: the correction goes to the mother told of it.
            .Mark(Monday, "p1", 2, "Б", thursdayAt(12, 0));

        var clock = new FakeTimeProvider(new DateTimeOffset(Monday.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        using var host = install.BuildHost(clock);
        await host.StartAsync();
        await new ReplayDriver(host, clock.MoveTo).RunAsync(Monday, Thursday, _ => Task.CompletedTask, CancellationToken.None);
        await host.StopAsync();

        var emails = await maildev.GetEmailsAsync(atLeast: 3);
        Assert.Equal(
        [
            ("maria@example.com", "Школа № 1: пропуск уроков 12 ноября 2026 г. и ранее"),
            ("maria@example.com", "Школа № 1: уточнение о пропуске 9 ноября 2026 г."),
            ("oleg@example.com", "Школа № 1: пропуск уроков 12 ноября 2026 г."),
        ], emails.Select(e => (e.Recipient, e.Subject)).Order().ToList());
        var toMaria = emails.Single(e => e.Subject.EndsWith("и ранее", StringComparison.Ordinal)).Text;
        Assert.Contains("Сегодня, в четверг, 12 ноября 2026 г., в электронном журнале отмечен пропуск уроков", toMaria, StringComparison.Ordinal);
        Assert.Contains("Ученица: Анна Петрова, 5А класс.\nПропущен 1 урок", toMaria, StringComparison.Ordinal);
        Assert.Contains("Кроме того, в журнале отмечен пропуск уроков в понедельник, 9 ноября 2026 г., о котором мы ещё не сообщали.\n\nУченик: Иван Петров, 7Б класс.\nПропущен 1 урок",
            toMaria, StringComparison.Ordinal);
        Assert.True(toMaria.IndexOf("Анна Петрова", StringComparison.Ordinal) < toMaria.IndexOf("Иван Петров", StringComparison.Ordinal));

        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var notified = (await db.QueryAsync<(string, string, string)>("SELECT pupil_id, date, state FROM absences ORDER BY pupil_id")).ToList();
        Assert.Equal([("p1", "2026-11-09", "notified"), ("p2", "2026-11-12", "notified"), ("p3", "2026-11-12", "notified")], notified);
        var audited = (await db.QueryAsync<(string, string)>("SELECT action, subject_ids FROM audit_log WHERE action LIKE '%notice.sent' ORDER BY action, subject_ids")).ToList();
        Assert.Equal(3, audited.Count);
        Assert.Contains(audited, a => a.Item1 == "absence-notice.sent" && a.Item2.Contains("p1", StringComparison.Ordinal) && a.Item2.Contains("p2", StringComparison.Ordinal));
    }

    public void Dispose() => install.Dispose();

    private void BuildScenario()
    {
        install.UseSmtp(maildev.SmtpPort);
        install.Connector["Delivery"]!["IntervalSeconds"] = 120;
        install.School["Holidays"] = new JsonArray("2026-11-12");
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1", "g2")
            .Pupil("p2", "Сидорова Анна Олеговна", "7Б", "g3")
            .Pupil("p3", "Кузнецов Дмитрий Андреевич", "7Б", "g4")
            .Pupil("p4", "Орлова Ксения Игоревна", "7Б", "g5")
            .Pupil("p5", "Волков Артём Павлович", "6А", "g6")
            .Pupil("p6", "Белова Полина Алексеевна", "5А", "g7")
            .Pupil("p7", "Белов Егор Алексеевич", "8А", "g7")
            .Pupil("p8", "Гусев Максим Олегович", "7Б", "g8")
            .Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Guardian("g2", "Петров Сергей Павлович", "sergey@example.com")
            .Guardian("g3", "Сидоров Олег Юрьевич", "oleg@example.com")
            .Guardian("g4", "Кузнецова Елена Борисовна", "elena@example.com")
            .Guardian("g5", "Орлова Ольга Петровна", "olga@example.com")
            .Guardian("g6", "Волкова Ирина Павловна", "irina@example.com")
            .Guardian("g7", "Белова Наталья Викторовна", "family@example.com")
            .Guardian("g8", "Гусева Анна Юрьевна", null, "+79001234567");
        foreach (var day in new[] { Monday, Tuesday, Wednesday, Thursday })
        {
            install.Journal.Lessons("7Б", day, 6).Lessons("5А", day, 5).Lessons("8А", day, 6).Lessons("6А", day, 6, taken: day != Monday);
        }

        install.Journal
            // Monday. Petrov: lesson 1, and lesson 4 after his notice went; the illness note arrives Tuesday morning.
            .Mark(Monday, "p1", 1, "Н").Mark(Monday, "p1", 4, "Н")
            .Mark(Monday, "p1", 1, "Б", Tuesday.ToDateTime(new TimeOnly(8, 10))).Mark(Monday, "p1", 4, "Б", Tuesday.ToDateTime(new TimeOnly(8, 10)))
            // Sidorova: her mother phoned ten minutes later, before the grace period ended: no notice.
            .Mark(Monday, "p2", 1, "Н").Mark(Monday, "p2", 1, "УП", Monday.ToDateTime(new TimeOnly(8, 50)))
            // Kuznetsov: both lessons entered at once; lesson 2 later corrected to present.
            .Mark(Monday, "p3", 1, "Н", Monday.ToDateTime(new TimeOnly(9, 36))).Mark(Monday, "p3", 2, "Н", Monday.ToDateTime(new TimeOnly(9, 36)))
            .Mark(Monday, "p3", 2, "П", Tuesday.ToDateTime(new TimeOnly(9, 0)))
            // Volkov's class had no attendance entered on Monday: his "absence" is not one.
            .Mark(Monday, "p5", 1, "Н")
            // Gusev's only guardian has no e-mail.
            .Mark(Monday, "p8", 1, "Н")
            // A malformed row: reported, never an absence.
            .RawAttendance($"{Monday:yyyy-MM-dd};p4;2;Z;{Monday:yyyy-MM-dd} 09:40")
            // Tuesday.
            .Mark(Tuesday, "p3", 3, "Н").Mark(Tuesday, "p2", 2, "Н")
            // Orlova: marked unexcused (НП) from the start; her mother did not know (000 §2.4, 001 инструкция §2.1).
            .Mark(Tuesday, "p4", 3, "НП")
            // Wednesday: both Belov children absent.
            .Mark(Wednesday, "p6", 1, "Н").Mark(Wednesday, "p7", 1, "Н")
            // Thursday is a school holiday: whatever the journal holds, nobody is polled or told.
            .Mark(Thursday, "p4", 1, "Н");
    }
}
