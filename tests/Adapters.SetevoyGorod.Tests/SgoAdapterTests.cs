using System.Globalization;
using Connector.Abstractions.Attendance;
using Connector.Abstractions.Journals;
using Connector.Testing.Sgo;
using Microsoft.Extensions.Logging;

namespace Connector.Adapters.SetevoyGorod.Tests;

/// <summary>The SGO adapter against the emulator: the login handshake, the session's life, codes, faults and write-back.</summary>
public sealed class SgoAdapterTests : IAsyncLifetime
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private static readonly DateTimeOffset MondayNoon = new(2026, 11, 9, 9, 0, 0, TimeSpan.Zero); // 12:00 in Moscow
    private SgoSchool school = null!;
    private int petrov;
    private int sidorova;
    private int teacher;
    private int class7B;

    public async Task InitializeAsync() => await StartAsync();

    public async Task DisposeAsync() => await school.DisposeAsync();

    [Fact]
    public async Task CyrillicLoginAndPassword_LogIn_AndTheRosterComesWithContacts()
    {
        Assert.Matches("[А-я]", SgoSchool.Password);
        var roster = await school.Adapter().GetRosterAsync(CancellationToken.None);

        Assert.Equal(1, school.Emulator.Logins);
        var pupil = Assert.Single(roster.Pupils, p => p.Id == Id(petrov));
        Assert.Equal(("Петров Иван Сергеевич", "7Б", 7), (pupil.FullName, pupil.ClassName, pupil.Grade));
        var mother = Assert.Single(roster.Guardians, g => pupil.GuardianIds.Contains(g.Id));
        Assert.Equal(("Петрова Мария Ивановна", "maria@example.com", "+79001112233"), (mother.FullName, mother.Email, mother.Phone));
    }

    [Fact]
    public async Task WrongPassword_IsAnAuthenticationFailure_NamingTheSetting_WithoutTheSecret()
    {
        school.Settings["Password"] = "Неверный1";

        var error = await Assert.ThrowsAsync<JournalException>(() => school.Adapter().GetRosterAsync(CancellationToken.None));

        Assert.Equal(JournalFailure.Authentication, error.Failure);
        Assert.Contains("Connector:Schools:0:Adapter:Login", error.Message, StringComparison.Ordinal);
        Assert.Contains("409", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Неверный1", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, school.Emulator.OpenSessions);
    }

    [Fact]
    public async Task EsiaOnlyServer_GivesOneClearError_NamingTheProblemAndTheSchool()
    {
        school.Emulator.EsiaOnly = true;

        var error = await Assert.ThrowsAsync<JournalException>(() => school.Adapter().GetAttendanceAsync(Monday, Monday, CancellationToken.None));

        Assert.Equal(JournalFailure.Authentication, error.Failure);
        Assert.Contains("school school-1", error.Message, StringComparison.Ordinal);
        Assert.Contains("only login through Госуслуги (ESIA)", error.Message, StringComparison.Ordinal);
        Assert.Contains("esiaMainAuth=true", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(school.Emulator.Requests, r => r.Path.EndsWith("/login", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OneSessionServesAllWork_IsLoggedInAgainOnceWhenItExpired_AndIsClosedOnShutdown()
    {
        var adapter = school.Adapter();
        await adapter.GetRosterAsync(CancellationToken.None);
        await adapter.GetAttendanceAsync(Monday, Monday, CancellationToken.None);
        Assert.Equal(1, school.Emulator.Logins);

        school.Emulator.ExpireSessions();
        var snapshot = await adapter.GetAttendanceAsync(Monday, Monday, CancellationToken.None);
        Assert.Equal(2, school.Emulator.Logins);
        Assert.Single(snapshot.Marks);
        Assert.Contains(school.Log.Lines, l => l.Message.Contains("session at", StringComparison.Ordinal) && l.Message.Contains("401", StringComparison.Ordinal));

        await ((IAsyncDisposable)adapter).DisposeAsync();
        Assert.Equal(1, school.Emulator.Logouts);
        Assert.Equal(0, school.Emulator.OpenSessions);
    }

    [Fact]
    public async Task IdleSession_IsLoggedOut_SoonAfterTheWorkEnds()
    {
        school.Settings["LingerSeconds"] = "0";
        await school.Adapter().GetRosterAsync(CancellationToken.None);

        for (var i = 0; i < 100 && school.Emulator.OpenSessions > 0; i++) await Task.Delay(50);
        Assert.Equal(0, school.Emulator.OpenSessions);
        Assert.Equal(1, school.Emulator.Logouts);
    }

    [Fact]
    public async Task SecondSession_MeetsTheSecurityWarning_WhichIsAcknowledgedOnce_AndTheDataIsRead()
    {
        school.Emulator.OpenBrowserSession(SgoSchool.Login);

        var snapshot = await school.Adapter().GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        Assert.Single(snapshot.Marks);
        Assert.Single(school.Emulator.Requests, r => r.Path == "/asp/SecurityWarning.asp");
        Assert.Contains(school.Log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("security warning", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AccountWithSeveralRoles_LogsInAgainAsTheStaffRole()
    {
        await school.DisposeAsync();
        await StartAsync(roles: [(2, "Родитель"), (SgoEmulator.StaffRoleId, SgoEmulator.StaffRoleName)]);

        var roster = await school.Adapter().GetRosterAsync(CancellationToken.None);

        Assert.Equal(3, roster.Pupils.Count);
        Assert.Equal(2, school.Emulator.Logins);
        Assert.Equal(1, school.Emulator.Logouts); // the session that only asked for a role
    }

    [Fact]
    public async Task SgoCodes_MapToCanonicalMarks_AndAnUnknownCodeIsAnAbsenceLoggedOnce()
    {
        var kuznetsov = school.Emulator.AddStudent(class7B, "Кузнецов Дмитрий Андреевич", null);
        school.Emulator.Mark(sidorova, Monday, 1, "УП");
        school.Emulator.Mark(sidorova, Monday, 2, "Б");
        school.Emulator.Mark(sidorova, Monday, 3, "НП");
        school.Emulator.Mark(petrov, Monday, 2, "ОП");
        school.Emulator.Mark(petrov, Monday, 3, "ОСВ");
        school.Emulator.Mark(kuznetsov, Monday, 1, "Щ");
        school.Emulator.Mark(kuznetsov, Monday, 2, "Щ");

        var snapshot = await school.Adapter().GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        var marks = snapshot.Marks.Select(m => (m.PupilId, m.LessonNumber, m.SourceCode, m.Presence, m.Reason)).Order().ToList();
        Assert.Equal(new[]
        {
            (Id(petrov), 1, "ОТ", Presence.Absent, AbsenceReason.NoneRecorded),
            (Id(petrov), 2, "ОП", Presence.Late, AbsenceReason.NoneRecorded),
            (Id(petrov), 3, "ОСВ", Presence.Absent, AbsenceReason.Excused),
            (Id(sidorova), 1, "УП", Presence.Absent, AbsenceReason.Excused),
            (Id(sidorova), 2, "Б", Presence.Absent, AbsenceReason.Illness),
            (Id(sidorova), 3, "НП", Presence.Absent, AbsenceReason.Unexcused),
            (Id(kuznetsov), 1, "Щ", Presence.Absent, AbsenceReason.NoneRecorded),
            (Id(kuznetsov), 2, "Щ", Presence.Absent, AbsenceReason.NoneRecorded),
        }.Order(), marks);
        Assert.Single(school.Log.Lines, l => l.Message.Contains("code 'Щ' is unknown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownCode_CanBeMappedBySetting()
    {
        school.Settings["Codes:Н"] = "unexcused";
        school.Settings["UnknownCode"] = "present";
        school.Emulator.Mark(sidorova, Monday, 1, "Н");
        school.Emulator.Mark(sidorova, Monday, 2, "Щ");

        var snapshot = await school.Adapter().GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        Assert.Equal([(Id(petrov), 1, AbsenceReason.NoneRecorded), (Id(sidorova), 1, AbsenceReason.Unexcused)],
            snapshot.Marks.Select(m => (m.PupilId, m.LessonNumber, m.Reason)).Order());
    }

    [Fact]
    public async Task APoll_ReadsTodaysLessonPagesEveryTime_AndEarlierDaysOnlyWhenTheyAreDue()
    {
        var thursday = Monday.AddDays(-4);
        var friday = Monday.AddDays(-3);
        school.Emulator.Lessons(class7B, thursday, 6);
        school.Emulator.Lessons(class7B, friday, 6);
        school.Emulator.Mark(sidorova, thursday, 2, "ОТ");
        school.Emulator.Mark(sidorova, friday, 3, "ОТ");
        school.Settings["RecentRefreshMinutes"] = "60";
        school.Settings["OlderRefreshMinutes"] = "480";
        var adapter = school.Adapter();
        await adapter.GetRosterAsync(CancellationToken.None);

        // 12:00 in Moscow: four of Monday's lessons have begun, and all of Thursday's and Friday's.
        var (first, firstPages) = await ReadAsync(adapter, thursday);
        school.Clock.Advance(TimeSpan.FromMinutes(15));
        school.Emulator.Mark(petrov, Monday, 2, "ОТ"); // today: seen at the next poll
        school.Emulator.Mark(sidorova, friday, 4, "ОТ"); // a late entry on the previous lesson day
        var (second, secondPages) = await ReadAsync(adapter, thursday);
        school.Clock.Advance(TimeSpan.FromMinutes(60)); // 13:15: Friday's pages are an hour old, Thursday's not eight
        var (third, thirdPages) = await ReadAsync(adapter, thursday);

        Assert.Equal(4 + 6 + 6, firstPages);
        Assert.Contains((Id(sidorova), thursday, 2), first);
        Assert.Equal(5, secondPages); // Monday's five begun lessons; no earlier page
        Assert.Contains((Id(petrov), Monday, 2), second);
        Assert.DoesNotContain((Id(sidorova), friday, 4), second);
        Assert.Equal(6 + 6, thirdPages); // Monday's six and Friday's six; Thursday's pages wait for their eight hours
        Assert.Contains((Id(sidorova), friday, 4), third);
        Assert.Contains((Id(sidorova), thursday, 2), third); // kept from the first read
    }

    [Fact]
    public async Task TheNextMorningsFirstPoll_ReadsTodaysPagesAndAShareOfTheRest_AndAnEntryMadeInTheEveningIsSeenWithinTwoHours()
    {
        var friday = Monday.AddDays(-3);
        var tuesday = Monday.AddDays(1);
        school.Emulator.Lessons(class7B, friday, 6);
        school.Emulator.Lessons(class7B, tuesday, 6);
        var adapter = school.Adapter();
        await adapter.GetRosterAsync(CancellationToken.None);

        // Monday, a poll every 15 minutes from 12:00 to 16:00, with the default refresh (2 and 8 hours).
        var (_, mondayFirst) = await ReadAsync(adapter, friday);
        for (var poll = 0; poll < 16; poll++)
        {
            school.Clock.Advance(TimeSpan.FromMinutes(15));
            await ReadAsync(adapter, friday);
        }

        // The teacher fills in Monday's fifth lesson in the evening; Tuesday's first poll comes at 08:45 (lesson 1 has begun).
        school.Emulator.Mark(sidorova, Monday, 5, "ОТ");
        school.Clock.SetUtcNow(new DateTimeOffset(tuesday.ToDateTime(new TimeOnly(5, 45)), TimeSpan.Zero));
        var (morning, morningPages) = await ReadAsync(adapter, friday, tuesday);
        var polls = 1;
        while (!morning.Contains((Id(sidorova), Monday, 5)) && polls < 20)
        {
            school.Clock.Advance(TimeSpan.FromMinutes(15));
            (morning, _) = await ReadAsync(adapter, friday, tuesday);
            polls++;
        }

        Assert.Equal(4 + 6, mondayFirst); // the service's first poll reads the whole window: Friday's pages and the four of Monday's begun by noon
        Assert.InRange(morningPages, 1, 3); // Tuesday's first lesson and at most one page of each earlier tier, not all of Monday's
        Assert.InRange(polls, 1, 9);        // the previous lesson day is read again within two hours of the first poll
    }

    [Fact]
    public async Task PollsSetFurtherApart_AreTheNewUsualPace_NotAPauseEachTime()
    {
        var friday = Monday.AddDays(-3);
        school.Emulator.Lessons(class7B, friday, 6);
        var adapter = school.Adapter();
        await adapter.GetRosterAsync(CancellationToken.None);
        await ReadAsync(adapter, friday); // 12:00
        school.Clock.Advance(TimeSpan.FromMinutes(15));
        await ReadAsync(adapter, friday);

        // The operator sets the school's polls two hours apart. Friday's pages (the previous lesson day) are two hours
        // old at each poll: the first gap is taken for a pause, the second is the usual pace and reads them all.
        school.Emulator.Mark(sidorova, friday, 6, "ОТ");
        school.Clock.Advance(TimeSpan.FromHours(2));
        var (_, firstPages) = await ReadAsync(adapter, friday);
        school.Clock.Advance(TimeSpan.FromHours(2));
        var (second, secondPages) = await ReadAsync(adapter, friday);

        Assert.Equal(6 + 1, firstPages);  // Monday's six begun lessons and an eighth of Friday's
        Assert.Equal(6 + 6, secondPages); // and then every page of Friday
        Assert.Contains((Id(sidorova), friday, 6), second);
    }

    /// <summary>Reads the window, counting the lesson pages asked for (a page asked again after a new login counts once).</summary>
    private async Task<(List<(string, DateOnly, int)> Marks, int Pages)> ReadAsync(IJournalAdapter adapter, DateOnly from, DateOnly? to = null)
    {
        var before = school.Emulator.RequestTargets.Count;
        var snapshot = await adapter.GetAttendanceAsync(from, to ?? Monday, CancellationToken.None);
        var pages = school.Emulator.RequestTargets.Skip(before).Where(t => t.StartsWith("GET /webapi/grade/journal/edit?", StringComparison.Ordinal)).Distinct().Count();
        return ([.. snapshot.Marks.Select(m => (m.PupilId, m.Date, m.LessonNumber))], pages);
    }

    [Fact]
    public async Task LessonsNotYetBegun_AreNotTaken_AndTheirPagesAreNotRead()
    {
        var snapshot = await school.Adapter().GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        // At 12:00 lessons 1–4 (08:30, 09:25, 10:20, 11:15) have begun; 5 (12:10) and 6 have not.
        Assert.Equal([1, 2, 3, 4], snapshot.Lessons.Where(l => l.AttendanceTaken).Select(l => l.Number).Order());
        Assert.Equal(4, school.Emulator.Requests.Count(r => r.Path == "/webapi/grade/journal/edit"));
    }

    [Theory]
    [InlineData(SgoFault.ServerError, "answered 503")]
    [InlineData(SgoFault.Drop, "could not be reached")]
    [InlineData(SgoFault.Html, "HTML page instead of JSON")]
    [InlineData(SgoFault.Truncated, "could not be reached")]
    [InlineData(SgoFault.Slow, "did not answer")]
    public async Task Fault_DecidesNothing_SaysWhatHappened_AndTheNextReadRecovers(SgoFault fault, string said)
    {
        var adapter = school.Adapter();
        school.Emulator.SlowDelay = TimeSpan.FromSeconds(5);
        school.Emulator.FaultPath = "grade/journal/edit";
        school.Emulator.Fault = fault;

        var error = await Assert.ThrowsAsync<JournalException>(() => adapter.GetAttendanceAsync(Monday, Monday, CancellationToken.None));

        Assert.Equal(JournalFailure.Transient, error.Failure);
        Assert.Contains(said, error.Message, StringComparison.Ordinal);
        Assert.Contains("school school-1", error.Message, StringComparison.Ordinal);

        school.Emulator.Fault = SgoFault.None;
        var snapshot = await adapter.GetAttendanceAsync(Monday, Monday, CancellationToken.None);
        Assert.Equal([(Id(petrov), 1, AbsenceReason.NoneRecorded)], snapshot.Marks.Select(m => (m.PupilId, m.LessonNumber, m.Reason)));
    }

    [Fact]
    public async Task ShortFault_IsRetriedWithinTheRead()
    {
        school.Emulator.FaultPath = "grade/journal/short";
        school.Emulator.FaultCount = 1;
        school.Emulator.Fault = SgoFault.ServerError;

        var snapshot = await school.Adapter().GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        Assert.Single(snapshot.Marks);
        Assert.Equal(SgoFault.None, school.Emulator.Fault);
    }

    [Fact]
    public async Task ServerFailingAgainAndAgain_IsLeftAlone_UntilTheBreakerCloses()
    {
        var adapter = school.Adapter();
        school.Emulator.FaultPath = "grade/journal/short";
        school.Emulator.Fault = SgoFault.ServerError;
        for (var i = 0; i < 6; i++)
        {
            await Assert.ThrowsAsync<JournalException>(() => adapter.GetAttendanceAsync(Monday, Monday, CancellationToken.None));
        }

        var before = school.Emulator.Requests.Count;
        var error = await Assert.ThrowsAsync<JournalException>(() => adapter.GetAttendanceAsync(Monday, Monday, CancellationToken.None));

        Assert.Equal(JournalFailure.Transient, error.Failure);
        Assert.Contains("failed too often", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, school.Emulator.Requests.Count);
    }

    [Fact]
    public async Task Requests_ArePacedToTheConfiguredRate()
    {
        school.Settings["RequestsPerMinute"] = "300"; // one every 200 ms
        var adapter = school.Adapter();
        await adapter.GetRosterAsync(CancellationToken.None); // logs in
        var before = school.Emulator.Requests.Count;

        // The emulator's clock is virtual; the pace is real time, so it is measured here.
        var started = TimeProvider.System.GetTimestamp();
        await adapter.GetAttendanceAsync(Monday, Monday, CancellationToken.None);
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        var requests = school.Emulator.Requests.Count - before;
        Assert.True(requests >= 10, $"{requests} requests");
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(200 * (requests - 1) * 0.9), $"{requests} requests took {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task ManySchoolsOnOneServer_WaitForTheirTurn_WithoutTheWaitCountingAsATimeout()
    {
        // Fifteen schools' accounts on one server paced at one request per 100 ms: a request may queue for 1.5 s,
        // longer than the 1 s a request may take. Waiting for one's turn is not the server being slow.
        school.Settings["RequestsPerMinute"] = "600";
        school.Settings["TimeoutSeconds"] = "1";
        school.Settings["Retries"] = "0";
        var factory = school.Factory();
        var adapters = new List<IJournalAdapter>();
        for (var i = 0; i < 15; i++)
        {
            var login = string.Create(CultureInfo.InvariantCulture, $"school{i}");
            school.Emulator.AddAccount(login, SgoSchool.Password, $"Сервис {i}");
            school.Settings["Login"] = login;
            adapters.Add(factory.Create(SgoSchool.Ref, school.Section()));
        }

        var rosters = await Task.WhenAll(adapters.Select(a => a.GetRosterAsync(CancellationToken.None)));

        Assert.All(rosters, r => Assert.Equal(3, r.Pupils.Count));
        foreach (var adapter in adapters) await ((IAsyncDisposable)adapter).DisposeAsync();
    }

    [Fact]
    public async Task Flag_IsMailedToTheClassTeacherAndTheSocialPedagogue_OnceAcrossARestart_ByTheVariantThatWorks()
    {
        var pedagogue = school.Emulator.AddStaff("Соколова Вера Николаевна");
        school.Settings["SocialPedagogue"] = "Соколова  Вера Николаевна";
        var flag = new JournalFlag("breach:school-1:p:level-1:2026-11", Id(petrov), JournalFlagKind.SystematicAbsenceLevel, Monday, "Пропущено без уважительной причины 3 урока за месяц.");

        var adapter = school.Adapter();
        await adapter.WriteFlagAsync(flag, CancellationToken.None);
        var second = flag with { Key = "breach:school-1:p:level-2:2026-11", Text = "Второй уровень." };
        await adapter.WriteFlagAsync(second, CancellationToken.None);
        await school.Adapter().WriteFlagAsync(flag, CancellationToken.None); // after a restart that lost the record of the first write

        var mail = school.Emulator.Mail;
        Assert.Equal(2, mail.Count);
        var first = mail[0];
        Assert.Equal([teacher, pedagogue], first.To);
        Assert.Equal($"Connector: пропуски без уважительной причины, 7Б, 09.11.2026 {SgoMailbox.Token(flag.Key)}", first.Subject);
        Assert.Contains("Пропущено без уважительной причины 3 урока за месяц.", first.Text, StringComparison.Ordinal);
        Assert.Contains("Ученик: Петров Иван Сергеевич, 7Б.", first.Text, StringComparison.Ordinal);
        Assert.All(mail, m => Assert.Equal(2, m.Variant));
        // Variant 1 was tried once, refused, and never again on this server.
        Assert.Single(school.Emulator.Requests, r => r.Method == "POST" && r.Path == "/webapi/mail/messages");
    }

    [Fact]
    public async Task ServerTakingTheFirstVariant_GetsItFirst()
    {
        school.Emulator.SendVariant = 1;
        var flag = new JournalFlag("notified:x", Id(sidorova), JournalFlagKind.GuardiansNotified, Monday, "Родители уведомлены.");

        await school.Adapter().WriteFlagAsync(flag, CancellationToken.None);

        var mail = Assert.Single(school.Emulator.Mail);
        Assert.Equal(1, mail.Variant);
        Assert.Equal([teacher], mail.To);
        Assert.DoesNotContain(school.Emulator.Requests, r => r.Path == "/webapi/mail/messages/send");
    }

    [Fact]
    public void Validate_NamesEachWrongSetting()
    {
        school.Settings["BaseUrl"] = "sgo.example";
        school.Settings["SchoolId"] = "0";
        school.Settings["Password"] = "";
        school.Settings["Codes:Н"] = "прогул";

        var problems = school.Factory().Validate(school.Section());

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Connector:Schools:0:Adapter:BaseUrl:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Connector:Schools:0:Adapter:SchoolId:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("CONNECTOR__Schools__0__Adapter__Password", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Connector:Schools:0:Adapter:Codes:Н:", StringComparison.Ordinal));
    }

    [Fact]
    public void PasswordProof_IsMd5OfSaltAndTheWindows1251Hash_InLowercaseHex()
    {
        // Expected values computed independently (Python hashlib over cp1251 bytes).
        Assert.Equal("749789e4982b0c563f6729aac100a614", SgoPassword.InnerHash("пароль"));
        var pw2 = SgoPassword.Pw2("9369808045", "пароль");
        Assert.Equal("4b577141faca86c6c5e89136410e5c93", pw2);
        Assert.Equal("4b5771", SgoPassword.Pw(pw2, "пароль"));
    }

    private async Task StartAsync(params (int, string)[] roles)
    {
        school = await SgoSchool.StartAsync(MondayNoon, roles: roles);
        var sgo = school.Emulator;
        teacher = sgo.AddStaff("Белова Ирина Викторовна");
        var cls = class7B = sgo.AddClass("7Б", teacher);
        petrov = sgo.AddStudent(cls, "Петров Иван Сергеевич", new DateOnly(2013, 4, 2), new SgoParentData("Петрова Мария Ивановна", "maria@example.com", "+79001112233"));
        sidorova = sgo.AddStudent(cls, "Сидорова Анна Олеговна", null, new SgoParentData("Сидоров Олег Юрьевич", "oleg@example.com", null));
        sgo.AddStudent(sgo.AddClass("5А", sgo.AddStaff("Орлова Ольга Петровна")), "Белова Полина Алексеевна", null);
        sgo.Lessons(cls, Monday, 6);
        sgo.Mark(petrov, Monday, 1, "ОТ");
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
