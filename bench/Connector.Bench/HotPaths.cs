using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Connector.Absences;
using Connector.Abstractions.Attendance;
using Connector.Adapters.Generic.Files;
using Connector.Notifier.Templates;
using Connector.Testing;

namespace Connector.Bench;

/// <summary>
/// The engine's hot paths under BenchmarkDotNet, in process (no generated project): one school's export read for
/// the poll's window, the same-day rule over a school's week, and one notice rendered from its template. Figures
/// printed by BenchmarkDotNet, never asserted. `-- micro`; BenchmarkDotNet's own arguments follow (`--filter *Export*`).
/// </summary>
internal static class HotPaths
{
    public static void Run(string[] args)
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableLogFile);
        BenchmarkSwitcher.FromTypes([typeof(ExportReadBenchmark), typeof(SameDayRuleBenchmark), typeof(NoticeRenderBenchmark)]).Run(args, config);
    }
}

/// <summary>One school's CSV export (1,000 pupils, two weeks, every pupil marked in every lesson) read for the 7-day window.</summary>
[MemoryDiagnoser]
public class ExportReadBenchmark
{
    private string folder = "";
    private FolderExportReader reader = null!;

    [GlobalSetup]
    public void Setup()
    {
        folder = Directory.CreateTempSubdirectory("connector-bench-export-").FullName;
        PollBench.WriteJournal(folder, new Random(20261117), 1000);
        reader = new FolderExportReader(TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"), AttendanceCodes.Build(new Dictionary<string, string>()));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(folder, recursive: true);

    [Benchmark(Description = "read one school's export, 7-day window")]
    public int Read() => reader.Read(folder, PollBench.Today.AddDays(-7)).Marks.Count;
}

/// <summary>The same-day rule over a school's week: 1,000 pupils, 6 % of lessons missed, a third of the days already told.</summary>
public class SameDayRuleBenchmark
{
    private List<PupilDay> days = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261117);
        for (var pupil = 0; pupil < 1000; pupil++)
        {
            for (var day = 0; day < 5; day++)
            {
                var marks = Enumerable.Range(1, 7)
                    .Select(n => new DayMark(n, "Математика", random.Next(100) < 6 ? Presence.Absent : Presence.Present, AbsenceReason.NoneRecorded))
                    .Where(m => m.Presence != Presence.Present)
                    .ToList();
                if (marks.Count == 0) continue;
                var told = random.Next(3) == 0 ? new AbsenceRecord(AbsenceState.Notified, [.. marks.Select(m => m.LessonNumber)], null) : null;
                days.Add(new PupilDay(string.Create(CultureInfo.InvariantCulture, $"p{pupil}"), PollBench.Today.AddDays(-day), marks, told));
            }
        }
    }

    [Benchmark(Description = "same-day rule, one school's week")]
    public int Decide() => SameDayAbsenceRule.Decide(days, PollBench.Today.AddDays(-7)).Count;
}

/// <summary>One absence notice rendered from the shipped e-mail template, two siblings.</summary>
[MemoryDiagnoser]
public class NoticeRenderBenchmark
{
    private readonly MessageTemplates templates = new(Path.Combine(RepositoryRoot.Path, "config", "templates"));
    private readonly AbsenceNoticeModel notice = new("Школа № 1", "Школа № 1", "+7 (900) 000-00-01", "Мария Ивановна", "17 ноября 2026 г.", "17.11", "вторник", true,
    [
        new("Полина Белова", "Полина", "5А", "Ученица", [new MissedLessonModel(1, "Математика", false), new MissedLessonModel(2, "Русский язык", false)], "Белова Ирина Викторовна", 5),
        new("Егор Белов", "Егор", "8А", "Ученик", [new MissedLessonModel(3, "История", true)], "Белова Ирина Викторовна", 5),
    ]);

    [Benchmark(Description = "render one absence e-mail")]
    public int Render() => templates.Render("absence.email", notice).Body.Length;
}
