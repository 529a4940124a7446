using System.Globalization;

namespace Connector.Thresholds;

/// <summary>
/// The period a level is judged over, as it stands on a school-local date: from its first day to today. School
/// quarters default to 1 Sep–31 Oct, 1 Nov–31 Dec, 1 Jan–31 Mar, 1 Apr–31 May; summer belongs to no quarter. Six
/// months run September–February and March–August.
/// </summary>
internal static class Periods
{
    /// <summary>The whole period of <paramref name="kind"/> that contains <paramref name="date"/>, to its last day.</summary>
    public static Period? Whole(PeriodKind kind, DateOnly date)
    {
        if (Current(kind, date) is not { } period) return null;
        var end = date;
        while (Current(kind, end.AddDays(1)) is { } next && next.Key == period.Key) end = end.AddDays(1);
        return period with { To = end };
    }

    public static Period? Current(PeriodKind kind, DateOnly today)
    {
        var yearStart = new DateOnly(today.Month >= 9 ? today.Year : today.Year - 1, 9, 1);
        var schoolYear = string.Create(CultureInfo.InvariantCulture, $"{yearStart.Year}/{yearStart.Year + 1}");
        switch (kind)
        {
            case PeriodKind.Month:
            case PeriodKind.ReportingPeriod:
                var first = new DateOnly(today.Year, today.Month, 1);
                return new Period(first, today, first.ToString("yyyy-MM", CultureInfo.InvariantCulture), first.ToString("MMMM yyyy", CultureInfo.GetCultureInfo("ru-RU")));
            case PeriodKind.SchoolYear:
                return new Period(yearStart, today, schoolYear, $"{schoolYear} учебный год");
            case PeriodKind.SixMonths:
                var march = new DateOnly(yearStart.Year + 1, 3, 1);
                return today < march
                    ? new Period(yearStart, today, $"{schoolYear}-S1", $"сентябрь–февраль {schoolYear}")
                    : new Period(march, today, $"{schoolYear}-S2", $"март–август {schoolYear}");
            default:
                var quarters = new[]
                {
                    (1, yearStart, new DateOnly(yearStart.Year, 10, 31)),
                    (2, new DateOnly(yearStart.Year, 11, 1), new DateOnly(yearStart.Year, 12, 31)),
                    (3, new DateOnly(yearStart.Year + 1, 1, 1), new DateOnly(yearStart.Year + 1, 3, 31)),
                    (4, new DateOnly(yearStart.Year + 1, 4, 1), new DateOnly(yearStart.Year + 1, 5, 31)),
                };
                foreach (var (number, from, to) in quarters)
                {
                    if (today >= from && today <= to) return new Period(from, today, $"{schoolYear}-Q{number}", $"{number}-я четверть {schoolYear}");
                }

                return null;
        }
    }
}

/// <summary>A period so far: its first day, today, its key ("2026-11", "2026/2027-Q2") and its Russian name.</summary>
internal sealed record Period(DateOnly From, DateOnly To, string Key, string Name)
{
    /// <summary>
    /// The name after «за» (the accusative): «за 2-ю четверть 2026/2027», «за ноябрь 2026», «за 2026/2027 учебный год»;
    /// only the quarter's ordinal changes.
    /// </summary>
    public string ForName => Name.Replace("-я четверть", "-ю четверть", StringComparison.Ordinal);
}
