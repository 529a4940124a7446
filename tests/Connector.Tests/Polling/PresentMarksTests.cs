using Connector.Delivery;
using Connector.Polling;
using Connector.Store;
using Connector.Testing;
using Connector.Thresholds;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Polling;

/// <summary>
/// A child's presence in each lesson is not what the work needs: the store keeps the marks other than present, and a
/// lesson taken with no stored mark was attended. The shares, the notices and their corrections are as they were when
/// every mark was kept.
/// </summary>
public sealed class PresentMarksTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 16);
    private static readonly DateOnly Tuesday = new(2026, 11, 17);
    private readonly TestInstallation install = new();
    private IHost? host;

    [Fact]
    public async Task OnlyMarksOtherThanPresentAreStored_TheSharesCountEveryLesson_AndAnAbsenceTurnedPresentKeepsItsRow()
    {
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Pupil("p2", "Сидорова Анна Олеговна", "7Б", "g2").Guardian("g2", "Сидоров Олег Юрьевич", "oleg@example.com");
        foreach (var day in new[] { Monday, Tuesday })
        {
            install.Journal.Lessons("7Б", day, 3);
            foreach (var pupil in new[] { "p1", "p2" })
            {
                for (var lesson = 1; lesson <= 3; lesson++) install.Journal.Mark(day, pupil, lesson, day == Tuesday && pupil == "p1" && lesson == 2 ? "Н" : "П");
            }
        }

        var clock = new FakeTimeProvider(new DateTimeOffset(Tuesday.ToDateTime(new TimeOnly(11, 0)), TimeSpan.FromHours(3)));
        host = install.BuildHost(clock);
        var poller = host.Services.GetRequiredService<SchoolPoller>();
        await poller.PollAsync("school-1", CancellationToken.None);

        Assert.Equal([("p1", "2026-11-17", 2L, "Absent")], await MarksAsync());
        Assert.Equal([("p1", 6, 1, 5), ("p2", 6, 0, 6)], await CountsAsync());
        Assert.Equal([("p1", "2026-11-17", "open")], await AbsencesAsync());

        // The teacher finds the absence was a slip: the mark becomes present before the notice leaves.
        var attendance = Path.Combine(install.Journal.Path, "attendance.csv");
        File.WriteAllText(attendance, File.ReadAllText(attendance).Replace("2026-11-17;p1;2;Н;", "2026-11-17;p1;2;П;", StringComparison.Ordinal));
        clock.Advance(TimeSpan.FromMinutes(15));
        await poller.PollAsync("school-1", CancellationToken.None);

        Assert.Equal([("p1", "2026-11-17", 2L, "Present")], await MarksAsync());
        Assert.Equal([("p1", 6, 0, 6), ("p2", 6, 0, 6)], await CountsAsync());
        Assert.Equal([("p1", "2026-11-17", "explained")], await AbsencesAsync());

        // Its notice, still in its grace period, is not sent once that is over: the mother gets nothing.
        clock.Advance(TimeSpan.FromMinutes(10));
        var run = await host.Services.GetRequiredService<OutboxDispatcher>().DeliverAsync("school-1", CancellationToken.None);
        Assert.Equal((0, 1), (run.Sent, run.Cancelled));
        Assert.Empty(install.PickedUpRecipients());
    }

    [Fact]
    public async Task AStoreThatKeptEveryMark_WhenUpgraded_LetsGoThePresentMarksThatWereNeverAnythingElse()
    {
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com");
        var clock = new FakeTimeProvider(new DateTimeOffset(Tuesday.ToDateTime(new TimeOnly(11, 0)), TimeSpan.FromHours(3)));
        host = install.BuildHost(clock);
        await using (var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None))
        {
            // As version 13 left them: a present mark, an absence turned present at the next poll, an absence, a present mark vanishing.
            await db.ExecuteAsync(
                """
                INSERT INTO marks (school_id, pupil_id, date, lesson_no, presence, reason, source_code, first_seen_at, changed_at, vanished_at) VALUES
                    ('school-1', 'p1', '2026-11-16', 1, 'Present', 'NoneRecorded', '', '2026-11-16T06:00:00.000Z', '2026-11-16T06:00:00.000Z', NULL),
                    ('school-1', 'p1', '2026-11-16', 2, 'Present', 'NoneRecorded', '', '2026-11-16T06:00:00.000Z', '2026-11-16T06:15:00.000Z', NULL),
                    ('school-1', 'p1', '2026-11-16', 3, 'Absent', 'NoneRecorded', 'Н', '2026-11-16T06:00:00.000Z', '2026-11-16T06:00:00.000Z', NULL),
                    ('school-1', 'p1', '2026-11-16', 4, 'Present', 'NoneRecorded', '', '2026-11-16T06:00:00.000Z', '2026-11-16T06:00:00.000Z', '2026-11-16T06:15:00.000Z');
                DELETE FROM schema_version WHERE version = 14;
                """);
        }

        host.Dispose();
        host = install.BuildHost(clock);

        Assert.Equal([("p1", "2026-11-16", 2L, "Present"), ("p1", "2026-11-16", 3L, "Absent"), ("p1", "2026-11-16", 4L, "Present")], await MarksAsync());
    }

    private async Task<List<(string, string, long, string)>> MarksAsync()
    {
        await using var db = await host!.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        return (await db.QueryAsync<(string, string, long, string)>("SELECT pupil_id, date, lesson_no, presence FROM marks ORDER BY 1, 2, 3")).ToList();
    }

    private async Task<List<(string, int, int, int)>> CountsAsync()
    {
        await using var db = await host!.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var counts = await BreachStore.CountAsync(db, null, "school-1", new Period(Monday, Tuesday, "test", "test"));
        return counts.OrderBy(c => c.PupilId, StringComparer.Ordinal).Select(c => (c.PupilId, c.Scheduled, c.Missed, c.Attended)).ToList();
    }

    private async Task<List<(string, string, string)>> AbsencesAsync()
    {
        await using var db = await host!.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        return (await db.QueryAsync<(string, string, string)>("SELECT pupil_id, date, state FROM absences ORDER BY 1, 2")).ToList();
    }

    public void Dispose()
    {
        host?.Dispose();
        install.Dispose();
    }
}
