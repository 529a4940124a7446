using Connector.Configuration;
using Connector.Scheduling;
using Connector.Schools;
using Microsoft.Extensions.Configuration;

namespace Connector.Tests.Scheduling;

public sealed class SchoolScheduleTests
{
    [Theory]
    [InlineData("Europe/Kaliningrad", 2)]
    [InlineData("Europe/Moscow", 3)]
    [InlineData("Asia/Kamchatka", 12)]
    public void ThePoll_FirstFiresAtTheSchoolsOwnMorning(string timeZone, int offsetHours)
    {
        var school = School(timeZone, "08:00", "16:00", 15);
        var poll = SchoolSchedule.Triggers(school, new DeliveryOptions(), new DateTimeOffset(2026, 11, 8, 0, 0, 0, TimeSpan.Zero)).First();

        var first = poll.GetFireTimeAfter(new DateTimeOffset(2026, 11, 9, 0, 0, 0, TimeSpan.FromHours(offsetHours)))!.Value;

        Assert.Equal(new DateTimeOffset(2026, 11, 9, 8, 0, 0, TimeSpan.FromHours(offsetHours)), first);
    }

    [Fact]
    public void ThePoll_RunsEveryIntervalUntilTheEndOfSchoolHours_ThenWaitsForTheNextMorning()
    {
        var school = School("Europe/Moscow", "08:00", "09:00", 20);
        var poll = SchoolSchedule.Triggers(school, new DeliveryOptions(), new DateTimeOffset(2026, 11, 8, 0, 0, 0, TimeSpan.Zero)).First();
        var times = new List<DateTimeOffset>();
        var at = new DateTimeOffset(2026, 11, 9, 7, 0, 0, TimeSpan.FromHours(3));
        for (var i = 0; i < 5; i++)
        {
            at = poll.GetFireTimeAfter(at)!.Value;
            times.Add(at.ToOffset(TimeSpan.FromHours(3)));
        }

        Assert.Equal(["11-09 08:00", "11-09 08:20", "11-09 08:40", "11-09 09:00", "11-10 08:00"], times.Select(t => t.ToString("MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void SchoolHours_AreSchoolLocal_AndHolidaysAreNotSchoolDays()
    {
        var school = School("Asia/Kamchatka", "08:00", "16:00", 15, holidays: ["2026-11-10"]);

        Assert.True(school.IsWithinSchoolHours(new DateTimeOffset(2026, 11, 9, 8, 30, 0, TimeSpan.FromHours(12))));
        Assert.False(school.IsWithinSchoolHours(new DateTimeOffset(2026, 11, 9, 8, 30, 0, TimeSpan.FromHours(3))));
        Assert.False(school.IsWithinSchoolHours(new DateTimeOffset(2026, 11, 10, 10, 0, 0, TimeSpan.FromHours(12))));
        Assert.False(school.IsWithinSchoolHours(new DateTimeOffset(2026, 11, 14, 10, 0, 0, TimeSpan.FromHours(12))));
        Assert.Equal(new DateOnly(2026, 11, 6), school.Calendar.PreviousSchoolDay(new DateOnly(2026, 11, 9)));
    }

    private static SchoolContext School(string timeZone, string start, string end, int interval, string[]? holidays = null)
    {
        var options = new SchoolOptions
        {
            Id = "school-1", Name = "Школа", TimeZone = timeZone, SchoolHoursStart = start, SchoolHoursEnd = end, PollIntervalMinutes = interval,
            Holidays = [.. holidays ?? []],
        };
        var registry = new SchoolRegistry(Microsoft.Extensions.Options.Options.Create(new ConnectorOptions
        {
            Schools = [options],
        }), [new FakeFactory()], Connector.Calendar.ProductionCalendar.Load(Path.Combine(Connector.Testing.RepositoryRoot.Path, "config", "calendars")),
            new SettingsReport([], [new SchoolProblems(0, "school-1", [])]), Microsoft.Extensions.Logging.Abstractions.NullLogger<SchoolRegistry>.Instance);
        options.Adapter = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["A:Kind"] = "fake" }).Build().GetSection("A");
        return registry.Get("school-1");
    }

    /// <summary>The schedule never touches the journal; a factory that makes no adapter is enough here.</summary>
    private sealed class FakeFactory : Connector.Abstractions.Journals.IJournalAdapterFactory
    {
        public string Kind => "fake";

        public IReadOnlyList<string> Validate(IConfigurationSection adapterSection) => [];

        public Connector.Abstractions.Journals.IJournalAdapter Create(Connector.Abstractions.Schools.SchoolRef school, IConfigurationSection adapterSection) => null!;
    }
}
