using System.Globalization;
using Connector.Configuration;
using Connector.Delivery;
using Connector.Demo;
using Connector.Scheduling;
using Connector.Testing;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Connector.Bench;

/// <summary>
/// How long a parent waits, on the virtual clock: the demo school's days replayed through the real pipeline (its
/// schedule of polls, the installation's default delivery interval), e-mail over SMTP to maildev. For every absence
/// notice sent: the decision latency (the first absent mark's recorded time in the journal → the notice queued) and
/// the notice latency (→ the SMTP server's 250). Figures printed, never asserted.
/// </summary>
internal static class LatencyBench
{
    public static async Task RunAsync(MaildevServer maildev, int days)
    {
        var home = Directory.CreateTempSubdirectory("connector-bench-latency-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "config"), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(home, Path.GetRelativePath(RepositoryRoot.Path, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            var paths = new ConnectorPaths(home);
            var probe = ConnectorHost.LoadConfiguration(paths, demo: true);
            var from = DateOnly.Parse(probe["Connector:Demo:From"]!, CultureInfo.InvariantCulture);
            var to = from;
            for (var left = days - 1; left > 0; left--)
            {
                do to = to.AddDays(1); while (to.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
            }

            var delivery = new DeliveryOptions().IntervalSeconds;
            var configuration = ConnectorHost.LoadConfiguration(paths, demo: true, new Dictionary<string, string?>
            {
                ["Connector:Demo:To"] = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["Connector:Delivery:IntervalSeconds"] = delivery.ToString(CultureInfo.InvariantCulture),
                ["Connector:Email:Transport"] = "Smtp",
                ["Connector:Email:Smtp:Host"] = "127.0.0.1",
                ["Connector:Email:Smtp:Port"] = maildev.SmtpPort.ToString(CultureInfo.InvariantCulture),
                ["Connector:Email:Smtp:StartTls"] = "false",
            });
            var clock = new VirtualClock(new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
            using (var host = ConnectorHost.Build(paths, configuration, ScheduleMode.Replay, clock, l => l.ClearProviders()))
            {
                host.Services.GetRequiredService<RunnerIdentity>().HoldsInstallationLock = true;
                await host.StartAsync();
                await new ReplayDriver(host, clock.Set).RunAsync(from, to, _ => Task.CompletedTask, CancellationToken.None);
                await host.StopAsync();
            }

            var school = configuration.GetSection("Connector:Schools:0");
            await using var db = new SqliteConnection($"Data Source={Path.Combine(home, configuration["Connector:DataDirectory"]!, "connector.db")};Mode=ReadOnly;Pooling=false");
            await db.OpenAsync();
            // When the journal first showed each pupil's day unexplained: the earliest Н or НП row of that pupil and
            // date in the export (a later edit of the same lesson moves the stored mark's time, not this one).
            var zone = TimeZoneInfo.FindSystemTimeZoneById(school["TimeZone"]!);
            var firstShown = new Dictionary<(string Pupil, string Date), DateTimeOffset>();
            foreach (var line in File.ReadLines(Path.Combine(home, school["Adapter:Folder"]!, "attendance.csv")).Skip(1))
            {
                var cells = line.Split(';');
                if (cells[3] is not ("Н" or "НП") || cells[4].Length == 0) continue; // a row without a time says nothing of when
                var local = DateTime.ParseExact(cells[4], "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
                var at = new DateTimeOffset(local, zone.GetUtcOffset(local));
                if (!firstShown.TryGetValue((cells[1], cells[0]), out var seen) || at < seen) firstShown[(cells[1], cells[0])] = at;
            }

            var sent = await db.QueryAsync<(string Date, string PupilIds, string Created, string Sent)>(
                "SELECT date, pupil_ids, created_at, sent_at FROM outbox WHERE kind = 'absence' AND channel = 'Email' AND state = 'sent' AND pupil_ids IS NOT NULL");
            var rows = sent.Select(o => (Shown: o.PupilIds.Split(',').Select(p => firstShown.GetValueOrDefault((p, o.Date))).Where(t => t != default).DefaultIfEmpty().Min(), o.Created, o.Sent))
                .Where(r => r.Shown != default)
                .Select(r => (Recorded: r.Shown.ToString("O", CultureInfo.InvariantCulture), r.Created, r.Sent)).ToList();
            var decision = rows.Select(r => Minutes(r.Recorded, r.Created)).Order().ToList();
            var notice = rows.Select(r => Minutes(r.Recorded, r.Sent)).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Latency on the virtual clock: the demo school, {days} school days from {from:dd.MM.yyyy}, a poll every {school["PollIntervalMinutes"]} min, grace {school["GracePeriodMinutes"]} min, delivery every {delivery} s, SMTP to maildev; {rows.Count} absence notices sent"));
            Console.WriteLine($"{"minutes",-40} {"p50",7} {"p95",7} {"max",7}");
            Print("mark recorded → notice queued (decision)", decision);
            Print("mark recorded → SMTP accepted (notice)", notice);
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("BENCH_KEEP") is null) Directory.Delete(home, recursive: true);
            else Console.WriteLine($"kept: {home}");
        }
    }

    private static double Minutes(string from, string to) =>
        (DateTimeOffset.Parse(to, CultureInfo.InvariantCulture) - DateTimeOffset.Parse(from, CultureInfo.InvariantCulture)).TotalMinutes;

    private static void Print(string what, List<double> sorted)
    {
        if (sorted.Count == 0)
        {
            Console.WriteLine($"{what,-40} no notice was sent");
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what,-40} {Percentile(sorted, 0.50),7:0.0} {Percentile(sorted, 0.95),7:0.0} {sorted[^1],7:0.0}"));
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
