using Connector.Delivery;
using Connector.Demo;
using Connector.Polling;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Reliability;

/// <summary>The outbox writer's guard: a guardian already told about a child today is not told again, whatever the absence's own state says.</summary>
public sealed class OutboxGuardTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();

    [Fact]
    public async Task AGuardianToldToday_IsNotToldAgain_WhenTheAbsenceIsFoundAgainAfterAPollBetweenClaimAndRecord()
    {
        install.School["GracePeriodMinutes"] = 0;
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1", "g2")
            .Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Guardian("g2", "Петров Сергей Павлович", "sergey@example.com")
            .Lessons("7Б", Monday, 3)
            .Mark(Monday, "p1", 1, "Н");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 9, 9, 30, 0, TimeSpan.FromHours(3)));
        using var host = install.BuildHost(clock);
        var poller = host.Services.GetRequiredService<SchoolPoller>();
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        await poller.PollAsync("school-1", CancellationToken.None);
        await dispatcher.DeliverAsync("school-1", CancellationToken.None);

        // A poll that ran while the notice was being sent saw the absence explained for a moment (a teacher's slip).
        await using (var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None))
        {
            await db.ExecuteAsync("UPDATE absences SET state = 'explained' WHERE pupil_id = 'p1'");
        }

        clock.Advance(TimeSpan.FromMinutes(90));
        install.Journal.Mark(Monday, "p1", 2, "Н");
        install.Journal.Write();
        await poller.PollAsync("school-1", CancellationToken.None);
        await dispatcher.DeliverAsync("school-1", CancellationToken.None);

        Assert.Equal(2, Directory.GetFiles(install.Outbox, "*.eml").Length);
        await using var check = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        Assert.Equal(2, await check.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM outbox WHERE kind = 'absence'"));
    }

    public void Dispose() => install.Dispose();
}
