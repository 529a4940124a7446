using Connector.Thresholds;

namespace Connector.Tests.Thresholds;

public sealed class PeriodsTests
{
    [Theory]
    [InlineData("2026-10-31", "2026/2027-Q1", "2026-09-01")]
    [InlineData("2026-11-01", "2026/2027-Q2", "2026-11-01")]
    [InlineData("2027-01-11", "2026/2027-Q3", "2027-01-01")]
    [InlineData("2027-05-31", "2026/2027-Q4", "2027-04-01")]
    public void AQuarterRunsFromItsFirstDay_AndTheNextStartsAfterItsLast(string today, string key, string from)
    {
        var period = Periods.Current(PeriodKind.Quarter, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture))!;

        Assert.Equal((key, DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture)), (period.Key, period.From));
    }

    [Theory]
    [InlineData(PeriodKind.Quarter, "2-я четверть 2026/2027", "за 2-ю четверть 2026/2027")]
    [InlineData(PeriodKind.Month, "ноябрь 2026", "за ноябрь 2026")]
    [InlineData(PeriodKind.SchoolYear, "2026/2027 учебный год", "за 2026/2027 учебный год")]
    public void APeriodIsNamed_AndNamedAfterZa_InTheAccusative(PeriodKind kind, string name, string afterZa)
    {
        var period = Periods.Current(kind, new DateOnly(2026, 11, 20))!;

        Assert.Equal((name, afterZa), (period.Name, $"за {period.ForName}"));
    }

    [Fact]
    public void SummerBelongsToNoQuarter() => Assert.Null(Periods.Current(PeriodKind.Quarter, new DateOnly(2027, 7, 1)));

    [Fact]
    public void AMonthEndsOnItsLastDay_TheSchoolYearStartsOnTheFirstOfSeptember()
    {
        Assert.Equal("2026-11", Periods.Current(PeriodKind.Month, new DateOnly(2026, 11, 30))!.Key);
        Assert.Equal(("2026-12", new DateOnly(2026, 12, 1)), (Periods.Current(PeriodKind.ReportingPeriod, new DateOnly(2026, 12, 1))!.Key, Periods.Current(PeriodKind.Month, new DateOnly(2026, 12, 1))!.From));
        Assert.Equal(("2026/2027", new DateOnly(2026, 9, 1)), (Periods.Current(PeriodKind.SchoolYear, new DateOnly(2027, 3, 15))!.Key, Periods.Current(PeriodKind.SchoolYear, new DateOnly(2027, 3, 15))!.From));
    }

    [Theory]
    [InlineData("2026-09-01", "2026/2027-S1", "2026-09-01", "сентябрь–февраль 2026/2027")]
    [InlineData("2027-02-28", "2026/2027-S1", "2026-09-01", "сентябрь–февраль 2026/2027")]
    [InlineData("2027-03-01", "2026/2027-S2", "2027-03-01", "март–август 2026/2027")]
    [InlineData("2027-08-31", "2026/2027-S2", "2027-03-01", "март–август 2026/2027")]
    public void SixMonthsRunSeptemberToFebruary_AndMarchToAugust(string today, string key, string from, string name)
    {
        var period = Periods.Current(PeriodKind.SixMonths, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture))!;

        Assert.Equal((key, DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), name), (period.Key, period.From, period.Name));
    }
}
