using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Connector.Configuration;
using Connector.Demo;
using Connector.Polling;
using Connector.Scheduling;
using Connector.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Bench;

/// <summary>
/// Polls of a municipality's file journals: N schools of 1,000 pupils (40 classes of 25, 7 lessons a day, two weeks
/// of exports, every pupil marked in every lesson, fixed seed) polled once from empty and once more unchanged, each
/// school in turn, by the service's own poller in a child process of its own (so its peak RSS is the poll's alone),
/// against the same rows parsed and upserted into SQLite by a plain prepared statement in one WAL transaction, in the
/// same run. Figures are printed, never asserted.
/// </summary>
internal static class PollBench
{
    private const int Pupils = 1000;
    private const int Lessons = 7;
    internal static readonly DateOnly Today = new(2026, 11, 17); // a Tuesday; the 7-day window holds 6 school days
    private static readonly DateOnly FirstDay = new(2026, 11, 2);

    public static async Task RunAsync(IReadOnlyList<int> counts)
    {
        Console.WriteLine($"Polls of file journals, {Pupils:N0} pupils a school, {Lessons} lessons a day, 7-day window, {Environment.ProcessorCount} cores".Replace('\u00a0', ' '));
        Console.WriteLine($"{"schools",7} {"marks",10} {"stored",8} {"first s",8} {"marks/s",9} {"unchanged s",12} {"unch/first",11} {"peak MiB",9} {"db MiB",7} {"limit s",8} {"first/limit",12}");
        foreach (var count in counts)
        {
            var home = Directory.CreateTempSubdirectory("connector-bench-poll-").FullName;
            try
            {
                Write(home, count);
                var child = await RunChildAsync(home, count);
                var (limit, marks) = Limit(home, count);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{count,7} {marks,10} {child.Stored,8} {child.First,8:0.00} {marks / child.First,9:0} {child.Unchanged,12:0.00} {child.Unchanged / child.First,11:0.00} {child.PeakMiB,9:0} {child.DbMiB,7:0} {limit,8:0.00} {child.First / limit,12:0.0}"));
            }
            finally
            {
                if (Environment.GetEnvironmentVariable("BENCH_KEEP") is null) Directory.Delete(home, recursive: true);
                else Console.WriteLine($"kept: {home}");
            }
        }
    }

