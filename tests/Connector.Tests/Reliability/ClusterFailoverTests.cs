using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Connector.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Connector.Tests.Reliability;

/// <summary>
/// Two nodes, two real <c>connector run</c> processes with homes of their own, share one PostgreSQL database and
/// serve three schools whose exports they both read. Absences keep coming in; at random moments one node is killed
/// (SIGKILL) and started again a few seconds later. Every school must go on being polled, every guardian must get
/// the day's notice, once (a second copy only where the audit log says it may have been sent twice, the one case
/// SMTP cannot rule out), and no message may be sent by both nodes. The number of kills is
/// <c>CONNECTOR_FAILOVER_KILLS</c> (CI: 6; 3 unless set). The figures are printed and written to
/// artifacts/cluster-failover.txt (README, "Beyond one machine").
/// </summary>
// The two tests that kill real processes at random run one after the other, not beside each other: each measures
// what a kill at a random moment of a run does, and the other's load would stretch those runs unevenly.
[Collection("Real processes killed at random")]
public sealed class ClusterFailoverTests(MaildevServer maildev, ITestOutputHelper output) : IClassFixture<MaildevServer>
{
    // A Tuesday, 14:00 in Moscow, after the day's lessons: both nodes' clocks start here and run at the normal pace (CONNECTOR_NOW).
    private static readonly DateTimeOffset Start = new(2026, 11, 10, 14, 0, 0, TimeSpan.FromHours(3));
    private static readonly DateOnly Day = DateOnly.FromDateTime(Start.DateTime);
    private static readonly string[] Schools = ["school-1", "school-2", "school-3"];
    private const int PupilsPerBatch = 5;

