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
    public async Task Order003_4_1_3_Krasnodar_RedZone_EveryStepOfItsOwnLadder_WithItsDeadlines()
    {
        install.School["Profile"] = "krasnodar";
        var days = SchoolDays(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 13));
        Absentee(days);

        await PollEachDayAsync(days);
        var (caseId, firstDue) = await OpenCaseAsync();

        // 30 lessons, all missed without a reason: over 60 % of the quarter on Friday 13 November.
        Assert.Equal(("red-zone", "2026/2027-Q2"), await BreachAsync());
        Assert.Equal(D("2026-11-20"), firstDue);   // the representation: 003 sets no deadline, the school's five working days
        Assert.Equal(D("2026-11-19"), await RecordAsync(caseId, "2026-11-16", "Представление подано"));   // council: 3 working days (003 §4.1.3)
        Assert.Equal(D("2026-11-24"), await RecordAsync(caseId, "2026-11-19", "Совет: учёт, ИПР"));   // decision communicated: 3 working days (003 §4.1.4)
        Assert.Equal(D("2026-12-01"), await RecordAsync(caseId, "2026-11-24", "Родители ознакомлены"));   // Журнал учёта and АИС: the school's 5
        Assert.Equal(D("2026-12-03"), await RecordAsync(caseId, "2026-11-26", "Внесено в журнал учёта и АИС"));   // personal file (003 §4.1.7)
        Assert.Equal(D("2026-12-07"), await RecordAsync(caseId, "2026-11-30", "Личное дело сформировано"));   // work by the plan (003 §4.1.6)
        Assert.Equal(D("2026-12-10"), await RecordAsync(caseId, "2026-12-03", "План утверждён"));   // effectiveness at the council (003 §7.1)
        Assert.Null(await RecordAsync(caseId, "2026-12-08", "Динамика положительная"));
        Assert.Equal("closed", await ScalarAsync<string>($"SELECT state FROM cases WHERE id = {caseId}"));

        var steps = await QueryAsync<(string StepId, string Source)>($"SELECT step_id, source FROM case_steps WHERE case_id = {caseId} ORDER BY seq");
        Assert.Equal(["representation", "council", "decision", "journal", "personal-file", "plan", "effectiveness"], steps.Select(s => s.StepId));
        Assert.All(steps, s => Assert.StartsWith("003 ", s.Source, StringComparison.Ordinal)); // its own order, nothing borrowed
        Assert.Equal("003 §4.1.3; срок порядком не установлен, срок школы — 5 рабочих дней", steps[0].Source);
        Assert.Equal("003 §4.1.3: не позднее трёх рабочих дней с получения", steps[1].Source);
    }

    [Fact]
    public async Task Order002_3_1_Volsk_AStrayUnexcusedLesson_OpensNoCase_ButIsShownAsTheLevel()
    {
        install.School["Profile"] = "volsk";
        var days = SchoolDays(new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 4));
        Pupils(days);
        install.Journal.Mark(days[0], "p1", 3, "Н");

        await PollEachDayAsync(days);

        Assert.Equal(("missing", "2026-12"), await BreachAsync());
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM cases"));
    }

    [Fact]
    public async Task Order002_4_1_Volsk_ACaseOnTheClassTeachersRepresentation_CouncilWithinTenDays_DecisionWithinThreeWorkingDays_AcrossTheNewYear()
    {
        install.School["Profile"] = "volsk";
        var days = SchoolDays(new DateOnly(2026, 12, 21), new DateOnly(2026, 12, 28));
        Pupils(days);
        install.Journal.Mark(days[0], "p1", 3, "Н");
        await PollEachDayAsync(days);

        var (caseId, next) = await OpenOnRepresentationAsync("2026-12-28", "Пропуски без уважительной причины, родители не реагируют");

        Assert.Equal(("council", D("2027-01-07")), (next!.StepId, next.Due));   // ten days (002 §4.1.2), holidays included
        Assert.Equal(D("2027-01-13"), await RecordAsync(caseId, "2027-01-07", "Совет: внутренний учёт, ИПР"));   // three working days after the New Year holidays: 11, 12, 13 January
        Assert.Null(await RecordAsync(caseId, "2027-01-12", "Решение доведено до родителей, директора и классного руководителя"));
        var steps = await QueryAsync<(string StepId, string State, string? Outcome, string? By)>($"SELECT step_id, state, outcome, recorded_by FROM case_steps WHERE case_id = {caseId} ORDER BY seq");
        Assert.Equal(("representation", "done", "Пропуски без уважительной причины, родители не реагируют", "Белова И. В."), steps[0]);
        Assert.Equal(["council", "decision"], steps.Skip(1).Select(s => s.StepId));
        Assert.Equal(("representation", "Пропуски без уважительной причины, родители не реагируют"),
            (await QueryAsync<(string, string)>($"SELECT level_id, representation FROM cases WHERE id = {caseId}")).Single());
    }

    [Fact]
    public async Task Order002_2_3_Volsk_OverThirtyPerCent_OpensACaseForTheCommission()
    {
        install.School["Profile"] = "volsk";
        var days = SchoolDays(new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 7));
        Absentee(days);

        await PollEachDayAsync(days);
        var (caseId, firstDue) = await OpenCaseAsync();

        // Over 30 % once 30 lessons are judged (Monday 7 December); the 'missing' level before it opened nothing.
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM cases"));
        Assert.Equal("systematic", await ScalarAsync<string>($"SELECT level_id FROM cases WHERE id = {caseId}"));
        Assert.Equal(D("2026-12-14"), firstDue);
        Assert.Equal("external", await ScalarAsync<string>($"SELECT step_id FROM case_steps WHERE case_id = {caseId}"));
        Assert.Null(await RecordAsync(caseId, "2026-12-08", "Сведения направлены в КДНиЗП"));
    }

    [Fact]
    public async Task Order000_2_4_Baley_Systematic_FindTheReasonWithinADay_ThenEveryStepOfItsOwnOrder()
    {
        install.School["Profile"] = "baley";
        var days = SchoolDays(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 13));
        Absentee(days);

        await PollEachDayAsync(days);
        var (caseId, firstDue) = await OpenCaseAsync();

        Assert.Equal(D("2026-11-16"), firstDue);   // «в течение одного дня» (000 §2.4): Monday
        Assert.Equal(D("2026-11-23"), await RecordAsync(caseId, "2026-11-16", "Мама: «не хочет ходить»"));
        Assert.Equal(D("2026-11-25"), await RecordAsync(caseId, "2026-11-18", "Нужна помощь психолога"));
        Assert.Equal(D("2026-11-27"), await RecordAsync(caseId, "2026-11-20", "Посещение, акт"));
        Assert.Equal(D("2026-12-01"), await RecordAsync(caseId, "2026-11-24", "План утверждён"));
        Assert.Equal(D("2026-12-08"), await RecordAsync(caseId, "2026-12-01", "Динамики нет, совет 01.12"));
        Assert.Null(await RecordAsync(caseId, "2026-12-02", "Направлено в КДНиЗП, МО МВД, Комитет образования"));
        var sources = await QueryAsync<string>($"SELECT source FROM case_steps WHERE case_id = {caseId} ORDER BY seq");
        Assert.All(sources, s => Assert.StartsWith("000 ", s, StringComparison.Ordinal));
        Assert.Equal(6, sources.Count);
    }

    [Fact]
    public async Task Order004_2_1_Tolyatti_HasNoInSchoolLadder_OnlyTheListForTheDistrictCentreAndTheRehabilitation()
    {
        install.School["Profile"] = "tolyatti";
        var days = SchoolDays(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 13));
        Absentee(days);

        await PollEachDayAsync(days);
        var (caseId, firstDue) = await OpenCaseAsync();

        Assert.Equal(D("2026-11-20"), firstDue);
        Assert.Equal(D("2026-11-23"), await RecordAsync(caseId, "2026-11-16", "Внесён в форму № 2 к 20.11"));
        Assert.Null(await RecordAsync(caseId, "2026-11-30", "Занятия с психологом, кружок"));
        Assert.Equal(["list", "rehabilitation"], await QueryAsync<string>($"SELECT step_id FROM case_steps WHERE case_id = {caseId} ORDER BY seq"));
    }

    [Fact]
    public async Task Order003_II_1_11_Krasnodar_LateMoreThanOnceInSixMonths_IsShownForTheCouncil_WithoutOpeningACase()
    {
        install.School["Profile"] = "krasnodar";
        var days = SchoolDays(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 13));
        Pupils(days);
        install.Journal.Mark(days[0], "p1", 1, "ОП").Mark(days[3], "p1", 1, "ОП").Mark(days[1], "p2", 1, "ОП");

        await PollEachDayAsync(days);

        // p1 twice («неоднократно»), p2 once: only p1, in the six months from September.
        Assert.Equal([("p1", "late", "2026/2027-S1")], await QueryAsync<(string, string, string)>("SELECT pupil_id, level_id, period_key FROM breaches"));
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM cases"));
        var written = await host!.Services.GetRequiredService<JournalWriter>().WriteAsync("school-1", CancellationToken.None);
        Assert.Equal(1, written);
        Assert.Equal("Систематически опаздывающие на занятия без уважительных причин (п. 1.11): неоднократно в течение шести месяцев: сентябрь–февраль 2026/2027, опозданий без уважительной причины: 2",
            File.ReadAllLines(Path.Combine(install.Journal.Path, "flags.csv"))[1].Split(';', 5)[4]);
    }

    [Fact]
    public async Task Order001_4_1_SixMonthsWithoutAnUnexcusedLesson_ProposeTakingThePupilOffTheRegister_AndRecordingItClosesTheCase()
    {
        install.School["Profile"] = "zato-svobodny";
        var days = SchoolDays(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 13));
        Absentee(days);
        await PollEachDayAsync(days);
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM cases")); // the 75 % is the report's category: the register is by petition (§3.1)
        var (caseId, _) = await OpenOnRepresentationAsync("2026-11-13", "Систематические пропуски, родители не реагируют");

        await PollEachDayAsync([D("2027-05-13")]); // the last unexcused lesson was on 13 November
        Assert.Empty(await QueryAsync<string>("SELECT step_id FROM case_steps WHERE step_id = 'deregistration'"));
        await PollEachDayAsync([D("2027-05-14")]);

        var steps = await QueryAsync<(string StepId, string Name, string Owner, string Due, string State, string Source)>(
            $"SELECT step_id, name, owner_role, due_on, state, source FROM case_steps WHERE case_id = {caseId} ORDER BY seq");
        Assert.Equal(("representation", "done"), (steps[0].StepId, steps[0].State));
        Assert.Equal(("card", "superseded"), (steps[1].StepId, steps[1].State));
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

    /// <summary>The class teacher's representation on <paramref name="on"/>: the case it opens, and its first step still to do.</summary>
    private async Task<(long Id, CaseStep? Next)> OpenOnRepresentationAsync(string on, string representation)
    {
        var school = host!.Services.GetRequiredService<SchoolRegistry>().Get("school-1");
        var profile = host.Services.GetRequiredService<RuleProfiles>().Get(school.Ref.ProfileId);
        clock.MoveTo(new DateTimeOffset(D(on).ToDateTime(new TimeOnly(16, 0)), TimeSpan.FromHours(3)));
        var opened = await host.Services.GetRequiredService<ConnectorDatabase>().InTransactionAsync(
            (db, tx) => Cases.OpenOnRepresentationAsync(db, tx, school, profile, "p1", representation, "Белова И. В.", D(on), clock.GetUtcNow()), CancellationToken.None);
        return opened!.Value;
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