    /// <summary>The child: the service composed as `once` composes it, on a clock at 16:00 of the last day, polling every school twice.</summary>
    public static async Task ChildAsync(string home, int count)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(Today.ToDateTime(new TimeOnly(16, 0)), TimeSpan.FromHours(3)));
        var paths = new ConnectorPaths(home);
        using var host = ConnectorHost.Build(paths, ConnectorHost.LoadConfiguration(paths, demo: false), ScheduleMode.Replay, clock, l => l.ClearProviders());
        var poller = host.Services.GetRequiredService<SchoolPoller>();
        await poller.PollAsync("warm-up", CancellationToken.None); // migrations and first-use costs out of the figure
        var first = await PassAsync(poller, count);
        clock.Advance(TimeSpan.FromMinutes(15));
        var unchanged = await PassAsync(poller, count);
        long stored;
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(home, "data", "connector.db")};Mode=ReadOnly;Pooling=false"))
        {
            await db.OpenAsync();
            await using var command = db.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM marks WHERE school_id <> 'warm-up'";
            stored = (long)(await command.ExecuteScalarAsync())!;
        }

        var peak = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var size = Directory.GetFiles(Path.Combine(home, "data"), "connector.db*").Sum(f => new FileInfo(f).Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {stored} {first:0.000} {unchanged:0.000} {long.Parse(peak, CultureInfo.InvariantCulture) / 1024.0:0.0} {size / 1048576.0:0.0}"));
    }

    private static async Task<double> PassAsync(SchoolPoller poller, int count)
    {
        var watch = Stopwatch.StartNew();
        for (var s = 0; s < count; s++)
        {
            var result = await poller.PollAsync(SchoolId(s), CancellationToken.None);
            if (result.Quarantine is not null) throw new InvalidOperationException($"{SchoolId(s)}: read quarantined ({result.Quarantine.Kind})");
        }

        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>What the child measured; <c>Stored</c> is the marks the store keeps (those other than present).</summary>
    private sealed record ChildResult(long Stored, double First, double Unchanged, double PeakMiB, double DbMiB);

    private static async Task<ChildResult> RunChildAsync(string home, int count)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(PollBench).Assembly.Location);
        foreach (var argument in new[] { "poll-child", home, count.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = (await output).Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"the poll child printed no result (exit {process.ExitCode}): {await output}{await errors}");
        if (Environment.GetEnvironmentVariable("BENCH_TRACE") is not null) Console.Error.Write(await errors);
        var f = line.Split(' ').Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new ChildResult((long)f[0], f[1], f[2], f[3], f[4]);
    }

    private static string SchoolId(int s) => string.Create(CultureInfo.InvariantCulture, $"school-{s + 1}");

    private static string ClassName(int c) => string.Create(CultureInfo.InvariantCulture, $"{1 + c % 11}{"АБВГД"[c / 11]}");

    /// <summary>The installation: one journal folder per school, as a municipality's exports would fill it, and one warm-up school.</summary>
    private static void Write(string home, int count)
    {
        using var template = new TestInstallation();
        var schools = new JsonArray();
        var random = new Random(20261117);
        for (var s = 0; s <= count; s++)
        {
            var id = s == count ? "warm-up" : SchoolId(s);
            var folder = Path.Combine(home, "journals", id);
            WriteJournal(folder, random, s == count ? 25 : Pupils);
            var school = template.School.DeepClone().AsObject();
            school["Id"] = id;
            school["Name"] = string.Create(CultureInfo.InvariantCulture, $"Школа № {s + 1}");
            school["Adapter"]!["Folder"] = Path.Combine("journals", id);
            school["Staff"] = new JsonArray();
            // The limit upserts the 7-day window: the poll reads the same (by default the day's first read of files goes
            // back to the quarter's first day, here 1 November, for absences entered weeks late).
            school["NoticeHorizonDays"] = 7;
            schools.Add(school);
        }

        template.Connector["Schools"] = schools;
        template.Settings["Logging"]!["LogLevel"]!["Connector"] = "Warning";
        foreach (var folder in new[] { "config" })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(template.Home, folder), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(home, Path.GetRelativePath(template.Home, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        File.WriteAllText(Path.Combine(home, "config", "appsettings.json"), template.Settings.ToJsonString(new() { WriteIndented = true }));
    }

    /// <summary>One school's export folder as the bench writes it: two weeks to 17 November, every pupil marked in every lesson.</summary>
    internal static void WriteJournal(string folder, Random random, int pupils)
    {
        Directory.CreateDirectory(folder);
        var utf8 = new UTF8Encoding(false);
        var classes = (pupils + 24) / 25;
        using (var file = new StreamWriter(Path.Combine(folder, "pupils.csv"), false, utf8))
        using (var guardians = new StreamWriter(Path.Combine(folder, "guardians.csv"), false, utf8))
        {
            file.WriteLine("id;last_name;first_name;middle_name;class;grade;birth_date;active;enrolled_on");
            guardians.WriteLine("id;full_name;email;phone;pupil_ids;preferred_channel");
            for (var p = 0; p < pupils; p++)
            {
                file.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p{p};Ученик{p};Иван;Сергеевич;{ClassName(p / 25)};;;;"));
                guardians.WriteLine(string.Create(CultureInfo.InvariantCulture, $"g{p};Родитель{p} Мария Ивановна;parent{p}@example.com;;p{p};"));
            }
        }

        var days = Enumerable.Range(0, Today.DayNumber - FirstDay.DayNumber + 1).Select(FirstDay.AddDays)
            .Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToList();
        using (var lessons = new StreamWriter(Path.Combine(folder, "lessons.csv"), false, utf8))
        {
            lessons.WriteLine("date;class;lesson;subject;taken_at");
            foreach (var day in days)
            {
                for (var c = 0; c < classes; c++)
                {
                    for (var l = 1; l <= Lessons; l++)
                    {
                        lessons.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{day:yyyy-MM-dd};{ClassName(c)};{l};{JournalFolder.Subjects[(c + l) % JournalFolder.Subjects.Length]};{day:yyyy-MM-dd} {8 + l:00}:00"));
                    }
                }
            }
        }

        string[] absent = ["Н", "Б", "УП", "НП", "ОП"];
        using var attendance = new StreamWriter(Path.Combine(folder, "attendance.csv"), false, utf8);
        attendance.WriteLine("date;pupil_id;lesson;code;recorded_at");
        foreach (var day in days)
        {
            for (var p = 0; p < pupils; p++)
            {
                for (var l = 1; l <= Lessons; l++)
                {
                    var code = random.Next(100) < 6 ? absent[random.Next(absent.Length)] : "П";
                    attendance.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd};p{p};{l};{code};{day:yyyy-MM-dd} {8 + l:00}:05"));
                }
            }
        }
    }

    /// <summary>
    /// The limit: the window's rows of every school's attendance.csv (every mark, present or not), parsed plainly and
    /// upserted by one prepared statement in one WAL transaction; its time and how many marks the window holds.
    /// </summary>
    private static (double Seconds, long Marks) Limit(string home, int count)
    {
        var path = Path.Combine(home, "limit.db");
        var watch = Stopwatch.StartNew();
        using var db = new SqliteConnection($"Data Source={path};Pooling=false");
        db.Open();
        using (var setup = db.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                CREATE TABLE marks (school_id TEXT NOT NULL, pupil_id TEXT NOT NULL, date TEXT NOT NULL, lesson_no INTEGER NOT NULL,
                    presence TEXT NOT NULL, source_code TEXT NOT NULL, PRIMARY KEY (school_id, pupil_id, date, lesson_no));
                """;
            setup.ExecuteNonQuery();
        }

        var from = Today.AddDays(-7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var tx = db.BeginTransaction();
        using var upsert = db.CreateCommand();
        upsert.Transaction = tx;
        upsert.CommandText = """
            INSERT INTO marks VALUES ($s, $p, $d, $l, $presence, $code)
            ON CONFLICT (school_id, pupil_id, date, lesson_no) DO UPDATE SET presence = excluded.presence, source_code = excluded.source_code
            """;
        var parameters = new[] { "$s", "$p", "$d", "$l", "$presence", "$code" }.Select(n => upsert.Parameters.Add(n, SqliteType.Text)).ToArray();
        upsert.Prepare();
        long marks = 0;
        for (var s = 0; s < count; s++)
        {
            foreach (var line in File.ReadLines(Path.Combine(home, "journals", SchoolId(s), "attendance.csv")).Skip(1))
            {
                var cells = line.Split(';');
                if (string.CompareOrdinal(cells[0], from) < 0) continue;
                parameters[0].Value = SchoolId(s);
                parameters[1].Value = cells[1];
                parameters[2].Value = cells[0];
                parameters[3].Value = int.Parse(cells[2], CultureInfo.InvariantCulture);
                parameters[4].Value = cells[3] == "П" ? "Present" : "Absent";
                parameters[5].Value = cells[3];
                upsert.ExecuteNonQuery();
                marks++;
            }
        }

        tx.Commit();
        return (watch.Elapsed.TotalSeconds, marks);
    }
}

