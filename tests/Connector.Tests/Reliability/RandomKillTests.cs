using System.Diagnostics;
using System.Globalization;
using Connector.Testing;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Connector.Tests.Reliability;

/// <summary>
/// Kills the real process (SIGKILL, from outside) at random moments over a school week, and counts what guardians
/// received against the same week run without kills: every message the undisturbed run sent must arrive (nothing
/// lost), and every extra copy must be one the audit log records as possibly sent twice (nothing unaudited). The
/// week is rehearsed with <c>CONNECTOR_NOW</c>: at each moment of it, <c>connector once</c> is started and killed
/// at a random point of its run, again and again, until a run completes, as after a power cut. The number of
/// kills is <c>CONNECTOR_KILLS</c> (CI: 500; 40 unless set). The figures are printed and written to
/// artifacts/random-kills.txt (README, "Delivery guarantees").
/// </summary>
// The two tests that kill real processes at random run one after the other, not beside each other: each measures
// what a kill at a random moment of a run does, and the other's load would stretch those runs unevenly.
[Collection("Real processes killed at random")]
public sealed class RandomKillTests(MaildevServer maildev, ITestOutputHelper output) : IClassFixture<MaildevServer>
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private static readonly TimeOnly[] Moments = [new(9, 0), new(10, 30), new(12, 0), new(14, 0)];
    private const int Pupils = 16;

    [Fact]
    public async Task KillsAtRandomMomentsOverAWeek_LoseNothing_AndEveryExtraCopyIsAudited()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("CONNECTOR_KILLS"), out var k) ? k : 40;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CONNECTOR_KILLS_SEED"), out var s) ? s : 20261202;
        var events = Week(new Random(seed));
        var instants = Enumerable.Range(0, 5).SelectMany(d => Moments.Select(m => Monday.AddDays(d).ToDateTime(m))).ToList();

        // The week undisturbed: what the guardians should get, and how long each run takes.
        var incomplete = 0;
        await maildev.ClearAsync();
        var durations = new List<TimeSpan>();
        using (var control = Installation())
        {
            foreach (var instant in instants)
            {
                Snapshot(control, events, instant);
                var watch = Stopwatch.StartNew();
                var run = await control.RunAsync(Now(instant), "once");
                durations.Add(watch.Elapsed);
                Assert.True(run.ExitCode is 0 or 4, run.Output + run.Error);
                incomplete += await RetryAsTheServiceWouldAsync(control, instant, run);
            }
        }

        var expected = Count(await maildev.GetEmailsAsync(atLeast: 1));
        Assert.NotEmpty(expected);

        // The same week, killed at random moments of each run.
        await maildev.ClearAsync();
        var random = new Random(seed + 1);
        var killed = 0;
        var started = Stopwatch.StartNew();
        using var install = Installation();
        for (var i = 0; i < instants.Count; i++)
        {
            Snapshot(install, events, instants[i]);
            var quota = (kills - killed + (instants.Count - i - 1)) / (instants.Count - i);
            var attempts = quota * 10; // a run that ends before its kill moment is not a kill: try again
            for (var attempt = 0; attempt < attempts && quota > 0; attempt++)
            {
                using var process = install.Start(Now(instants[i]), "once");
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                _ = stdout;
                _ = stderr;
                await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * durations[i].TotalMilliseconds));
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    killed++;
                    quota--;
                }

                await process.WaitForExitAsync();
                if (quota == 0) break;
            }

            var finished = await install.RunAsync(Now(instants[i]), "once");
            Assert.True(finished.ExitCode is 0 or 4, finished.Output + finished.Error);
            incomplete += await RetryAsTheServiceWouldAsync(install, instants[i], finished);
        }

        var received = Count(await maildev.GetEmailsAsync(atLeast: expected.Values.Sum()));
        var audited = await AuditedAsync(install);
        var lost = expected.Where(e => received.GetValueOrDefault(e.Key) == 0).Select(e => e.Key).ToList();
        var duplicates = received.Where(r => r.Value > 1).ToDictionary(r => r.Key, r => r.Value - 1);
        var unexpected = received.Keys.Except(expected.Keys).ToList();
        // A copy beyond the first is audited when the audit log holds one "possibly sent" entry for it per extra copy.
        var unaudited = duplicates.Sum(d => Math.Max(0, d.Value - audited.GetValueOrDefault((d.Key.Recipient, d.Key.Subject))));
        var figures = string.Create(CultureInfo.InvariantCulture,
            $"random kills: {killed} SIGKILLs at random moments of `connector once` over 5 school days ({instants.Count} moments, seed {seed}, {started.Elapsed.TotalSeconds:0} s); "
            + $"messages expected {expected.Values.Sum()} to {expected.Count} guardian-days; lost {lost.Count}; unexpected {unexpected.Count}; "
            + $"extra copies {duplicates.Values.Sum()} (most for one guardian and day: {(duplicates.Count == 0 ? 0 : duplicates.Values.Max())}), of them audited as possibly sent twice {duplicates.Values.Sum() - unaudited}; unaudited sends {unaudited}; "
            + $"runs that left a retry, run again a minute later as the delivery job would: {incomplete}");
        output.WriteLine(figures);
        Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "artifacts"));
        await File.WriteAllTextAsync(Path.Combine(RepositoryRoot.Path, "artifacts", "random-kills.txt"), figures + "\n");

        Assert.True(killed >= kills, figures);
        Assert.True(lost.Count == 0, figures + "\nlost, as the outbox holds them: " + string.Join("; ", await OutboxRowsAsync(install, lost)) + "\n" + await ChannelTroubleAsync(install));
        Assert.Empty(unexpected);
        Assert.Equal(0, unaudited);
    }

    /// <summary>A week of marks: each day some pupils miss a lesson with no reason, and some of them get a reason later that day.</summary>
    private static List<(DateOnly Date, string Pupil, int Lesson, string Code, DateTime At)> Week(Random random)
    {
        var events = new List<(DateOnly, string, int, string, DateTime)>();
        for (var d = 0; d < 5; d++)
        {
            var date = Monday.AddDays(d);
            foreach (var pupil in Enumerable.Range(1, Pupils).OrderBy(_ => random.Next()).Take(5))
            {
                var lesson = 1 + random.Next(5);
                var at = JournalFolder.LessonStart(date, lesson).AddMinutes(10);
                events.Add((date, $"p{pupil}", lesson, "Н", at));
                if (random.Next(3) == 0) events.Add((date, $"p{pupil}", lesson, random.Next(2) == 0 ? "Б" : "УП", at.AddMinutes(40 + random.Next(180))));
            }
        }

        return events;
    }

    /// <summary>The journal as it stands at <paramref name="instant"/>: lessons begun, and the latest code of each lesson entered by then.</summary>
    private static void Snapshot(TestInstallation install, List<(DateOnly Date, string Pupil, int Lesson, string Code, DateTime At)> events, DateTime instant)
    {
        var journal = new JournalFolder(install.Journal.Path);
        for (var p = 1; p <= Pupils; p++)
        {
            var cls = p <= Pupils / 2 ? "7Б" : "8А";
            journal.Pupil($"p{p}", $"Ученик{p} Иван Сергеевич", cls, $"g{p}").Guardian($"g{p}", $"Родитель{p} Мария Ивановна", $"parent{p}@example.com");
        }

        for (var date = Monday; date <= DateOnly.FromDateTime(instant); date = date.AddDays(1))
        {
            var begun = Enumerable.Range(1, 6).Count(l => JournalFolder.LessonStart(date, l) <= instant);
            if (begun == 0) continue;
            journal.Lessons("7Б", date, begun).Lessons("8А", date, begun);
        }

        foreach (var mark in events.Where(e => e.At <= instant).GroupBy(e => (e.Date, e.Pupil, e.Lesson)).Select(g => g.MaxBy(e => e.At)))
        {
            journal.Mark(mark.Date, mark.Pupil, mark.Lesson, mark.Code, mark.At);
        }

        journal.Write();
    }

    private TestInstallation Installation()
    {
        var install = new TestInstallation();
        install.Connector["Delivery"]!["FirstRetryDelaySeconds"] = 1;
        install.UseSmtp(maildev.SmtpPort).Save();
        return install;
    }

    private static Dictionary<string, string> Now(DateTime local) =>
        new() { ["CONNECTOR_NOW"] = new DateTimeOffset(local, TimeSpan.FromHours(3)).ToString("O", CultureInfo.InvariantCulture) };

    private static Dictionary<(string Recipient, string Subject), int> Count(IEnumerable<ReceivedEmail> emails) =>
        emails.GroupBy(e => (e.Recipient, e.Subject)).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>
    /// A run that left a message to retry (exit code 4: a transient failure, e.g. a slow mail server under the load of
    /// the whole suite) is followed, as in the live service, by the delivery job a minute later (three at most), so a
    /// retry is not pushed hours ahead to the next moment of the week, where a reason that arrived meanwhile would
    /// rightly cancel it. Both weeks, the undisturbed one and the killed one, are run so. Returns how many followed.
    /// </summary>
    private static async Task<int> RetryAsTheServiceWouldAsync(TestInstallation install, DateTime instant, ProcessResult run)
    {
        var followed = 0;
        for (var minute = 1; run.ExitCode == 4 && minute <= 3; minute++)
        {
            run = await install.RunAsync(Now(instant.AddMinutes(minute)), "once");
            Assert.True(run.ExitCode is 0 or 4, run.Output + run.Error);
            followed++;
        }

        return followed;
    }

    /// <summary>The outbox rows of the guardians and days given (state, attempts, last error), to say why a message never arrived.</summary>
    private static async Task<List<string>> OutboxRowsAsync(TestInstallation install, List<(string Recipient, string Subject)> which)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(install.Home, "data", "connector.db")};Mode=ReadOnly");
        await db.OpenAsync();
        var command = db.CreateCommand();
        command.CommandText = """
            SELECT g.email, o.kind, o.date, o.state, o.attempts, o.interruptions, COALESCE(o.last_error, ''), COALESCE(o.deferred_reason, ''),
                (SELECT a.state FROM absences a WHERE a.school_id = o.school_id AND a.date = o.date AND ',' || COALESCE(o.pupil_ids, '') || ',' LIKE '%,' || a.pupil_id || ',%' LIMIT 1)
            FROM outbox o JOIN guardians g ON g.school_id = o.school_id AND g.guardian_id = o.guardian_id
            ORDER BY o.id
            """;
        var rows = new List<string>();
        var recipients = which.Select(w => w.Recipient).ToHashSet();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (!recipients.Contains(reader.GetString(0))) continue;
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary>What held the channel back, to say why a message went out later than in the undisturbed week: pauses, and attempts that did not go through.</summary>
    private static async Task<string> ChannelTroubleAsync(TestInstallation install)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(install.Home, "data", "connector.db")};Mode=ReadOnly");
        await db.OpenAsync();
        var command = db.CreateCommand();
        command.CommandText = """
            SELECT 'pause ' || channel || ' until ' || paused_until || ': ' || reason FROM channel_pauses
            UNION ALL
            SELECT 'attempt ' || attempted_at || ' ' || outcome || ': ' || COALESCE(detail, '') FROM delivery_attempts WHERE outcome <> 'Accepted'
            """;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return lines.Count == 0 ? "no channel pause and no failed attempt recorded" : string.Join("\n", lines);
    }

    /// <summary>"Possibly sent" audit entries by guardian e-mail and message subject (matched through the outbox row's date and kind).</summary>
    private static async Task<Dictionary<(string Recipient, string Subject), int>> AuditedAsync(TestInstallation install)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(install.Home, "data", "connector.db")};Mode=ReadOnly");
        await db.OpenAsync();
        var command = db.CreateCommand();
        command.CommandText = """
            SELECT g.email, o.kind, o.date, COUNT(*) FROM audit_log a
            JOIN outbox o ON o.idempotency_key = a.reference
            JOIN guardians g ON g.school_id = o.school_id AND g.guardian_id = o.guardian_id
            WHERE a.action LIKE '%.possibly-sent' GROUP BY g.email, o.kind, o.date
            """;
        var result = new Dictionary<(string, string), int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var date = DateOnly.ParseExact(reader.GetString(2), "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var day = date.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("ru-RU"));
            var subject = reader.GetString(1) == "absence" ? $"Школа № 1: пропуск уроков {day} г." : $"Школа № 1: уточнение о пропуске {day} г.";
            result[(reader.GetString(0), subject)] = reader.GetInt32(3);
        }

        return result;
    }
}
