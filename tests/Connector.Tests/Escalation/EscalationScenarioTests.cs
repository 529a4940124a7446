using System.Globalization;
using Connector.Demo;
using Connector.Escalation;
using Connector.Polling;
using Connector.Schools;
using Connector.Store;
using Connector.Testing;
using Connector.Thresholds;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Escalation;

/// <summary>
/// One pupil from the first unexplained absence through every step of a municipality's ladder, on a fake clock,
/// with each due date checked against the production calendar.
/// </summary>
public sealed class EscalationScenarioTests : IDisposable
{
    private readonly TestInstallation install = new();
    private readonly FakeTimeProvider clock = new(DateTimeOffset.MinValue);
    private IHost? host;

    [Fact]
    public async Task Krasnodar_RedZone_FromTheFirstAbsenceThroughEveryStep()
    {
        install.School["Profile"] = "krasnodar";
        var days = SchoolDays(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 13));
        Absentee(days);

        await PollEachDayAsync(days);
        var (caseId, firstDue) = await OpenCaseAsync();

        // 30 lessons, all missed without a reason: over 60 % of the quarter on Friday 13 November.
        Assert.Equal(("red-zone", "2026/2027-Q2"), await BreachAsync());
        Assert.Equal(D("2026-11-16"), firstDue);                       // one working day: Monday
        Assert.Equal(D("2026-11-19"), await RecordAsync(caseId, "2026-11-16", "Мама: «не хочет ходить»"));   // written warning: 3 working days
        Assert.Equal(D("2026-11-19"), await RecordAsync(caseId, "2026-11-18", "Предупреждение вручено под подпись"));   // representation: 1 working day
        Assert.Equal(D("2026-11-24"), await RecordAsync(caseId, "2026-11-19", "Представление подано"));   // council: 3 working days (003 §4.1.3)
        Assert.Equal(D("2026-11-27"), await RecordAsync(caseId, "2026-11-24", "Совет: учёт, ИПР"));   // decision communicated: 3 working days (003 §4.1.4)
        Assert.Equal(D("2026-12-01"), await RecordAsync(caseId, "2026-11-26", "Родители ознакомлены"));   // personal file: 3 working days
        Assert.Null(await RecordAsync(caseId, "2026-11-30", "Личное дело сформировано"));
        Assert.Equal("closed", await ScalarAsync<string>($"SELECT state FROM cases WHERE id = {caseId}"));
    }

    [Fact]
    public async Task Volsk_FromMissingToSystematic_ThroughEveryStep_AcrossTheNewYear()
    {
        install.School["Profile"] = "volsk";
        var days = SchoolDays(new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 7));
        Absentee(days);

        await PollEachDayAsync(days[..1]);
        var lower = await ScalarAsync<long>("SELECT id FROM cases WHERE level_id = 'missing' AND state = 'open'");
        await PollEachDayAsync(days[1..]);
        var (caseId, firstDue) = await OpenCaseAsync();

        // Any unexcused lesson is "missing" from the first day; over 30 % once 30 lessons are judged (Monday 7 December).
        Assert.Equal("переведён на более высокий уровень, случай № " + caseId, await ScalarAsync<string>($"SELECT closed_reason FROM cases WHERE id = {lower}"));
        Assert.Equal(D("2026-12-08"), firstDue);
        Assert.Equal(D("2026-12-11"), await RecordAsync(caseId, "2026-12-08", "Отец не отвечает на звонки"));
        Assert.Equal(D("2026-12-16"), await RecordAsync(caseId, "2026-12-11", "Предупреждение отправлено почтой"));
        Assert.Equal(D("2026-12-26"), await RecordAsync(caseId, "2026-12-16", "Представление (прил. 2) подано"));   // council: ten days (002 §4.1.2)
        Assert.Equal(D("2026-12-30"), await RecordAsync(caseId, "2026-12-25", "Совет: внутришкольный учёт"));   // 31 December is a day off
        Assert.Equal(D("2027-01-13"), await RecordAsync(caseId, "2026-12-30", "Решение доведено"));   // past 31 December and the New Year holidays: 11, 12, 13 January
        Assert.Null(await RecordAsync(caseId, "2027-01-13", "Сведения направлены в КДНиЗП"));
    }

    [Fact]
    public async Task Order001_4_1_SixMonthsWithoutAnUnexcusedLesson_ProposeTakingThePupilOffTheRegister_AndRecordingItClosesTheCase()
    {
        install.School["Profile"] = "zato-svobodny";
        var days = SchoolDays(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 13));
        Absentee(days);
        await PollEachDayAsync(days);
        var (caseId, _) = await OpenCaseAsync();

        await PollEachDayAsync([D("2027-05-13")]); // the last unexcused lesson was on 13 November
        Assert.Empty(await QueryAsync<string>("SELECT step_id FROM case_steps WHERE step_id = 'deregistration'"));
        await PollEachDayAsync([D("2027-05-14")]);

        var steps = await QueryAsync<(string StepId, string Name, string Owner, string Due, string State, string Source)>(
            $"SELECT step_id, name, owner_role, due_on, state, source FROM case_steps WHERE case_id = {caseId} ORDER BY seq");
        Assert.Equal(("find-reason", "superseded"), (steps[0].StepId, steps[0].State));
        var proposal = steps[^1];
        Assert.Equal("deregistration", proposal.StepId);
        Assert.EndsWith(": 6 месяцев без пропусков уроков без уважительной причины (с 14.11.2026)", proposal.Name, StringComparison.Ordinal);
        Assert.StartsWith("Ходатайство классного руководителя в Совет профилактики о снятии с внутришкольного учёта", proposal.Name, StringComparison.Ordinal);
        Assert.Equal(("ClassTeacher", "2027-05-21", "pending"), (proposal.Owner, proposal.Due, proposal.State)); // five working days from Friday 14 May
        Assert.StartsWith("001 Инструкция §4.1", proposal.Source, StringComparison.Ordinal);

        await PollEachDayAsync([D("2027-05-17")]);
        Assert.Single(await QueryAsync<string>("SELECT step_id FROM case_steps WHERE step_id = 'deregistration'")); // proposed once
        Assert.Null(await RecordAsync(caseId, "2027-05-19", "Совет профилактики: снять с учёта"));
        Assert.Equal(("closed", "снят с учёта: Совет профилактики: снять с учёта"), (await QueryAsync<(string, string)>($"SELECT state, closed_reason FROM cases WHERE id = {caseId}")).Single());
    }

    [Fact]
    public async Task Order003_5_1_APupilWhoLeftTheSchool_IsProposedForEndingTheRegistration_DecidedWithinFiveWorkingDays()
    {
        install.School["Profile"] = "krasnodar";
        var days = SchoolDays(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 13));
        Absentee(days);
        await PollEachDayAsync(days);
        var (caseId, _) = await OpenCaseAsync();

        install.Journal.Leaves("p1");
        install.Save();
        await PollEachDayAsync([D("2026-11-16")]);

        var proposal = (await QueryAsync<(string Name, string Owner, string Due, string Source)>(
            $"SELECT name, owner_role, due_on, source FROM case_steps WHERE case_id = {caseId} AND step_id = 'deregistration' AND state = 'pending'")).Single();
        Assert.Equal("Мотивированное представление заместителя директора по ВР о прекращении учёта; решение Совета профилактики: обучающийся выбыл из школы", proposal.Name);
        Assert.Equal(("DeputyDirector", "2026-11-23"), (proposal.Owner, proposal.Due));
        Assert.Equal("003 §5.1 а–б, §5.3: решение Совета — не более пяти рабочих дней", proposal.Source);
    }

    [Theory]
    [InlineData("2026-11-13", null, "2027-05-12", null)]
    [InlineData("2026-11-13", null, "2027-05-14", "6 месяцев без пропусков уроков без уважительной причины (с 13.11.2026)")]
    [InlineData("2026-11-13", "2027-02-10", "2027-05-14", null)] // an unexcused lesson in February starts the six months again
    [InlineData("2026-11-13", "2027-02-10", "2027-08-11", "6 месяцев без пропусков уроков без уважительной причины (с 11.02.2027)")]
    [InlineData("2026-11-13", "2026-10-01", "2027-05-13", "6 месяцев без пропусков уроков без уважительной причины (с 13.11.2026)")] // before the case: counts from its opening
    public void Order001_4_1_TheSixMonthsCountFromTheLastUnexcusedLessonOrTheCase(string opened, string? lastUnexcused, string today, string? reason)
    {
        var rule = new DeregistrationRule { CleanMonths = 6 };

        Assert.Equal(reason, rule.Reason(D(opened), lastUnexcused is null ? null : D(lastUnexcused), true, null, D(today)));
    }

    [Theory]
    [InlineData(1, "1 месяц")]
    [InlineData(3, "3 месяца")]
    [InlineData(11, "11 месяцев")]
    [InlineData(21, "21 месяц")]
    public void Order003_5_1_LeavingAndAdulthood_AndMonthsInRussian(int months, string words)
    {
        var rule = new DeregistrationRule { CleanMonths = months, WhenLeft = true, WhenAdult = true };

        Assert.Equal("обучающийся выбыл из школы", rule.Reason(D("2026-11-13"), null, false, null, D("2026-11-16")));
        Assert.Equal("обучающийся достиг 18 лет (16.11.2026)", rule.Reason(D("2026-11-13"), null, true, D("2008-11-16"), D("2026-11-16")));
        Assert.Null(rule.Reason(D("2026-11-13"), null, true, D("2008-11-17"), D("2026-11-16")));
        Assert.StartsWith(words + " без пропусков", rule.Reason(D("2026-11-13"), null, true, null, D("2026-11-13").AddDays(1).AddMonths(months).AddDays(-1)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReasonRecordedAfterTheBreach_TakesThePupilBelow_AndStaffAreShown()
    {
        var days = SchoolDays(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 16));
        Pupils(days);
        foreach (var day in days.Take(5)) install.Journal.Mark(day, "p1", 1, "Н").Mark(day, "p1", 2, "Н");
        // The illness note for the first two days arrives on Monday 16 November.
        foreach (var day in days.Take(2)) install.Journal.Mark(day, "p1", 1, "Б", new DateTime(2026, 11, 16, 9, 0, 0)).Mark(day, "p1", 2, "Б", new DateTime(2026, 11, 16, 9, 0, 0));

        await PollEachDayAsync(days[..5]);
        var share = await ScalarAsync<double>("SELECT share FROM breaches WHERE pupil_id = 'p1'");
        await PollEachDayAsync(days[5..]);
        var dropped = await QueryAsync<(string?, double?)>("SELECT dropped_at, dropped_share FROM breaches WHERE pupil_id = 'p1'");
        host!.Dispose();
        var shown = await install.RunAsync(null, "case", "show", "--school", "school-1", "--case", "1");

        Assert.Equal(100.0 * 10 / 30, share, 3);
        Assert.NotNull(dropped.Single().Item1);
        Assert.Equal(100.0 * 6 / 36, dropped.Single().Item2!.Value, 3);
        Assert.Contains("Внимание: после этого записаны причины, доля снизилась до 16,7 %", shown.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APupilWhoJoinedMidPeriod_IsJudgedOnTheLessonsSinceJoining_AndEachLevelFiresOncePerPeriod()
    {
        var days = SchoolDays(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 20));
        Pupils(days);
        install.Journal.Pupil("p3", "Новенький Артём Ильич", "7Б", new DateOnly(2026, 11, 16), "g3").Guardian("g3", "Новенькая Ольга Петровна", "olga@example.com");
        foreach (var day in days[5..]) install.Journal.Mark(day, "p3", 1, day.Day % 2 == 0 ? "Н" : "НП");
        foreach (var day in days[5..8]) install.Journal.Mark(day, "p3", 2, "НП");

        await PollEachDayAsync(days);
        await PollEachDayAsync(days[^1..]);

        var written = await host!.Services.GetRequiredService<JournalWriter>().WriteAsync("school-1", CancellationToken.None);
        var again = await host.Services.GetRequiredService<JournalWriter>().WriteAsync("school-1", CancellationToken.None);

        var breach = (await QueryAsync<(string Level, long Missed, long Scheduled)>("SELECT level_id, missed, scheduled FROM breaches WHERE pupil_id = 'p3'")).Single();
        Assert.Equal(("systematic", 8L, 30L), breach);
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM cases WHERE pupil_id = 'p3'"));

        // The level reached is written back to the journal once, and the write is audited.
        Assert.Equal((1, 0), (written, again));
        var flags = File.ReadAllLines(Path.Combine(install.Journal.Path, "flags.csv"));
        Assert.Equal(2, flags.Length);
        Assert.StartsWith("breach:school-1:p3:systematic:2026-11;p3;SystematicAbsenceLevel;2026-11-20;Систематически пропускающие: ноябрь 2026, пропущено без уважительной причины 8 из 30 уроков (26,7 %)", flags[1], StringComparison.Ordinal);
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'journal-flag.written' AND subject_ids = 'p3'"));
    }

    public void Dispose()
    {
        host?.Dispose();
        install.Dispose();
    }

    private static DateOnly D(string text) => DateOnly.Parse(text, CultureInfo.InvariantCulture);

    private static DateOnly[] SchoolDays(DateOnly from, DateOnly to) =>
        Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToArray();

    private void Pupils(DateOnly[] days)
    {
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Pupil("p2", "Орлова Ксения Игоревна", "7Б", "g2").Guardian("g2", "Орлова Ольга Петровна", "olga2@example.com");
        foreach (var day in days) install.Journal.Lessons("7Б", day, 6);
    }

    private void Absentee(DateOnly[] days)
    {
        Pupils(days);
        foreach (var day in days)
        {
            for (var lesson = 1; lesson <= 6; lesson++) install.Journal.Mark(day, "p1", lesson, "Н");
        }
    }

    private async Task PollEachDayAsync(IEnumerable<DateOnly> days)
    {
        host ??= install.BuildHost(clock);
        foreach (var day in days)
        {
            clock.MoveTo(new DateTimeOffset(day.ToDateTime(new TimeOnly(15, 0)), TimeSpan.FromHours(3)));
            await host.Services.GetRequiredService<SchoolPoller>().PollAsync("school-1", CancellationToken.None);
        }
    }

    private async Task<(long Id, DateOnly Due)> OpenCaseAsync()
    {
        var (id, due) = (await QueryAsync<(long, string)>(
            "SELECT c.id, s.due_on FROM cases c JOIN case_steps s ON s.case_id = c.id AND s.state = 'pending' WHERE c.state = 'open' ORDER BY c.id DESC")).First();
        return (id, StoreTime.ParseDate(due));
    }

    private async Task<(string, string)> BreachAsync() =>
        (await QueryAsync<(string, string)>("SELECT level_id, period_key FROM breaches WHERE pupil_id = 'p1'")).Single();

    /// <summary>Records the current step's outcome on <paramref name="on"/>; returns the next step's due date.</summary>
    private async Task<DateOnly?> RecordAsync(long caseId, string on, string outcome)
    {
        var school = host!.Services.GetRequiredService<SchoolRegistry>().Get("school-1");
        var profile = host.Services.GetRequiredService<RuleProfiles>().Get(school.Ref.ProfileId);
        var next = await host.Services.GetRequiredService<ConnectorDatabase>().InTransactionAsync(
            (db, tx) => Cases.RecordAsync(db, tx, school, profile, caseId, outcome, "Тихонова Е. С.", D(on), clock.GetUtcNow()), CancellationToken.None);
        return next?.Due;
    }

    private async Task<T> ScalarAsync<T>(string sql) => (await QueryAsync<T>(sql)).Single();

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var db = await host!.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        return (await db.QueryAsync<T>(sql)).ToList();
    }
}
