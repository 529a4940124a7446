using System.Globalization;
using Connector.Abstractions.Schools;
using Connector.Adapters.SetevoyGorod;
using Connector.Demo;
using Connector.Testing.Sgo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Bench;

/// <summary>
/// Requests one SGO school costs per poll: 33 classes of 8 subject groups, 7 lessons a school day, a 7-day window,
/// polled every 15 minutes from 08:00 to 16:00 on a Monday and again on the Tuesday against the emulator, with every
/// lesson page read on every poll (what the adapter did before, refresh 0) and with the default refresh of earlier
/// days. The first poll is the service's first after a start; Tuesday's first is the next morning's, after the night.
/// </summary>
internal static class SgoBench
{
    private static readonly DateOnly Monday = new(2026, 11, 9);

    public static async Task RunAsync()
    {
        Console.WriteLine("SGO requests per poll, one school of 33 classes, 7 lessons a day, 7-day window, a poll every 15 min 08:00–16:00, two days");
        Console.WriteLine($"{"refresh of earlier days",-32} {"first",7} {"max",7} {"mean",7} {"next morning",13} {"max day 2",10} {"min at 60/min (max)",20}");
        // Every page every poll reads the whole window at each poll, the next morning's too: one day of it is enough
        // (it is the slow one: the emulator paces a whole window's requests 33 times).
        await RunAsync("every poll (before)", recent: 0, older: 0, polledDays: 1);
        await RunAsync("default (120 min / 480 min)", recent: 120, older: 480, polledDays: 2);
    }

    private static async Task RunAsync(string how, int recent, int older, int polledDays)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(Monday.ToDateTime(new TimeOnly(5, 0)), TimeSpan.Zero)); // 08:00 in Moscow
        await using var sgo = await SgoEmulator.StartAsync(clock);
        sgo.AddAccount("bench", "Пароль-2026", "Сервис Connector");
        var days = Enumerable.Range(0, 8).Select(d => Monday.AddDays(-6 + d)).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToList();
        for (var c = 0; c < 33; c++)
        {
            var cls = sgo.AddClass(string.Create(CultureInfo.InvariantCulture, $"{5 + c % 7}{"АБВГДЕ"[c / 7]}"), sgo.AddStaff($"Учитель{c} Ирина Викторовна"));
            for (var p = 0; p < 25; p++) sgo.AddStudent(cls, $"Ученик{c}-{p} Иван Сергеевич", null);
            foreach (var day in days) sgo.Lessons(cls, day, 7);
        }

        var settings = new Dictionary<string, string?>
        {
            ["Kind"] = "sgo", ["BaseUrl"] = sgo.BaseUrl, ["SchoolId"] = sgo.SchoolId.ToString(CultureInfo.InvariantCulture), ["Login"] = "bench",
            ["Password"] = "Пароль-2026", ["RequestsPerMinute"] = "6000", ["LingerSeconds"] = "3600",
            ["RecentRefreshMinutes"] = recent.ToString(CultureInfo.InvariantCulture), ["OlderRefreshMinutes"] = older.ToString(CultureInfo.InvariantCulture),
        };
        var section = new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => "A:" + s.Key, s => s.Value)).Build().GetSection("A");
        var factory = new SgoAdapterFactory(clock, NullLoggerFactory.Instance);
        var adapter = factory.Create(new SchoolRef("bench", "Школа", "Europe/Moscow", "default", "sgo"), section);
        await adapter.GetRosterAsync(CancellationToken.None);

        async Task<List<int>> DayAsync(DateOnly day)
        {
            var perPoll = new List<int>();
            clock.SetUtcNow(new DateTimeOffset(day.ToDateTime(new TimeOnly(5, 0)), TimeSpan.Zero));
            for (var poll = 0; poll <= 32; poll++)
            {
                var before = sgo.Requests.Count;
                await adapter.GetAttendanceAsync(day.AddDays(-6), day, CancellationToken.None);
                perPoll.Add(sgo.Requests.Count - before);
                clock.Advance(TimeSpan.FromMinutes(15));
            }

            return perPoll;
        }

        var monday = await DayAsync(Monday);
        var tuesday = polledDays > 1 ? await DayAsync(Monday.AddDays(1)) : null;
        await ((IAsyncDisposable)adapter).DisposeAsync();
        var warm = monday.Skip(1).ToList();
        var largest = Math.Max(warm.Max(), tuesday?.Max() ?? 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{how,-32} {monday[0],7} {warm.Max(),7} {warm.Average(),7:0} {tuesday?[0].ToString(CultureInfo.InvariantCulture) ?? "—",13} {tuesday?.Max().ToString(CultureInfo.InvariantCulture) ?? "—",10} {largest / 60.0,20:0.0}"));
    }
}
