using Connector.Polling;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Polling;

/// <summary>
/// A file journal whose files did not change since the last good read is not read again; what the files hold for a
/// later moment (a row recorded at 10:00 in an export written at 08:00) still counts when its moment comes.
/// </summary>
public sealed class UnchangedJournalTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();

    [Fact]
    public async Task ARowStampedLaterInUnchangedFiles_IsDecidedWhenItsTimeComes()
    {
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Lessons("7Б", Monday, 3).Mark(Monday, "p1", 2, "Н", Monday.ToDateTime(new TimeOnly(10, 0)));
        var clock = new FakeTimeProvider(new DateTimeOffset(Monday.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(3)));
        using var host = install.BuildHost(clock);
        var poller = host.Services.GetRequiredService<SchoolPoller>();

        var at0900 = await poller.PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(15));
        var at0915 = await poller.PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(50));
        var at1005 = await poller.PollAsync("school-1", CancellationToken.None);

        Assert.Equal((0, 0, 1), (at0900.Decisions.Opened, at0915.Decisions.Opened, at1005.Decisions.Opened));
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        Assert.Equal(("p1", "open"), await db.QuerySingleAsync<(string, string)>("SELECT pupil_id, state FROM absences"));
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM outbox WHERE kind = 'absence' AND state = 'pending'"));
    }

    [Fact]
    public async Task AnUnchangedJournal_StillHoldsTheRowsItCouldNotRead_AndTheirDays()
    {
        // A row of p1's Monday has a code the journal does not define: that could be the absence itself, so the day is
        // held (nothing is decided on it), at the read and at the polls that do not read the files again.
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Lessons("7Б", Monday, 3).Mark(Monday, "p1", 1, "Н").RawAttendance("2026-11-09;p1;2;Z;2026-11-09 08:40");
        var clock = new FakeTimeProvider(new DateTimeOffset(Monday.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(3)));
        using var host = install.BuildHost(clock);
        var poller = host.Services.GetRequiredService<SchoolPoller>();

        var first = await poller.PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(15));
        var second = await poller.PollAsync("school-1", CancellationToken.None);

        Assert.Equal((1, 0, 1), (first.Decisions.Held, first.Decisions.Opened, first.Problems));
        Assert.Equal((1, 0, 1), (second.Decisions.Held, second.Decisions.Opened, second.Problems));
    }

    public void Dispose() => install.Dispose();
}
