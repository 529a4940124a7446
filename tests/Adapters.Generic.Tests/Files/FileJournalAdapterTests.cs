using Connector.Abstractions.Attendance;
using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;
using Connector.Adapters.Generic.Files;
using Connector.Demo;
using Connector.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Adapters.Generic.Tests.Files;

public sealed class FileJournalAdapterTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly string home = Directory.CreateTempSubdirectory("connector-files-").FullName;
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 9, 15, 0, 0, TimeSpan.FromHours(3)));
    private readonly JournalFolder journal;

    public FileJournalAdapterTests()
    {
        journal = new JournalFolder(Path.Combine(home, "journal"))
            .Pupil("p1", "Петров Иван Сергеевич", "7 б", "g1", "g2")
            .Pupil("p2", "Сидорова Анна Олеговна", "7Б", "g3")
            .Guardian("g1", "Петрова Мария Ивановна", "maria@example.com", "+79001112233")
            .Guardian("g2", "Петров Сергей Павлович", null, "+79001112234")
            .Guardian("g3", "Сидоров Олег Юрьевич", "oleg@example.com")
            .Lessons("7Б", Monday, 5);
    }

    [Fact]
    public async Task Roster_LinksGuardiansToPupils_AndNormalisesClassNames()
    {
        journal.Write();
        var roster = await Adapter().GetRosterAsync(CancellationToken.None);

        var petrov = roster.Pupils.Single(p => p.Id == "p1");
        Assert.Equal("Петров Иван Сергеевич", petrov.FullName);
        Assert.Equal("7Б", petrov.ClassName);
        Assert.Equal(7, petrov.Grade);
        Assert.Equal(["g1", "g2"], petrov.GuardianIds);
        Assert.Null(roster.Guardians.Single(g => g.Id == "g2").Email);
        Assert.Empty(roster.Problems);
    }

    [Fact]
    public async Task Attendance_MapsJournalCodesToCanonicalMarks_WithTheLessonsSubject()
    {
        journal.Mark(Monday, "p1", 1, "Н").Mark(Monday, "p1", 2, "Б").Mark(Monday, "p2", 3, "УП").Mark(Monday, "p2", 4, "ОП").Write();

        var snapshot = await Adapter().GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        Assert.Equal(5, snapshot.Lessons.Count(l => l.AttendanceTaken));
        var marks = snapshot.Marks.ToDictionary(m => (m.PupilId, m.LessonNumber));
        Assert.True(marks[("p1", 1)].IsUnexplainedAbsence);
        Assert.Equal(JournalFolder.Subjects[0], marks[("p1", 1)].Subject);
        Assert.Equal((Presence.Absent, AbsenceReason.Illness), (marks[("p1", 2)].Presence, marks[("p1", 2)].Reason));
        Assert.Equal((Presence.Absent, AbsenceReason.Excused), (marks[("p2", 3)].Presence, marks[("p2", 3)].Reason));
        Assert.Equal(Presence.Late, marks[("p2", 4)].Presence);
        Assert.Equal("Б", marks[("p1", 2)].SourceCode);
    }

    [Fact]
    public async Task Attendance_ShowsTheJournalAsItWasAtTheTime_LaterRowsReplaceEarlierOnes()
    {
        var entered = JournalFolder.LessonStart(Monday, 1).AddMinutes(10);
        journal.Mark(Monday, "p1", 1, "Н", entered).Mark(Monday, "p1", 1, "Б", entered.AddHours(2)).Write();
        var adapter = Adapter();

        clock.MoveTo(new DateTimeOffset(entered.AddMinutes(30), TimeSpan.FromHours(3)));
        var before = await adapter.GetAttendanceAsync(Monday, Monday, CancellationToken.None);
        clock.MoveTo(new DateTimeOffset(entered.AddHours(3), TimeSpan.FromHours(3)));
        var after = await adapter.GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        Assert.Equal(AbsenceReason.NoneRecorded, before.Marks.Single().Reason);
        Assert.Equal(AbsenceReason.Illness, after.Marks.Single().Reason);
        Assert.Equal(1, before.Lessons.Count(l => l.AttendanceTaken));
    }

    [Fact]
    public async Task Lessons_WithoutTakenAt_AreNotTaken()
    {
        journal.Lessons("8А", Monday, 3, taken: false).Write();

        var snapshot = await Adapter().GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        Assert.All(snapshot.Lessons.Where(l => l.ClassName == "8А"), l => Assert.False(l.AttendanceTaken));
    }

    [Fact]
    public async Task MalformedRows_AreReportedWithFileLineAndReason_AndNeverBecomeMarks()
    {
        journal
            .Mark(Monday, "p1", 1, "Н")
            .RawAttendance($"{Monday:yyyy-MM-dd};p1;2;Х;")
            .RawAttendance("31.11.2026;p1;1;Б;")
            .RawAttendance($"{Monday:yyyy-MM-dd};p404;1;Н;")
            .RawAttendance($"{Monday:yyyy-MM-dd};p2;9;Н;")
            .RawAttendance($"{Monday:yyyy-MM-dd};p2;1;Н;;extra")
            .RawAttendance($"{Monday:yyyy-MM-dd};p2;\"1;Н;")
            .Write();

        var snapshot = await Adapter().GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        Assert.Equal(("p1", 1), (snapshot.Marks.Single().PupilId, snapshot.Marks.Single().LessonNumber));
        var problems = snapshot.Problems.Select(p => $"{p.Kind} {p}").ToList();
        Assert.Equal(
        [
            "Record attendance.csv:3 (code): the attendance code is unknown; add it to the school's Adapter:Codes",
            "Record attendance.csv:4 (date): not a date (yyyy-mm-dd)",
            "Record attendance.csv:5 (pupil_id): the pupil is not in pupils.csv",
            "Record attendance.csv:6 (lesson): lessons.csv has no such lesson of the pupil's class on that date",
            "Structure attendance.csv:7: the row has 6 cells, the header 5; the row is left out",
            "Structure attendance.csv:8: broken quoting in the row; the row is left out",
        ], problems.Order());
        // A left-out row that could explain or clear an absence (an unknown code; a reason on a date that is not one,
        // which holds every date) holds that pupil's decisions; one that can only say "absent" holds nothing. No
        // message quotes a cell.
        Assert.Equal([("p1", Monday), ("p1", null), (null, null), (null, Monday)],
            snapshot.Problems.Where(p => p.Kind == SourceProblemKind.Record).OrderBy(p => p.Record).Select(p => (p.PupilId, p.Date)));
        Assert.DoesNotContain(problems, p => p.Contains("p404", StringComparison.Ordinal) || p.Contains("31.11", StringComparison.Ordinal) || p.Contains('Х'));
    }

    [Fact]
    public async Task AnExportOfTheWholeTerm_ReadForAWeek_GivesThatWeek_AndStillReportsAFileCutInAnOlderDay()
    {
        // Eight weeks of lessons and absences before Monday, in windows-1251 as Excel saves them.
        for (var day = Monday.AddDays(-56); day < Monday; day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            journal.Lessons("7Б", day, 5).Mark(day, "p1", 1, "Н").Mark(day, "p2", 2, "Б");
        }

        journal.Mark(Monday, "p1", 3, "Н").Write();
        foreach (var file in new[] { "lessons.csv", "attendance.csv", "pupils.csv" })
        {
            var path = Path.Combine(journal.Path, file);
            File.WriteAllBytes(path, ExportText.Windows1251.GetBytes(File.ReadAllText(path).Replace("\n", "\r\n", StringComparison.Ordinal)));
        }

        var week = await Adapter().GetAttendanceAsync(Monday.AddDays(-6), Monday, CancellationToken.None);

        Assert.Equal([Monday.AddDays(-6), Monday.AddDays(-5), Monday.AddDays(-4), Monday.AddDays(-3), Monday], week.Lessons.Select(l => l.Date).Distinct().Order());
        Assert.Equal(9, week.Marks.Count);
        Assert.Equal(("p1", Monday, 3, "Н"), week.Marks.Where(m => m.Date == Monday).Select(m => (m.PupilId, m.Date, m.LessonNumber, m.SourceCode)).Single());
        Assert.Empty(week.Problems);

        // The file cut while being written, its last row an old day's: the read is reported as cut all the same.
        var attendance = Path.Combine(journal.Path, "attendance.csv");
        File.AppendAllText(attendance, $"{Monday.AddDays(-50):yyyy-MM-dd};p2;3;Н;{Monday.AddDays(-50):yyyy-MM-dd} 10:00", ExportText.Windows1251);
        var cut = await Adapter().GetAttendanceAsync(Monday.AddDays(-6), Monday, CancellationToken.None);
        Assert.Contains(cut.Problems, p => p.Kind == SourceProblemKind.Structure && p.Reason.Contains("no line break", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SchoolCodes_CanBeAddedInSettings()
    {
        journal.RawAttendance($"{Monday:yyyy-MM-dd};p1;2;бол;").Write();

        var snapshot = await Adapter(new() { ["Codes:бол"] = "illness" }).GetAttendanceAsync(Monday, Monday, CancellationToken.None);

        Assert.Equal(AbsenceReason.Illness, snapshot.Marks.Single().Reason);
    }

    [Fact]
    public async Task AMissingFolder_IsAConfigurationFailureNamingTheSetting()
    {
        var adapter = Adapter(new() { ["Folder"] = "no-such-folder" });

        var error = await Assert.ThrowsAsync<JournalException>(() => adapter.GetAttendanceAsync(Monday, Monday, CancellationToken.None));

        Assert.Equal(JournalFailure.Configuration, error.Failure);
        Assert.StartsWith("Connector:Schools:0:Adapter:Folder: папки «", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileWithoutARequiredColumn_IsReportedAsAChangedFormat()
    {
        journal.Write();
        File.WriteAllText(Path.Combine(journal.Path, "attendance.csv"), "date;pupil;lesson;code\n");

        var error = await Assert.ThrowsAsync<JournalException>(() => Adapter().GetAttendanceAsync(Monday, Monday, CancellationToken.None));

        Assert.Equal(JournalFailure.ContractChanged, error.Failure);
        Assert.Contains("attendance.csv: в заголовке нет столбца «pupil_id» (нужны столбцы: date;pupil_id;lesson;code)", error.Message);
    }

    [Fact]
    public void Validate_NamesEachWrongSetting()
    {
        var factory = new FileJournalAdapterFactory(home, clock);

        var problems = factory.Validate(Section(new() { ["Folder"] = "", ["Codes:Z"] = "holiday" }));

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("Connector:Schools:0:Adapter:Folder: не задана", problems[0]);
        Assert.StartsWith("Connector:Schools:0:Adapter:Codes:Z: «holiday» — не одно из:", problems[1]);
    }

    [Fact]
    public async Task WriteFlag_AppendsEachFlagOnce()
    {
        journal.Write();
        var adapter = Adapter();
        var flag = new JournalFlag("absence:school-1:p1:2026-11-09", "p1", JournalFlagKind.GuardiansNotified, Monday, "Родители уведомлены; причина выясняется");

        await adapter.WriteFlagAsync(flag, CancellationToken.None);
        await adapter.WriteFlagAsync(flag, CancellationToken.None);

        var lines = File.ReadAllLines(Path.Combine(journal.Path, "flags.csv"));
        Assert.Equal(2, lines.Length);
        Assert.Equal("absence:school-1:p1:2026-11-09;p1;GuardiansNotified;2026-11-09;Родители уведомлены, причина выясняется", lines[1]);
    }

    public void Dispose() => Directory.Delete(home, recursive: true);

    private IJournalAdapter Adapter(Dictionary<string, string?>? settings = null) =>
        new FileJournalAdapterFactory(home, clock).Create(new SchoolRef("school-1", "Школа № 1", "Europe/Moscow", "default", "files"), Section(settings ?? []));

    private static IConfigurationSection Section(Dictionary<string, string?> settings)
    {
        var values = new Dictionary<string, string?> { ["Connector:Schools:0:Adapter:Kind"] = "files", ["Connector:Schools:0:Adapter:Folder"] = "journal" };
        foreach (var (key, value) in settings) values[$"Connector:Schools:0:Adapter:{key}"] = value;
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Connector:Schools:0:Adapter");
    }
}
