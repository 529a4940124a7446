using System.Globalization;
using Microsoft.Extensions.Configuration;
using Connector.Abstractions.Attendance;
using Connector.Abstractions.Journals;
using Connector.Testing.Sgo;

namespace Connector.Adapters.SetevoyGorod.Tests;

/// <summary>
/// The adapter against SGO servers that answer the reads SGO_API.md leaves open in each of the ways the research
/// names: every combination reads the same classes, pupils, lessons and marks; the variant found is remembered in the
/// store across a restart; an answer of another shape names what is missing; sessions are closed; mail is never sent
/// twice whatever the server's Sent-folder search.
/// </summary>
public sealed class SgoVariantTests : IAsyncLifetime
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private static readonly DateTimeOffset MondayNoon = new(2026, 11, 9, 9, 0, 0, TimeSpan.Zero); // 12:00 in Moscow
    private static readonly SgoVariants[] Combinations = [.. SgoVariants.AllReads()];

    private SgoSchool school = null!;
    private int teacher;
    private int petrov;
    private readonly List<(string Name, string Class)> pupils = [];
    private readonly List<(int Pupil, int Lesson, string Code)> marks = [];

    public static TheoryData<int> EveryCombination => [.. Enumerable.Range(0, Combinations.Length)];

    public async Task InitializeAsync()
    {
        school = await SgoSchool.StartAsync(MondayNoon);
        var sgo = school.Emulator;
        teacher = sgo.AddStaff("Белова Ирина Викторовна");
        var c7b = sgo.AddClass("7Б", teacher, "Математика", "Русский язык", "Английский язык");
        var c5a = sgo.AddClass("5А", sgo.AddStaff("Орлова Ольга Петровна"), "Математика", "Чтение");
        petrov = Add(c7b, "7Б", "Петров Иван Сергеевич", new SgoParentData("Петрова Мария Ивановна", "maria@example.com", "+79001112233"));
        var sidorova = Add(c7b, "7Б", "Сидорова Анна Олеговна", new SgoParentData("Сидоров Олег Юрьевич", "oleg@example.com", null));
        Add(c7b, "7Б", "Ёлкин Пётр Ильич");
        var belova = Add(c5a, "5А", "Белова Полина Алексеевна", new SgoParentData("Белов Алексей Павлович", null, "+79004445566"));
        Add(c5a, "5А", "Зайцев Марк");
        sgo.Lessons(c7b, Monday, 4);
        sgo.Lessons(c5a, Monday, 4);
        sgo.Lessons(c7b, Monday.AddDays(-3), 4); // last Friday: outside the window read
        Mark(petrov, 1, "ОТ");
        Mark(sidorova, 2, "Б");
        Mark(belova, 3, "НП");
        Mark(belova, 4, "ОП");
    }

    public Task DisposeAsync() => school.DisposeAsync().AsTask();

    [Theory]
    [MemberData(nameof(EveryCombination))]
    public async Task EveryCombinationOfVariants_ReadsEveryClassPupilLessonAndMark(int combination)
    {
        var variants = Combinations[combination];
        school.Emulator.Variants = variants;
        var adapter = school.Adapter();

        var roster = await adapter.GetRosterAsync(CancellationToken.None);
        var attendance = await adapter.GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        Assert.True(pupils.Order().SequenceEqual(roster.Pupils.Select(p => (p.FullName, p.ClassName)).Order()), variants.ToString());
        Assert.Equal(3, roster.Guardians.Count);
        Assert.Equal(8, attendance.Lessons.Count(l => l.AttendanceTaken && l.Date == Monday));
        var read = attendance.Marks.Select(m => (int.Parse(m.PupilId, CultureInfo.InvariantCulture), m.LessonNumber, m.SourceCode)).Order().ToList();
        Assert.True(marks.Order().SequenceEqual(read), $"{variants}: {string.Join(", ", read)}");
        Assert.Equal(Presence.Absent, attendance.Marks.Single(m => m.SourceCode == "ОТ").Presence);
        Assert.DoesNotContain(school.Log.Lines, l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task VariantsFound_AreRememberedInTheStore_SoARestartGoesStraightToThem()
    {
        school.Emulator.Variants = new SgoVariants { Terms = SgoTermsVariant.YearOnly, Students = SgoStudentsVariant.GradeStudentList, LowercaseSgid = true };
        await using (var first = (IAsyncDisposable)school.Adapter())
        {
            await ((IJournalAdapter)first).GetAttendanceAsync(Monday, Monday, CancellationToken.None);
        }

        var before = school.Emulator.RequestTargets.Count;
        var restarted = school.Adapter(); // a new factory: what it knows comes from the store alone
        await restarted.GetRosterAsync(CancellationToken.None);
        await restarted.GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        var after = school.Emulator.RequestTargets.Skip(before).ToList();
        Assert.DoesNotContain(after, r => r.Contains("/webapi/users/studentlist", StringComparison.Ordinal));
        Assert.DoesNotContain(after, r => r.Contains("/webapi/terms/search", StringComparison.Ordinal));
        Assert.DoesNotContain(after, r => r.Contains("sgId=", StringComparison.Ordinal));
        Assert.Contains(after, r => r.Contains("/webapi/years/current", StringComparison.Ordinal));
        Assert.Contains(after, r => r.StartsWith("GET /webapi/grade/journal/edit?sgid=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnswerOfAnotherShape_IsAContractChange_NamingTheEndpointTheFieldAndWhatCame_WithoutPersonalData()
    {
        school.Emulator.RewriteJson = (path, json) => path.EndsWith("filter/init", StringComparison.Ordinal) ? json.Replace("\"subjectGroups\"", "\"groups\"", StringComparison.Ordinal) : json;

        var failure = await Assert.ThrowsAsync<JournalException>(() => school.Adapter().GetRosterAsync(CancellationToken.None));

        Assert.Equal(JournalFailure.ContractChanged, failure.Failure);
        Assert.Contains("answered webapi/grade/journal/filter/init without the field 'subjectGroups'; found instead: {\"classes\":[{\"id\":", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"7Б\"", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Белова", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"teacher\":{\"id\":", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PupilsWithoutLastName_AreReadFromWhicheverNameFieldTheServerGives()
    {
        school.Emulator.RewriteJson = (path, json) => path.EndsWith("studentlist", StringComparison.Ordinal)
            ? json.Replace("\"lastName\"", "\"surname\"", StringComparison.Ordinal).Replace("\"firstName\"", "\"given\"", StringComparison.Ordinal)
            : json;

        var failure = await Assert.ThrowsAsync<JournalException>(() => school.Adapter().GetRosterAsync(CancellationToken.None));

        // None of the three ways of listing pupils gave a name the adapter knows: each is named, with what it found.
        Assert.Equal(JournalFailure.ContractChanged, failure.Failure);
        Assert.Contains("none of the 3 known ways to read pupils", failure.Message, StringComparison.Ordinal);
        Assert.Contains("without the field 'lastName' or 'nickName'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"surname\":\"***\"", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Петров", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("@example.com", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HtmlInsteadOfJson_MakesTheAdapterLogInAgain_AfterLoggingOutTheSessionItDropped()
    {
        school.Emulator.FaultPath = "journal/edit";
        await using (var adapter = (IAsyncDisposable)school.Adapter())
        {
            var journal = (IJournalAdapter)adapter;
            school.Emulator.Fault = SgoFault.Html;
            school.Emulator.FaultCount = 1; // one page: logged out, logged in again, the page read again
            var attendance = await journal.GetAttendanceAsync(Monday, Monday, CancellationToken.None);
            Assert.Equal(4, attendance.Marks.Count);

            school.Emulator.Fault = SgoFault.Html;
            school.Emulator.FaultCount = 2; // a page twice: the read fails, and decides nothing
            var failure = await Assert.ThrowsAsync<JournalException>(() => journal.GetAttendanceAsync(Monday, Monday, CancellationToken.None));
            Assert.True(failure.IsTransient);
        }

        Assert.Equal(3, school.Emulator.Logins);
        Assert.Equal(school.Emulator.Logins, school.Emulator.Logouts);
        Assert.Equal(0, school.Emulator.OpenSessions);
        Assert.DoesNotContain(school.Log.Lines, l => l.Message.Contains("security warning", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SgoRegistryVariant.Json)]
    [InlineData(SgoRegistryVariant.Legacy)]
    public async Task Flag_IsMailedOnce_AcrossARestart_WhicheverSentFolderSearchTheServerHas(SgoRegistryVariant registry)
    {
        school.Emulator.Variants = new SgoVariants { Registry = registry };
        var flag = new JournalFlag("breach:school-1:p:level-1:2026-11", Id(petrov), JournalFlagKind.SystematicAbsenceLevel, Monday, "Пропущено 3 урока.");

        await school.Adapter().WriteFlagAsync(flag, CancellationToken.None);
        await school.Adapter().WriteFlagAsync(flag, CancellationToken.None); // the record of the first write was lost

        var mail = Assert.Single(school.Emulator.Mail);
        Assert.Equal([teacher], mail.To);
    }

    [Fact]
    public async Task ServerWithNoSentFolderSearch_GetsNoFlag_SinceASecondCopyCouldNotBeRuledOut()
    {
        school.Emulator.Variants = new SgoVariants { Registry = SgoRegistryVariant.None };
        var flag = new JournalFlag("notified:x", Id(petrov), JournalFlagKind.GuardiansNotified, Monday, "Родители уведомлены.");

        var failure = await Assert.ThrowsAsync<JournalException>(() => school.Adapter().WriteFlagAsync(flag, CancellationToken.None));

        Assert.Equal(JournalFailure.ContractChanged, failure.Failure);
        Assert.Contains("mail Sent folder", failure.Message, StringComparison.Ordinal);
        Assert.Empty(school.Emulator.Mail);
    }

    [Fact]
    public async Task MailSend_IsNeverRepeatedByTheRetryPolicy_OnlyAfterTheSentFolderSaysItDidNotGo()
    {
        school.Emulator.Fault = SgoFault.ServerError;
        school.Emulator.FaultPath = "/webapi/mail/messages";
        school.Emulator.FaultCount = 1;
        var flag = new JournalFlag("notified:y", Id(petrov), JournalFlagKind.GuardiansNotified, Monday, "Родители уведомлены.");
        var adapter = school.Adapter(); // Retries = 1: a read meeting 503 would be tried twice

        var failure = await Assert.ThrowsAsync<JournalException>(() => adapter.WriteFlagAsync(flag, CancellationToken.None));
        Assert.True(failure.IsTransient);
        Assert.Single(school.Emulator.Requests, r => r.Method == "POST" && r.Path.StartsWith("/webapi/mail/messages", StringComparison.Ordinal));

        await adapter.WriteFlagAsync(flag, CancellationToken.None);
        Assert.Single(school.Emulator.Mail);
    }

    [Fact]
    public void SchoolsOnOneServer_MustAgreeOnItsPace_TheSecondIsRefusedNamingBoth()
    {
        var first = school.Section();
        school.Settings["RequestsPerMinute"] = "30";
        var second = new ConfigurationBuilder()
            .AddInMemoryCollection(school.Settings.ToDictionary(s => "Connector:Schools:1:Adapter:" + s.Key, s => s.Value))
            .Build().GetSection("Connector:Schools:1:Adapter");

        var problems = school.Factory().ValidateTogether([first, second]);

        var (index, problem) = Assert.Single(problems);
        Assert.Equal(1, index);
        Assert.StartsWith("Connector:Schools:1:Adapter:RequestsPerMinute: 30, а в Connector:Schools:0:Adapter:RequestsPerMinute — 6000", problem, StringComparison.Ordinal);
    }

    private int Add(int classId, string className, string name, params SgoParentData[] parents)
    {
        pupils.Add((name, className));
        return school.Emulator.AddStudent(classId, name, null, parents);
    }

    private void Mark(int pupil, int lesson, string code)
    {
        school.Emulator.Mark(pupil, Monday, lesson, code);
        marks.Add((pupil, lesson, code));
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