    [Fact]
    public async Task TwoNodes_OneKilledAtRandomMoments_EverySchoolIsStillPolled_AndEachGuardianGetsTheNoticeOnce()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("CONNECTOR_FAILOVER_KILLS"), out var k) ? k : 3;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CONNECTOR_FAILOVER_SEED"), out var s) ? s : 20261204;
        var random = new Random(seed);
        await maildev.ClearAsync();
        var database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var exports = Directory.CreateTempSubdirectory("connector-cluster-").FullName;
        var journals = Schools.ToDictionary(id => id, id => new JournalFolder(Path.Combine(exports, id)));
        foreach (var (id, journal) in journals) Roster(id, journal, kills + 2);
        var elapsed = Stopwatch.StartNew();
        // A slow mail server (each reply 60 ms late, about half a second a message), so that kills land mid-send too.
        using var slowServer = new SmtpTlsFront(maildev.SmtpPort, FrontMode.Plain, TimeSpan.FromMilliseconds(60));
        using var homeA = Node(database, journals, slowServer.Port);
        using var homeB = Node(database, journals, slowServer.Port);
        var nodes = new[] { new NodeProcess(homeA, "A"), new NodeProcess(homeB, "B") };

        try
        {
            // A starts first and makes the schema (the store's and the scheduler's); B joins it.
            Mark(journals, 0);
            await nodes[0].StartAsync(Now(elapsed));
            await nodes[1].StartAsync(Now(elapsed));

            // Each round: absences are entered; at the next minute the nodes poll (every minute, on the minute) and
            // send what they found within five seconds; one node is killed at a random moment of those first eight
            // seconds, and started again.
            var killedAt = new List<DateTimeOffset>();
            var (duringPolls, duringSends) = (0, 0);
            for (var batch = 1; batch <= kills; batch++)
            {
                Mark(journals, batch);
                var now = Now(elapsed);
                var nextMinute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, now.Offset).AddMinutes(1);
                await Task.Delay(nextMinute - now + TimeSpan.FromSeconds(random.NextDouble() * 8));
                var victim = nodes[random.Next(2)];
                var (polling, sending) = await AtWorkAsync(database);
                victim.Kill();
                killedAt.Add(Now(elapsed));
                (duringPolls, duringSends) = (duringPolls + (polling > 0 ? 1 : 0), duringSends + (sending > 0 ? 1 : 0));
                await Task.Delay(TimeSpan.FromSeconds(1 + (random.NextDouble() * 4)));
                await victim.StartAsync(Now(elapsed));
            }

            Mark(journals, kills + 1); // entered after the last kill: found and told by the nodes as they are now

            // Every guardian of every batch, once: wait for them (up to five minutes), then a little longer for copies.
            var expected = journals.Keys.SelectMany(id => Enumerable.Range(0, kills + 2).SelectMany(b => Enumerable.Range(1, PupilsPerBatch).Select(p => Email(id, b, p)))).ToHashSet();
            var deadline = Stopwatch.StartNew();
            List<ReceivedEmail> emails;
            while (!expected.IsSubsetOf((emails = [.. await maildev.GetEmailsAsync()]).Select(e => e.Recipient)) && deadline.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            var settled = elapsed.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(15));
            emails = [.. await maildev.GetEmailsAsync()];
            foreach (var node in nodes) node.Kill();

            var facts = await FactsAsync(database);
            var received = emails.GroupBy(e => e.Recipient).ToDictionary(g => g.Key, g => g.Count());
            var missing = expected.Where(e => !received.ContainsKey(e)).ToList();
            var extra = received.Where(r => r.Value > 1).ToList();
            var unaudited = extra.Where(r => r.Value - 1 > facts.PossiblySent.GetValueOrDefault(r.Key)).ToList();
            var copiesOfOneMessage = emails.Where(e => e.MessageId is not null).GroupBy(e => e.MessageId).Where(g => g.Count() > 1).Sum(g => g.Count() - 1);
            var lastKill = killedAt.Count == 0 ? Start : killedAt.Max();
            var report = string.Join(Environment.NewLine,
                $"Cluster failover: 2 nodes, {Schools.Length} schools, one PostgreSQL database; {kills} SIGKILLs (seed {seed}), {elapsed.Elapsed.TotalSeconds:0} s in all; " +
                $"kills while a poll was running {duringPolls}, while a message was on its way {duringSends}",
                $"  notices expected {expected.Count}, received {emails.Count}, lost {missing.Count}; guardians with a second copy {extra.Count} (audited as possibly sent twice {extra.Count - unaudited.Count}), unaudited {unaudited.Count}",
                $"  copies of one message (same Message-ID) {copiesOfOneMessage}; sends recorded twice for one message {facts.RecordedTwice}; messages taken back from a node that died {facts.Interrupted}",
                $"  every school polled after the last kill: {string.Join(", ", facts.LastPoll.Select(p => $"{p.Key} at {p.Value:HH:mm:ss}"))} (last kill at {lastKill:HH:mm:ss})",
                $"  all notices in {settled.TotalSeconds:0} s of the run; node starts {nodes.Sum(n => n.Starts)}");
            output.WriteLine(report);
            Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "artifacts"));
            await File.WriteAllTextAsync(Path.Combine(RepositoryRoot.Path, "artifacts", "cluster-failover.txt"), report + Environment.NewLine);

            Assert.True(missing.Count == 0, $"never received: {string.Join(", ", missing)}\n{report}\n{string.Join("\n", nodes.Select(n => n.Log))}");
            Assert.True(unaudited.Count == 0, $"second copies the audit log does not record: {string.Join(", ", unaudited)}\n{report}");
            Assert.Equal(0, facts.RecordedTwice);
            Assert.All(Schools, id => Assert.True(facts.LastPoll.GetValueOrDefault(id) > lastKill, $"{id} was not polled after the last kill\n{report}"));
        }
        finally
        {
            foreach (var node in nodes) node.Kill();
            Directory.Delete(exports, recursive: true);
        }
    }

    /// <summary>How many polls are running and messages on their way, just before a kill.</summary>
    private static async Task<(long Polling, long Sending)> AtWorkAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT COUNT(*) FROM poll_runs WHERE outcome = 'running'), (SELECT COUNT(*) FROM outbox WHERE state = 'sending')", db);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>What the shared database says: copies audited per guardian, sends recorded twice, interrupted messages, and each school's last good poll.</summary>
    private static async Task<(Dictionary<string, int> PossiblySent, int RecordedTwice, int Interrupted, Dictionary<string, DateTimeOffset> LastPoll)> FactsAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        var possiblySent = new Dictionary<string, int>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT g.email, COUNT(*) FROM audit_log a JOIN outbox o ON o.idempotency_key = a.reference
            JOIN guardians g ON g.school_id = o.school_id AND g.guardian_id = o.guardian_id
            WHERE a.action = 'absence-notice.possibly-sent' GROUP BY g.email
            """, db))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) possiblySent[reader.GetString(0)] = (int)reader.GetInt64(1);
        }

        await using var twice = new NpgsqlCommand("SELECT COUNT(*) FROM (SELECT reference FROM audit_log WHERE action = 'absence-notice.sent' GROUP BY reference HAVING COUNT(*) > 1) t", db);
        var recordedTwice = (int)(long)(await twice.ExecuteScalarAsync())!;
        await using var interrupted = new NpgsqlCommand("SELECT COUNT(*) FROM outbox WHERE interruptions > 0", db);
        var interruptedCount = (int)(long)(await interrupted.ExecuteScalarAsync())!;
        var lastPoll = new Dictionary<string, DateTimeOffset>();
        await using (var command = new NpgsqlCommand("SELECT school_id, last_ok_at FROM poll_runs WHERE last_ok_at IS NOT NULL", db))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lastPoll[reader.GetString(0)] = DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture).ToOffset(Start.Offset);
            }
        }

        return (possiblySent, recordedTwice, interruptedCount, lastPoll);
    }

    /// <summary>A node: a home of its own whose settings name the shared database (from the environment) and the shared exports.</summary>
    private static TestInstallation Node(string database, Dictionary<string, JournalFolder> journals, int smtpPort)
    {
        var install = new TestInstallation();
        install.UsePostgres(database).UseSmtp(smtpPort);
        install.Connector["Delivery"] = new JsonObject
        {
            ["IntervalSeconds"] = 5, ["FirstRetryDelaySeconds"] = 5, ["MaxRetryDelayMinutes"] = 1, ["GiveUpAfterHours"] = 24, ["ClaimLeaseSeconds"] = 60,
        };
        var template = install.School;
        var schools = new JsonArray();
        foreach (var (id, journal) in journals)
        {
            var school = template.DeepClone().AsObject();
            school["Id"] = id;
            school["Name"] = $"Школа {id[^1]}";
            school["Adapter"] = new JsonObject { ["Kind"] = "files", ["Folder"] = journal.Path };
            school["SchoolHoursStart"] = "07:00";
            school["SchoolHoursEnd"] = "20:00";
            school["PollIntervalMinutes"] = 1;
            school["GracePeriodMinutes"] = 0;
            schools.Add(school);
        }

        install.Connector["Schools"] = schools;
        install.Save();
        return install;
    }

    /// <summary>Every pupil of every batch and their guardians, with today's lessons; nobody absent yet.</summary>
    private static void Roster(string schoolId, JournalFolder journal, int batches)
    {
        journal.Lessons("7Б", Day, 6);
        for (var b = 0; b < batches; b++)
        {
            for (var p = 1; p <= PupilsPerBatch; p++)
            {
                journal.Pupil($"p{b}-{p}", $"Ученик{b}{p} Иван Сергеевич", "7Б", $"g{b}-{p}").Guardian($"g{b}-{p}", $"Родитель{b}{p} Мария Ивановна", Email(schoolId, b, p));
            }
        }

        journal.Write();
    }

    /// <summary>The pupils of <paramref name="batch"/> are marked absent (no reason) in every school.</summary>
    private static void Mark(Dictionary<string, JournalFolder> journals, int batch)
    {
        foreach (var journal in journals.Values)
        {
            for (var p = 1; p <= PupilsPerBatch; p++) journal.Mark(Day, $"p{batch}-{p}", 1 + (batch % 6), "Н");
            journal.Write();
        }
    }

    private static string Email(string schoolId, int batch, int pupil) => $"{schoolId}-b{batch}-p{pupil}@example.com";

    private static DateTimeOffset Now(Stopwatch elapsed) => Start + elapsed.Elapsed;

    /// <summary>One node's process: started with the cluster's clock, its output kept, killed from outside.</summary>
    private sealed class NodeProcess(TestInstallation home, string name)
    {
        private readonly ConcurrentQueue<string> lines = new();
        private Process? process;

        public int Starts { get; private set; }

        public string Log => $"node {name}:\n{string.Join("\n", lines.TakeLast(60))}";

        public async Task StartAsync(DateTimeOffset now)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            process = home.Start(new Dictionary<string, string> { ["CONNECTOR_NOW"] = now.ToString("O", CultureInfo.InvariantCulture) }, "run");
            Starts++;
            process.OutputDataReceived += (_, e) => Keep(e.Data, started);
            process.ErrorDataReceived += (_, e) => Keep(e.Data, started);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        public void Kill()
        {
            if (process is { HasExited: false }) process.Kill(entireProcessTree: true);
            process?.WaitForExit();
        }

        private void Keep(string? line, TaskCompletionSource started)
        {
            if (line is null) return;
            lines.Enqueue(line);
            if (line.Contains("started: home", StringComparison.Ordinal)) started.TrySetResult();
        }
    }
}
