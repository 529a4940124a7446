using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Connector.Delivery;
using Connector.Demo;
using Connector.Polling;
using Connector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Bench;

/// <summary>
/// The outbox dispatcher end to end: a school's notices of one morning (one per guardian, built from the templates,
/// claimed, sent and recorded with the audit entry) delivered to maildev over SMTP with 1 and 4 connections, and
/// into the pickup folder, with the rate limit set out of the way; into the pickup folder again over a history of
/// 500,000 past sends; and with the rate limit on, the messages each minute of the virtual clock.
/// </summary>
internal static class DeliveryBench
{
    private static readonly DateOnly Monday = new(2026, 11, 9);

    public static async Task RunAsync(MaildevServer maildev, int guardians)
    {
        Console.WriteLine($"Delivery through the outbox dispatcher, {guardians} notices per run (poll excluded)");
        Console.WriteLine($"{"how",-40} {"s",8} {"msgs/s",8}");
        foreach (var run in new[] { 1, 2 })
        {
            if (Environment.GetEnvironmentVariable("BENCH_PICKUP_ONLY") is null) await RunAsync(maildev, guardians, $"SMTP, 1 connection (run {run})", smtp: true, connections: 1);
            if (Environment.GetEnvironmentVariable("BENCH_PICKUP_ONLY") is null) await RunAsync(maildev, guardians, $"SMTP, 4 connections (run {run})", smtp: true, connections: 4);
            await RunAsync(maildev, guardians, $"pickup folder (run {run})", smtp: false, connections: 1);
            await RunAsync(maildev, guardians, $"pickup, 500,000 past sends (run {run})", smtp: false, connections: 1, history: 500_000);
        }

        await RateAsync(maildev, guardians, perMinute: 60);
    }

    /// <summary>
    /// The rate limit on (<paramref name="perMinute"/> e-mails a minute, pickup folder): the dispatcher runs every 5 s
    /// of a virtual clock until every notice went; printed, the messages sent in each whole minute.
    /// </summary>
    private static async Task RateAsync(MaildevServer maildev, int guardians, int perMinute)
    {
        var (install, host, clock) = await QueuedAsync(maildev, guardians, smtp: false, connections: 1, perMinute);
        using var _ = install;
        using var __ = host;
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var start = clock.GetUtcNow();
        var perMinuteSent = new List<int>();
        var sent = 0;
        while (sent < guardians)
        {
            var minute = (int)((clock.GetUtcNow() - start).TotalMinutes);
            while (perMinuteSent.Count <= minute) perMinuteSent.Add(0);
            var delivered = await dispatcher.DeliverAsync("school-1", CancellationToken.None);
            perMinuteSent[minute] += delivered.Sent;
            sent += delivered.Sent;
            clock.Advance(TimeSpan.FromSeconds(5));
            if (perMinuteSent.Count > 4 * guardians / perMinute + 10) throw new InvalidOperationException($"rate {perMinute}: {sent} of {guardians} sent after {perMinuteSent.Count} minutes");
        }

        var whole = perMinuteSent.Take(perMinuteSent.Count - 1).ToList(); // the last minute ran out of messages
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rate limit {perMinute}/min, pickup: {guardians} notices in {perMinuteSent.Count} virtual minutes; per whole minute {string.Join(", ", whole)} (min {whole.Min()}, max {whole.Max()}, {100.0 * (whole.Average() - perMinute) / perMinute:+0.0;-0.0;0.0} % from the limit)"));
    }

    private static async Task RunAsync(MaildevServer maildev, int guardians, string how, bool smtp, int connections, int history = 0)
    {
        var (install, host, clock) = await QueuedAsync(maildev, guardians, smtp, connections, 10000);
        using var _ = install;
        using var __ = host;
        if (history > 0) await HistoryAsync(host, history, clock.GetUtcNow());
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();

        var watch = Stopwatch.StartNew();
        var sent = 0;
        while (sent < guardians)
        {
            var delivered = await dispatcher.DeliverAsync("school-1", CancellationToken.None);
            if (delivered.Sent == 0) throw new InvalidOperationException($"{how}: {sent} of {guardians} sent, then nothing (failed {delivered.Failed}, retrying {delivered.Retrying})");
            sent += delivered.Sent;
        }

        watch.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{how,-40} {watch.Elapsed.TotalSeconds,8:0.00} {sent / watch.Elapsed.TotalSeconds,8:0.0}"));
    }

