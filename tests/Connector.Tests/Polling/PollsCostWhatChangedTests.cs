using System.Globalization;
using System.Text;
using Connector.Delivery;
using Connector.Demo;
using Connector.Polling;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Polling;

/// <summary>
/// A poll compares mark by mark only the lessons whose marks changed, and skips the roster and the threshold count
/// when nothing changed, and does not read a journal whose files did not change. Held to the poller that skips
/// nothing: two installations read the same journal, edited at
/// random between polls (marks entered, changed and deleted, lessons marked taken and not, a pupil moved to another
/// class), on the same clock; after every poll both must hold the same marks, decisions, breaches and messages, and
/// have sent the same notices. A fifth of CONNECTOR_FUZZ_CASES sets how many journals (CI: 40; here 8). Journal 33 found
/// that a pupil moved into a class brings stored marks into its lessons that the lessons' marks alone do not show, so
/// a lesson's hash covers who is in its class too.
/// </summary>
public sealed class PollsCostWhatChangedTests(ITestOutputHelper output)
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private static readonly string[] Codes = ["Н", "Н", "Н", "НП", "Б", "УП", "ОП", "П"];
    private static readonly string[] Classes = ["7Б", "8А"];

    [Fact]
    public async Task SkippingWhatDidNotChange_StoresDecidesAndSends_ExactlyWhatComparingEverythingDoes()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("CONNECTOR_FUZZ_CASES"), out var n) ? Math.Max(5, n / 5) : 8;
        var polls = 0;
        for (var seed = 1; seed <= cases; seed++) polls += await RunCaseAsync(seed);
        output.WriteLine($"{cases} journals, {polls} polls of each installation compared");
    }

    private static async Task<int> RunCaseAsync(int seed)
    {
        var random = new Random(seed);
        var journal = new RandomJournal(random);
        var clock = new FakeTimeProvider(new DateTimeOffset(Monday.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(3)));
        using var skipping = new TestInstallation();
        using var reference = new TestInstallation();
        foreach (var install in new[] { skipping, reference }) install.Connector["Email"]!["MessagesPerMinute"] = 1000;

        using var skippingHost = skipping.BuildHost(clock);
        using var referenceHost = reference.BuildHost(clock);
        referenceHost.Services.GetRequiredService<SchoolPoller>().SkipsNothing = true;
        var polls = 0;
        for (var step = 0; step < 24; step++)
        {
            // A third of the polls find the files as they were: the skipping poller then decides without reading them
            // again (the journal's data version is unchanged), unless a stored mark is still vanishing.
            if (step == 0 || random.Next(3) != 0)
            {
                journal.Edit(clock.GetUtcNow());
                journal.WriteTo(skipping.Journal.Path, step);
                journal.WriteTo(reference.Journal.Path, step);
            }

            foreach (var host in new[] { skippingHost, referenceHost })
            {
                await host.Services.GetRequiredService<SchoolPoller>().PollAsync("school-1", CancellationToken.None);
                await host.Services.GetRequiredService<OutboxDispatcher>().DeliverAsync("school-1", CancellationToken.None);
            }

            polls++;
            var (expected, actual) = (await StateAsync(referenceHost, reference.Outbox), await StateAsync(skippingHost, skipping.Outbox));
            Assert.True(expected == actual, $"journal {seed}, poll {step + 1} ({clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC):\n{Diff(expected, actual)}");
            // Polls every 10 to 70 minutes, so that a vanished absence is confirmed (60 min) at some polls and not at
            // others; at the end of a school day, on to the next morning.
            var pause = TimeSpan.FromMinutes(random.Next(10, 71));
            if ((clock.GetUtcNow() + pause).ToOffset(TimeSpan.FromHours(3)).Hour >= 16) pause += TimeSpan.FromHours(16);
            clock.Advance(pause);
        }

        return polls;
    }

    /// <summary>What a user of either installation could notice, as text: marks, decisions, breaches, messages and the notices sent.</summary>
    private static async Task<string> StateAsync(IHost host, string outbox)
    {
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var text = new StringBuilder();
        foreach (var (name, sql) in new[]
                 {
                     ("mark", "SELECT pupil_id, date, lesson_no, presence, reason, source_code, first_seen_at, changed_at, vanished_at FROM marks ORDER BY 1, 2, 3"),
                     ("lesson", "SELECT class_name, date, lesson_no, subject, taken FROM lessons ORDER BY 1, 2, 3"),
                     ("pupil", "SELECT pupil_id, class_name, active FROM pupils ORDER BY 1"),
                     ("absence", "SELECT pupil_id, date, state, first_seen_at, notified_lessons, explained_at, correction, corrected_at FROM absences ORDER BY 1, 2"),
                     ("breach", "SELECT pupil_id, level_id, period_key, share, dropped_at, dropped_share FROM breaches ORDER BY 1, 2, 3"),
                     ("message", "SELECT idempotency_key, state, not_before, pupil_ids, closed_at FROM outbox ORDER BY 1"),
                 })
        {
            foreach (var row in await db.QueryAsync(sql))
            {
                text.Append(name).Append(": ").AppendJoin(" | ", ((IDictionary<string, object?>)row).Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))).Append('\n');
            }
        }

        var sent = new List<string>();
        foreach (var file in Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.eml") : [])
        {
            var lines = await File.ReadAllLinesAsync(file);
            sent.Add("sent: " + string.Join(" | ", lines.Where(l => l.StartsWith("To:", StringComparison.Ordinal) || l.StartsWith("Subject:", StringComparison.Ordinal))));
        }

        foreach (var line in sent.Order(StringComparer.Ordinal)) text.Append(line).Append('\n');

        return text.ToString();
    }

    private static string Diff(string expected, string actual)
    {
        var (e, a) = (expected.Split('\n').ToHashSet(), actual.Split('\n').ToHashSet());
        return "only when comparing everything:\n  " + string.Join("\n  ", e.Except(a).Take(10)) + "\nonly when skipping:\n  " + string.Join("\n  ", a.Except(e).Take(10));
    }

    /// <summary>
    /// Two classes of four pupils, four lessons a day; the week before Monday already entered, with a pupil absent
    /// from about one lesson in five, so that shares cross the month's 20 % (over its minimum of 30 lessons) and fall
    /// back as the edits go on. Edits land on today and the two days before.
    /// </summary>
    private sealed class RandomJournal
    {
        private readonly Random random;
        private readonly Dictionary<string, string> classOf = Enumerable.Range(1, 8).ToDictionary(p => $"p{p}", p => Classes[(p - 1) / 4]);
        private readonly Dictionary<(string Class, DateOnly Date, int Lesson), bool> lessons = [];
        private readonly Dictionary<(string Pupil, DateOnly Date, int Lesson), string> marks = [];

        public RandomJournal(Random random)
        {
            this.random = random;
            for (var date = Monday.AddDays(-7); date < Monday.AddDays(-2); date = date.AddDays(1))
            {
                for (var l = 1; l <= 4; l++)
                {
                    foreach (var cls in Classes) lessons[(cls, date, l)] = true;
                    foreach (var pupil in classOf.Keys.Where(_ => random.Next(5) == 0)) marks[(pupil, date, l)] = "Н";
                }
            }
        }

        public void Edit(DateTimeOffset now)
        {
            var today = DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(3)).DateTime);
            foreach (var cls in Classes)
            {
                for (var l = 1; l <= 4; l++) lessons.TryAdd((cls, today, l), random.Next(3) > 0);
            }

            for (var e = random.Next(0, 4); e > 0; e--)
            {
                var date = today.AddDays(-random.Next(0, 3));
                var pupil = $"p{random.Next(1, 9)}";
                var lesson = random.Next(1, 5);
                switch (random.Next(10))
                {
                    case < 5:
                        marks[(pupil, date, lesson)] = Codes[random.Next(Codes.Length)];
                        break;
                    case < 8:
                        var ofDate = marks.Keys.Where(k => k.Date == date).ToList();
                        if (ofDate.Count > 0) marks.Remove(ofDate[random.Next(ofDate.Count)]);
                        break;
                    case 8:
                        var key = (Classes[random.Next(2)], date, lesson);
                        if (lessons.TryGetValue(key, out var taken)) lessons[key] = !taken;
                        break;
                    default:
                        classOf[pupil] = Classes[random.Next(2)];
                        break;
                }
            }
        }

        public void WriteTo(string folder, int step)
        {
            Directory.CreateDirectory(folder);
            var utf8 = new UTF8Encoding(false);
            Write("pupils.csv", ["id;last_name;first_name;middle_name;class;grade;birth_date;active;enrolled_on",
                .. classOf.Select(p => $"{p.Key};Ученик{p.Key};Иван;;{p.Value};;;;")]);
            Write("guardians.csv", ["id;full_name;email;phone;pupil_ids;preferred_channel",
                .. classOf.Keys.Select(p => $"g{p};Родитель {p};parent-{p}@example.com;;{p};")]);
            Write("lessons.csv", ["date;class;lesson;subject;taken_at",
                .. lessons.Select(l => $"{l.Key.Date:yyyy-MM-dd};{l.Key.Class};{l.Key.Lesson};{JournalFolder.Subjects[l.Key.Lesson - 1]};{(l.Value ? "да" : "")}")]);
            // A mark of a lesson the file does not list would be a problem row (and hold the day): only listed lessons.
            Write("attendance.csv", ["date;pupil_id;lesson;code",
                .. marks.Where(m => lessons.ContainsKey((classOf[m.Key.Pupil], m.Key.Date, m.Key.Lesson)))
                    .Select(m => $"{m.Key.Date:yyyy-MM-dd};{m.Key.Pupil};{m.Key.Lesson};{m.Value}")]);

            void Write(string name, IEnumerable<string> lines)
            {
                var path = Path.Combine(folder, name);
                File.WriteAllLines(path, lines, utf8);
                // A new stamp at every step, even within the file system's clock tick: the adapter re-reads what changed.
                File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(step));
            }
        }
    }
}
