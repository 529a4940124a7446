using Connector.Demo;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Delivery;

public sealed class ThrottlingTests(MaildevServer maildev) : IClassFixture<MaildevServer>, IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();

    [Fact]
    public async Task ABurstOfNotices_LeavesAtTheConfiguredRate_InTheOrderTheyWereQueued()
    {
        await maildev.ClearAsync();
        install.UseSmtp(maildev.SmtpPort);
        install.Connector["Email"]!["MessagesPerMinute"] = 10;
        using var host = await RunMondayAsync(absentees: 25);

        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var sent = (await db.QueryAsync<(long Id, string SentAt)>("SELECT id, sent_at FROM outbox WHERE state = 'sent' ORDER BY sent_at, id")).ToList();
        var perMinute = sent.GroupBy(s => StoreTime.ParseInstant(s.SentAt).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)).Select(g => g.Count()).ToList();
        Assert.Equal([10, 10, 5], perMinute);
        Assert.Equal(sent.Select(s => s.Id).Order(), sent.Select(s => s.Id));
        Assert.Equal(25, (await maildev.GetEmailsAsync(atLeast: 25)).Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task NoticesGoOverAsManyConnectionsAsConfigured_EachGuardianGettingOne(int connections)
    {
        await maildev.ClearAsync();
        using var front = new SmtpTlsFront(maildev.SmtpPort, FrontMode.Plain);
        install.UseSmtp(front.Port);
        install.Connector["Email"]!["Smtp"]!["Connections"] = connections;
        using var host = await RunMondayAsync(absentees: 12);

        var emails = await maildev.GetEmailsAsync(atLeast: 12);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"parent{i:D2}@example.com"), emails.Select(e => e.Recipient).Order());
        // One connection carries every message when one is allowed; with four, the dispatcher keeps several messages on
        // their way at once, each on a connection of its own (maildev's 100 ms greeting makes them overlap).
        if (connections == 1) Assert.Equal(1, front.Connections);
        else Assert.InRange(front.Connections, 2, connections);
    }

    public void Dispose() => install.Dispose();

    /// <summary>Each of <paramref name="absentees"/> pupils misses Monday's first lesson; the school's Monday is replayed.</summary>
    private async Task<IHost> RunMondayAsync(int absentees)
    {
        install.Journal.Lessons("7Б", Monday, 2);
        for (var i = 1; i <= absentees; i++)
        {
            install.Journal.Pupil($"p{i:D2}", $"Ученик{i:D2} Иван Сергеевич", "7Б", $"g{i:D2}").Guardian($"g{i:D2}", $"Родитель{i:D2} Мария Ивановна", $"parent{i:D2}@example.com")
                .Mark(Monday, $"p{i:D2}", 1, "Н");
        }

        var clock = new FakeTimeProvider(DateTimeOffset.MinValue);
        var host = install.BuildHost(clock);
        await host.StartAsync();
        await new ReplayDriver(host, clock.MoveTo).RunAsync(Monday, Monday, _ => Task.CompletedTask, CancellationToken.None);
        return host;
    }
}
