using Connector.Abstractions.Journals;
using Connector.Delivery;
using Connector.Demo;
using Connector.Polling;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Polling;

public sealed class SchoolPollerTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 9, 9, 0, 0, TimeSpan.FromHours(3)));
    private readonly IHost host;

    public SchoolPollerTests()
    {
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1", "g2")
            .Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Guardian("g2", "Петров Сергей Павлович", "sergey@example.com")
            .Lessons("7Б", Monday, 6)
            .Mark(Monday, "p1", 1, "Н");
        host = install.BuildHost(clock);
    }

    private SchoolPoller Poller => host.Services.GetRequiredService<SchoolPoller>();

    private OutboxDispatcher Dispatcher => host.Services.GetRequiredService<OutboxDispatcher>();

    [Fact]
    public async Task PollingTheSameJournalAgain_ChangesNothing_AndEachGuardianGetsOneNotice()
    {
        var first = await Poller.PollAsync("school-1", CancellationToken.None);
        var second = await Poller.PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(25));
        await Dispatcher.DeliverAsync("school-1", CancellationToken.None);
        await Poller.PollAsync("school-1", CancellationToken.None);
        await Dispatcher.DeliverAsync("school-1", CancellationToken.None);

        Assert.Equal((1, 2), (first.Decisions.Opened, first.Decisions.Queued));
        Assert.Equal((0, 0, 0), (second.ChangedMarks, second.Decisions.Opened, second.Decisions.Queued));
        Assert.Equal(2, Directory.GetFiles(install.Outbox, "*.eml").Length);
        Assert.Equal(2, await Count("SELECT COUNT(*) FROM outbox"));
    }

    [Fact]
    public async Task ANoticeWaitsForTheGracePeriod()
    {
        await Poller.PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(19));
        var early = await Dispatcher.DeliverAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(2));
        var due = await Dispatcher.DeliverAsync("school-1", CancellationToken.None);

        Assert.Equal(0, early.Sent);
        Assert.Equal(2, due.Sent);
    }

    [Fact]
    public async Task AFailedRead_DecidesNothing_AndThePollAfterItCarriesOn()
    {
        await Poller.PollAsync("school-1", CancellationToken.None);
        var attendance = Path.Combine(install.Journal.Path, "attendance.csv");
        var saved = await File.ReadAllTextAsync(attendance);
        File.Delete(attendance);

        var error = await Assert.ThrowsAsync<JournalException>(() => Poller.PollAsync("school-1", CancellationToken.None));
        var afterFailure = (await Count("SELECT COUNT(*) FROM absences WHERE state = 'open'"), await Count("SELECT COUNT(*) FROM outbox WHERE state = 'pending'"));

        await File.WriteAllTextAsync(attendance, saved + $"{Monday:yyyy-MM-dd};p1;1;УП;{Monday:yyyy-MM-dd} 09:05\n");
        clock.Advance(TimeSpan.FromMinutes(10));
        await Poller.PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(15));
        var run = await Dispatcher.DeliverAsync("school-1", CancellationToken.None);

        Assert.Contains("нет файла attendance.csv", error.Message, StringComparison.Ordinal);
        Assert.Equal((1, 2), afterFailure);
        Assert.Equal((0, 2), (run.Sent, run.Cancelled));
        Assert.False(Directory.Exists(install.Outbox) && Directory.GetFiles(install.Outbox, "*.eml").Length > 0);
    }

    [Fact]
    public async Task AClassWithNoAttendanceEntered_IsNotAClassOfAbsentees()
    {
        install.Journal.Lessons("6А", Monday, 6, taken: false).Pupil("p2", "Волков Артём Павлович", "6А", "g3").Guardian("g3", "Волкова Ирина Павловна", "irina@example.com");
        install.Journal.Mark(Monday, "p2", 1, "Н").Mark(Monday, "p2", 2, "Н");
        install.Journal.Write();

        var result = await Poller.PollAsync("school-1", CancellationToken.None);

        Assert.Equal(1, result.Decisions.Opened);
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM outbox WHERE guardian_id = 'g3'"));
    }

    public void Dispose()
    {
        host.Dispose();
        install.Dispose();
    }

    private async Task<int> Count(string sql)
    {
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        return await db.ExecuteScalarAsync<int>(sql);
    }
}
