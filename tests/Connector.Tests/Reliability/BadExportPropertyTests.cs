using System.Text;
using Connector.Delivery;
using Connector.Demo;
using Connector.Polling;
using Connector.Store;
using Connector.Testing;
using CsCheck;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Reliability;

/// <summary>
/// Exports as schools really make them, at random: mid-day, after good reads, one file of the export is cut at a
/// random byte or line, loses its rows or a column, gets garbage, or is saved by Excel in windows-1251 or with
/// another delimiter; a few polls later the good file returns. Whatever happened, the guardians get exactly the
/// notices and corrections the good export alone gives them, each once. The number of cases comes from
/// CONNECTOR_FUZZ_CASES (default 40).
/// </summary>
public sealed class BadExportPropertyTests(ITestOutputHelper output)
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private static readonly string[] Files = ["attendance.csv", "attendance.csv", "attendance.csv", "lessons.csv", "pupils.csv", "guardians.csv"];

    [Fact]
    public void ABadExportMidDay_SendsNothingTheGoodExportWouldNot_AndEverythingItWould()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("CONNECTOR_FUZZ_CASES"), out var n) ? n : 40;
        var scenario =
            from seed in Gen.Int[1, 1_000_000]
            from file in Gen.Int[0, Files.Length - 1].Select(i => Files[i])
            from damage in Gen.Enum<Damage>()
            from start in Gen.Int[2, 12]
            from length in Gen.Int[1, 3]
            from cut in Gen.Double[0.05, 0.999]
            select new Scenario(seed, file, damage, start, length, cut);
        var tried = 0;
        scenario.Sample(s =>
        {
            tried++;
            var good = Run(s, damaged: false);
            Assert.Contains(good.Notified, g => g.Length > 0);
            var bad = Run(s, damaged: true);
            var what = $"{s}: the good export sent [{good}], the damaged one [{bad}]";

            // Every guardian the good export tells is told, once, and nobody else.
            Assert.True(good.Notified.SequenceEqual(bad.Notified), what);
            // The journal ends the day the same, whatever was read in between.
            Assert.True(good.FinalMarks.SequenceEqual(bad.FinalMarks), what);
            // Each correction the good export gives is given; one more may come only where a notice that went later (after
            // the bad read) told of a lesson that the good export then really changed. None is false.
            Assert.True(good.Corrected.IsSubsetOf(bad.Corrected), what);
            foreach (var guardian in bad.Corrected)
            {
                Assert.True(bad.Told[guardian].Any(lesson => good.Attended(guardian, lesson)), $"{what}: {guardian} was told of a correction the journal does not hold");
            }
        }, iter: cases, threads: 1);
        output.WriteLine($"{tried} random damaged exports: each told the guardians what the good export told them, and nothing false");
    }

    /// <summary>
    /// A school day of twelve pupils polled every 15 minutes from 09:00 to 15:15, with the export damaged (or not) for
    /// the scenario's polls. Fails if any guardian got the same kind of message twice, or a message is not in the
    /// pickup folder.
    /// </summary>
    private static DayOutcome Run(Scenario s, bool damaged)
    {
        using var install = new TestInstallation();
        install.School["SchoolHoursStart"] = "08:00";
        install.School["SchoolHoursEnd"] = "16:00";
        var random = new Random(s.Seed);
        install.Journal.Lessons("7Б", Monday, 6);
        for (var p = 1; p <= 12; p++)
        {
            install.Journal.Pupil($"p{p}", $"Ученик{p} Иван Сергеевич", "7Б", $"g{p}").Guardian($"g{p}", $"Родитель{p} Мария Ивановна", $"family{p}@example.com");
            foreach (var lesson in Enumerable.Range(1, 6).Where(_ => random.NextDouble() < 0.25))
            {
                var at = JournalFolder.LessonStart(Monday, lesson).AddMinutes(10);
                install.Journal.Mark(Monday, $"p{p}", lesson, random.NextDouble() < 0.2 ? "НП" : random.NextDouble() < 0.2 ? "Б" : "Н", at);
                // Some absences get a reason or turn out to be a slip, after the notices went: corrections.
                if (random.NextDouble() < 0.3) install.Journal.Mark(Monday, $"p{p}", lesson, random.NextDouble() < 0.5 ? "П" : "Б", new DateTime(2026, 11, 9, 14, 0, 0));
            }
        }

        install.Save();
        var goodFiles = Directory.GetFiles(install.Journal.Path).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 9, 9, 0, 0, TimeSpan.FromHours(3)));
        using var host = install.BuildHost(clock);
        var poller = host.Services.GetRequiredService<SchoolPoller>();
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        for (var poll = 0; poll < 26; poll++)
        {
            var inWindow = damaged && poll >= s.Start && poll < s.Start + s.Length;
            var target = Path.Combine(install.Journal.Path, s.File);
            File.WriteAllBytes(target, inWindow ? Damage(goodFiles[s.File], s.Damage, s.Cut, s.Seed) : goodFiles[s.File]);
            File.SetLastWriteTimeUtc(target, clock.GetUtcNow().UtcDateTime);
            try
            {
                poller.PollAsync("school-1", CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Abstractions.Journals.JournalException)
            {
                // A read that fails decides nothing; the next poll reads again.
            }

            dispatcher.DeliverAsync("school-1", CancellationToken.None).GetAwaiter().GetResult();
            clock.Advance(TimeSpan.FromMinutes(15));
        }

        using var db = host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        var sent = db.Query<(string Kind, string Guardian)>("SELECT kind, guardian_id FROM outbox WHERE state = 'sent' ORDER BY kind, guardian_id").ToList();
        Assert.Equal(sent.Count, sent.Distinct().Count());
        Assert.Equal(sent.Count, Directory.GetFiles(install.Outbox, "*.eml").Length);
        // Each pupil has one guardian, g{n} of p{n}: what that guardian was told is the pupil's notified lessons.
        var told = db.Query<(string Pupil, string? Lessons)>("SELECT pupil_id, notified_lessons FROM absences WHERE state = 'notified'")
            .ToDictionary(a => "g" + a.Pupil[1..], a => (a.Lessons ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList());
        var marks = db.Query<(string Pupil, long Lesson, string Presence, string Reason)>(
                "SELECT pupil_id, lesson_no, presence, reason FROM marks WHERE vanished_at IS NULL ORDER BY pupil_id, lesson_no")
            .Select(m => $"{m.Pupil}/{m.Lesson}:{m.Presence}/{m.Reason}").ToList();
        return new DayOutcome(
            sent.Where(m => m.Kind == "absence").Select(m => m.Guardian).ToList(),
            sent.Where(m => m.Kind == "correction").Select(m => m.Guardian).ToHashSet(),
            told,
            marks);
    }

    private static byte[] Damage(byte[] good, Damage damage, double cut, int seed)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var text = Encoding.UTF8.GetString(good);
        var lines = text.Split('\n').Where(l => l.Length > 0).ToList();
        var random = new Random(seed);
        return damage switch
        {
            Reliability.Damage.CutAtAByte => good[..Math.Max(lines[0].Length + 1, (int)(good.Length * cut))],
            Reliability.Damage.CutAtALine => Encoding.UTF8.GetBytes(string.Join('\n', lines.Take(Math.Max(1, (int)(lines.Count * cut)))) + "\n"),
            Reliability.Damage.HeaderOnly => Encoding.UTF8.GetBytes(lines[0] + "\n"),
            Reliability.Damage.ColumnLost => Encoding.UTF8.GetBytes(string.Join('\n', lines.Select(l => string.Join(';', l.Split(';').Where((_, i) => i != 1 + random.Next(2))))) + "\n"),
            Reliability.Damage.Garbage => Garbage(lines, random),
            Reliability.Damage.Windows1251 => Encoding.GetEncoding(1251).GetBytes(text),
            Reliability.Damage.Comma => Encoding.UTF8.GetBytes(text.Replace(';', ',')),
            _ => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text.Replace(';', '\t').Replace("\n", "\r\n"))],
        };
    }

    private static byte[] Garbage(List<string> lines, Random random)
    {
        var at = 1 + random.Next(Math.Max(1, lines.Count - 1));
        var junk = new byte[5 + random.Next(40)];
        random.NextBytes(junk);
        var before = Encoding.UTF8.GetBytes(string.Join('\n', lines.Take(at)) + "\n");
        var after = Encoding.UTF8.GetBytes("\n" + string.Join('\n', lines.Skip(at)) + "\n");
        return [.. before, .. junk.Select(b => b == (byte)'\n' ? (byte)'x' : b), .. after];
    }

    private sealed record Scenario(int Seed, string File, Damage Damage, int Start, int Length, double Cut);

    /// <summary>What the guardians got over the day, and how the journal stood at its end.</summary>
    private sealed record DayOutcome(List<string> Notified, HashSet<string> Corrected, Dictionary<string, List<int>> Told, List<string> FinalMarks)
    {
        /// <summary>Whether the pupil of <paramref name="guardian"/> ended the day present, late or with a valid reason in <paramref name="lesson"/>.</summary>
        public bool Attended(string guardian, int lesson)
        {
            var prefix = $"p{guardian[1..]}/{lesson}:";
            var mark = FinalMarks.FirstOrDefault(m => m.StartsWith(prefix, StringComparison.Ordinal));
            return mark is not null && !mark.EndsWith("Absent/NoneRecorded", StringComparison.Ordinal) && !mark.EndsWith("Absent/Unexcused", StringComparison.Ordinal);
        }

        public override string ToString() =>
            $"notices to {string.Join(" ", Notified)}; corrections to {string.Join(" ", Corrected.Order())}; told {string.Join(" ", Told.OrderBy(t => t.Key).Select(t => $"{t.Key}={string.Join(',', t.Value)}"))}";
    }
}

/// <summary>What can happen to an export file on its way.</summary>
public enum Damage
{
    CutAtAByte,
    CutAtALine,
    HeaderOnly,
    ColumnLost,
    Garbage,
    Windows1251,
    Comma,
    BomTabsCrLf,
}