    /// <summary>
    /// <paramref name="count"/> e-mails sent before, one attempt each, spread over the 80 days before
    /// <paramref name="now"/> (inside Delivery:KeepAttemptsDays, so none is pruned), to as many other guardians.
    /// </summary>
    private static async Task HistoryAsync(IHost host, int count, DateTimeOffset now)
    {
        var database = host.Services.GetRequiredService<Connector.Store.ConnectorDatabase>();
        await using var db = await database.OpenAsync(CancellationToken.None);
        await using var command = db.CreateCommand();
        var first = now.AddDays(-80).ToUnixTimeMilliseconds();
        var step = (now.AddMinutes(-5).ToUnixTimeMilliseconds() - first) / count;
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
            BEGIN;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
            INSERT INTO outbox (idempotency_key, school_id, kind, guardian_id, date, channel, state, not_before, created_at, attempts, sent_at, closed_at, address, pupil_ids)
            SELECT 'history:' || i, 'school-1', 'absence', 'h' || i, strftime('%Y-%m-%d', ({first} + i * {step}) / 1000, 'unixepoch'), 'Email', 'sent',
                strftime('%Y-%m-%dT%H:%M:%fZ', ({first} + i * {step}) / 1000.0, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%fZ', ({first} + i * {step}) / 1000.0, 'unixepoch'),
                1, strftime('%Y-%m-%dT%H:%M:%fZ', ({first} + i * {step}) / 1000.0, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%fZ', ({first} + i * {step}) / 1000.0, 'unixepoch'),
                'h' || i || '@example.com', 'x' || i
            FROM n;
            INSERT INTO delivery_attempts (outbox_id, attempted_at, outcome, detail) SELECT id, sent_at, 'Accepted', NULL FROM outbox WHERE idempotency_key LIKE 'history:%';
            COMMIT;
            """);
        await command.ExecuteNonQueryAsync();
        command.CommandText = "SELECT COUNT(*) FROM delivery_attempts";
        if ((long)(await command.ExecuteScalarAsync())! < count) throw new InvalidOperationException("the history was not written");
    }

    private static async Task<(TestInstallation Install, IHost Host, FakeTimeProvider Clock)> QueuedAsync(
        MaildevServer maildev, int guardians, bool smtp, int connections, int perMinute)
    {
        await maildev.ClearAsync();
        var install = new TestInstallation();
        if (smtp)
        {
            install.UseSmtp(maildev.SmtpPort);
            install.Connector["Email"]!["Smtp"]!["Connections"] = connections;
            install.Connector["Email"]!["Smtp"]!["TimeoutSeconds"] = 60;
        }

        install.Connector["Email"]!["MessagesPerMinute"] = perMinute;
        install.Settings["Logging"]!["LogLevel"]!["Connector"] = "Warning";
        install.Journal.Lessons("7Б", Monday, 2);
        for (var i = 0; i < guardians; i++)
        {
            install.Journal.Pupil($"p{i}", $"Ученик{i} Иван Сергеевич", "7Б", $"g{i}").Guardian($"g{i}", $"Родитель{i} Мария Ивановна", $"parent{i}@example.com")
                .Mark(Monday, $"p{i}", 1, "Н");
        }

        var clock = new FakeTimeProvider(new DateTimeOffset(Monday.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(3)));
        var host = install.BuildHost(clock);
        var poller = host.Services.GetRequiredService<SchoolPoller>();
        await poller.PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(30)); // past the grace period: every notice is due
        await poller.PollAsync("school-1", CancellationToken.None);
        return (install, host, clock);
    }
}
