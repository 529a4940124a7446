using Connector.Calendar;
using Connector.Schools;
using Connector.Testing;

namespace Connector.Tests.Calendar;

public sealed class SchoolCalendarTests
{
    private static readonly ProductionCalendar Production = ProductionCalendar.Load(Path.Combine(RepositoryRoot.Path, "config", "calendars"));

    [Fact]
    public void TheProductionCalendarCovers2025To2027() => Assert.Equal([2025, 2026, 2027], Production.Years.Order());

    [Fact]
    public void PublicHolidaysAndTransferredDaysOff_AreNotSchoolDays_AWorkingSaturdayIs()
    {
        var school = Calendar(daysPerWeek: 5);

        Assert.False(school.IsSchoolDay(new DateOnly(2026, 11, 4)));   // День народного единства
        Assert.False(school.IsSchoolDay(new DateOnly(2025, 11, 3)));   // transferred from Saturday 1 November
        Assert.True(school.IsSchoolDay(new DateOnly(2025, 11, 1)));    // that Saturday is a working day
        Assert.False(school.IsSchoolDay(new DateOnly(2026, 1, 9)));    // transferred from 3 January
        Assert.False(school.IsSchoolDay(new DateOnly(2026, 3, 9)));    // 8 March fell on a Sunday
        Assert.True(school.IsSchoolDay(new DateOnly(2026, 11, 5)));
    }

    [Fact]
    public void ASixDaySchool_StudiesOnSaturdays_ButNotOnHolidays()
    {
        var school = Calendar(daysPerWeek: 6);

        Assert.True(school.IsSchoolDay(new DateOnly(2026, 11, 7)));
        Assert.False(school.IsSchoolDay(new DateOnly(2026, 11, 8)));
        Assert.False(school.IsSchoolDay(new DateOnly(2026, 5, 9)));
    }

    [Theory]
    // Three working days from Tuesday 3 November 2026 skip the holiday on Wednesday 4 November.
    [InlineData("2026-11-03", 3, "2026-11-09")]
    // One working day from Friday is Monday.
    [InlineData("2026-11-06", 1, "2026-11-09")]
    // Across the New Year: 31 December 2026 and 1–11 January 2027 are not working days.
    [InlineData("2026-12-30", 1, "2027-01-11")]
    // The school's autumn holidays (2026-10-26..2026-11-03) do not count either.
    [InlineData("2026-10-23", 2, "2026-11-06")]
    public void Deadlines_CountWorkingDaysOnly(string from, int days, string due)
    {
        var school = Calendar(daysPerWeek: 5, holidays: [(new DateOnly(2026, 10, 26), new DateOnly(2026, 11, 3))]);

        Assert.Equal(DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture), school.AddWorkingDays(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), days));
    }

    private static SchoolCalendar Calendar(int daysPerWeek, (DateOnly, DateOnly)[]? holidays = null) => new(Production, daysPerWeek, holidays ?? [], []);
}
