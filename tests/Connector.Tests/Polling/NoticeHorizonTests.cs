using Connector.Polling;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Polling;

/// <summary>
/// 000 §2.4 counts the day from the absence's detection, whenever the lesson was. An absence entered weeks late, older
/// than the window every poll reads, is found by the day's first read of a file journal back to the notice horizon
/// (the current quarter by default) and told; one before the horizon is not.
/// </summary>
public sealed class NoticeHorizonTests : IDisposable
{
    private static readonly TimeSpan Moscow = TimeSpan.FromHours(3);
    private static readonly DateOnly FirstPoll = new(2026, 10, 26);   // a Monday of the 1st quarter
    private static readonly DateOnly FirstQuarter = new(2026, 10, 28); // Wednesday, the 1st quarter
    private static readonly DateOnly SecondQuarter = new(2026, 11, 5); // Thursday, the 2nd quarter, 11 days before today
    private static readonly DateOnly LastWeek = new(2026, 11, 11);     // Wednesday, 5 days before today: in every poll's window
    private static readonly DateOnly Today = new(2026, 11, 16);        // Monday
    private readonly TestInstallation install = new();
    private IHost? host;

    [Theory]
    [InlineData(null, new[] { "2026-11-05", "2026-11-11" })]             // the current quarter, from 1 November
    [InlineData(30, new[] { "2026-10-28", "2026-11-05", "2026-11-11" })] // 30 days back
    [InlineData(7, new[] { "2026-11-11" })]                              // as far as the window each poll reads
    [InlineData(3, new string[0])]                                       // less than the window: what it reads before is not told
    public async Task Order000_2_4_AnAbsenceEnteredWeeksLate_IsToldWithinTheHorizon_AndNotBeforeIt(int? horizonDays, string[] told)
    {
        if (horizonDays is { } days) install.School["NoticeHorizonDays"] = days;
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Pupil("p2", "Сидорова Анна Олеговна", "7Б", "g2").Guardian("g2", "Сидоров Олег Юрьевич", "oleg@example.com")
            .Pupil("p3", "Кузнецов Дмитрий Андреевич", "7Б", "g3").Guardian("g3", "Кузнецова Елена Борисовна", "elena@example.com");
        foreach (var day in new[] { FirstPoll, FirstQuarter, SecondQuarter, LastWeek, Today }) install.Journal.Lessons("7Б", day, 6);
        var enteredToday = Today.ToDateTime(new TimeOnly(9, 0));
        install.Journal.Mark(FirstQuarter, "p1", 1, "Н", enteredToday).Mark(SecondQuarter, "p2", 2, "Н", enteredToday).Mark(LastWeek, "p3", 3, "Н", enteredToday);
        var clock = new FakeTimeProvider(At(FirstPoll, 9, 0));
        host = install.BuildHost(clock);
        var poller = host.Services.GetRequiredService<SchoolPoller>();
        await poller.PollAsync("school-1", CancellationToken.None);

        clock.SetUtcNow(At(Today, 9, 5));
        await poller.PollAsync("school-1", CancellationToken.None);
        // The day's later polls read the usual window: they neither find more nor take back what the first one found.
        clock.SetUtcNow(At(Today, 9, 20));
        await poller.PollAsync("school-1", CancellationToken.None);

        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        Assert.Equal(told, await db.QueryAsync<string>("SELECT date FROM outbox WHERE kind = 'absence' AND state = 'pending' ORDER BY date"));
        Assert.Equal(told, await db.QueryAsync<string>("SELECT date FROM absences WHERE state = 'open' ORDER BY date"));
    }

    [Fact]
    public async Task AnExportThatKeepsOnlyItsLastWeek_IsNotTakenForOneThatLostTheDaysBefore_WhenReadBackToTheHorizon()
    {
        var monday = new DateOnly(2026, 11, 2);
        var lastWeek = new DateOnly(2026, 11, 9);
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Pupil("p2", "Сидорова Анна Олеговна", "7Б", "g2").Guardian("g2", "Сидоров Олег Юрьевич", "oleg@example.com");
        foreach (var day in new[] { monday, lastWeek, LastWeek, Today }) install.Journal.Lessons("7Б", day, 6);
        install.Journal.Mark(monday, "p1", 1, "Н").Mark(LastWeek, "p2", 2, "Н", Today.ToDateTime(new TimeOnly(9, 0)));
        var clock = new FakeTimeProvider(At(monday, 10, 0));
        host = install.BuildHost(clock);
        var poller = host.Services.GetRequiredService<SchoolPoller>();
        Assert.Null((await poller.PollAsync("school-1", CancellationToken.None)).Quarantine);

        // The school's export job keeps a rolling week: by 16 November the rows of 2 November are gone from the files.
        foreach (var file in new[] { "lessons.csv", "attendance.csv" })
        {
            var path = Path.Combine(install.Journal.Path, file);
            File.WriteAllLines(path, File.ReadAllLines(path).Where((line, i) => i == 0 || string.CompareOrdinal(line[..10], "2026-11-09") >= 0));
        }

        clock.SetUtcNow(At(Today, 9, 5));
        var result = await poller.PollAsync("school-1", CancellationToken.None);

        Assert.Null(result.Quarantine);
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        Assert.Equal([("p1", "2026-11-02", "open", (string?)null), ("p2", "2026-11-11", "open", null)],
            await db.QueryAsync<(string, string, string, string?)>("SELECT pupil_id, date, state, correction FROM absences ORDER BY date"));
        Assert.Equal("Absent", await db.ExecuteScalarAsync<string>("SELECT presence FROM marks WHERE pupil_id = 'p1' AND date = '2026-11-02'"));
    }

    [Fact]
    public async Task AHorizonOutOfRange_IsRefused_InRussian_NamingTheSetting()
    {
        install.School["NoticeHorizonDays"] = 0;
        install.Save();

        var result = await install.RunAsync(null, "check");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Connector:Schools:0:NoticeHorizonDays: 0 вне допустимого диапазона 1–120", result.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        host?.Dispose();
        install.Dispose();
    }

    private static DateTimeOffset At(DateOnly date, int hour, int minute) => new DateTimeOffset(date.ToDateTime(new TimeOnly(hour, minute)), Moscow).ToUniversalTime();
}
