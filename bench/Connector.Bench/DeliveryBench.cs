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
/// into the pickup folder, with the rate limit set out of the way.
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
        }
    }

    private static async Task RunAsync(MaildevServer maildev, int guardians, string how, bool smtp, int connections)
    {
        await maildev.ClearAsync();
        using var install = new TestInstallation();
        if (smtp)
        {
            install.UseSmtp(maildev.SmtpPort);
            install.Connector["Email"]!["Smtp"]!["Connections"] = connections;
            install.Connector["Email"]!["Smtp"]!["TimeoutSeconds"] = 60;
        }

        install.Connector["Email"]!["MessagesPerMinute"] = 10000;
        install.Settings["Logging"]!["LogLevel"]!["Connector"] = "Warning";
        install.Journal.Lessons("7Б", Monday, 2);
        for (var i = 0; i < guardians; i++)
        {
            install.Journal.Pupil($"p{i}", $"Ученик{i} Иван Сергеевич", "7Б", $"g{i}").Guardian($"g{i}", $"Родитель{i} Мария Ивановна", $"parent{i}@example.com")
                .Mark(Monday, $"p{i}", 1, "Н");
        }

        var clock = new FakeTimeProvider(new DateTimeOffset(Monday.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(3)));
        using var host = install.BuildHost(clock);
        var poller = host.Services.GetRequiredService<SchoolPoller>();
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        await poller.PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(30)); // past the grace period: every notice is due
        await poller.PollAsync("school-1", CancellationToken.None);

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
}
