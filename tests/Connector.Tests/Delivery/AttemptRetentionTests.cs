using Connector.Delivery;
using Connector.Demo;
using Connector.Polling;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Delivery;

/// <summary>Send attempts are kept for Delivery:KeepAttemptsDays, then removed; the messages and the audit log stay.</summary>
public sealed class AttemptRetentionTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();

    [Fact]
    public async Task AttemptsOlderThanTheRetention_AreRemoved_WhileTheMessagesAndTheAuditStay()
    {
        install.Connector["Delivery"]!["KeepAttemptsDays"] = 90;
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Lessons("7Б", Monday, 2).Mark(Monday, "p1", 1, "Н");
        var clock = new FakeTimeProvider(new DateTimeOffset(Monday.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(3)));
        using var host = install.BuildHost(clock);
        var poller = host.Services.GetRequiredService<SchoolPoller>();
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        await poller.PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(1, (await dispatcher.DeliverAsync("school-1", CancellationToken.None)).Sent);

        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var id = await db.ExecuteScalarAsync<long>("SELECT id FROM outbox");
        var sentAt = await db.ExecuteScalarAsync<string>("SELECT attempted_at FROM delivery_attempts");
        var inserted = new Dictionary<int, string>();
        // The history of earlier months, as a long-running installation has it.
        foreach (var daysAgo in new[] { 200, 100, 91, 89, 30 })
        {
            inserted[daysAgo] = StoreTime.Format(clock.GetUtcNow().AddDays(-daysAgo));
            await db.ExecuteAsync("INSERT INTO delivery_attempts (outbox_id, attempted_at, outcome, detail) VALUES (@id, @at, 'sent', NULL)",
                new { id, at = inserted[daysAgo] });
        }

        clock.Advance(TimeSpan.FromMinutes(30));
        await dispatcher.DeliverAsync("school-1", CancellationToken.None);
        var withinTheHour = await db.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM delivery_attempts");
        clock.Advance(TimeSpan.FromMinutes(31));
        await dispatcher.DeliverAsync("school-1", CancellationToken.None);

        Assert.Equal(6, withinTheHour); // removed at most once an hour
        var kept = (await db.QueryAsync<string>("SELECT attempted_at FROM delivery_attempts ORDER BY attempted_at")).ToList();
        Assert.Equal([inserted[89], inserted[30], sentAt!], kept);
        Assert.Equal("sent", await db.ExecuteScalarAsync<string>("SELECT state FROM outbox WHERE id = @id", new { id }));
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM audit_log WHERE action LIKE '%notice.sent'"));
        Assert.Single(Directory.GetFiles(install.Outbox, "*.eml"));
    }

    [Fact]
    public async Task ARetentionOutOfRange_IsRefused_InRussian()
    {
        install.Connector["Delivery"]!["KeepAttemptsDays"] = 0;
        install.Save();

        var result = await install.RunAsync(null, "check");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Ошибка настройки: Connector:Delivery:KeepAttemptsDays: 0 вне допустимого диапазона 1–3650", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => install.Dispose();
}
