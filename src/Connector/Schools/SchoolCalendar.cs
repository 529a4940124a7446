using System.Globalization;
using Connector.Calendar;

namespace Connector.Schools;

/// <summary>
/// A school's days: the production calendar (holidays, transferred days, working Saturdays), the school's five-
/// or six-day week, its holidays (каникулы) and any extra school days. School days are when attendance is taken;
/// working days are what deadlines count (RULES.md §4: no deadline counts a non-working day).
/// </summary>
internal sealed class SchoolCalendar(
    ProductionCalendar production, int daysPerWeek, IReadOnlyList<(DateOnly From, DateOnly To)> holidays, IReadOnlyCollection<DateOnly> extraSchoolDays)
{
    public bool IsSchoolDay(DateOnly date)
    {
        if (extraSchoolDays.Contains(date)) return true;
        if (InSchoolHolidays(date) || production.IsHolidayOrDayOff(date) || date.DayOfWeek == DayOfWeek.Sunday) return false;
        return date.DayOfWeek != DayOfWeek.Saturday || daysPerWeek == 6 || production.IsWorkingWeekendDay(date);
    }

    /// <summary>A working day for deadlines: a production-calendar working day outside the school's holidays.</summary>
    public bool IsWorkingDay(DateOnly date) => production.IsWorkingDay(date) && !InSchoolHolidays(date);

    /// <summary>The date <paramref name="days"/> working days after <paramref name="from"/> (the day itself not counted).</summary>
    public DateOnly AddWorkingDays(DateOnly from, int days)
    {
        var date = from;
        for (var counted = 0; counted < days;)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date)) counted++;
        }

        return date;
    }

    /// <summary>The last school day before <paramref name="date"/> (at most a year back).</summary>
    public DateOnly? PreviousSchoolDay(DateOnly date)
    {
        for (var d = date.AddDays(-1); d > date.AddYears(-1); d = d.AddDays(-1))
        {
            if (IsSchoolDay(d)) return d;
        }

        return null;
    }

    private bool InSchoolHolidays(DateOnly date) => holidays.Any(h => date >= h.From && date <= h.To);

    /// <summary>Parses "yyyy-MM-dd" or "yyyy-MM-dd..yyyy-MM-dd"; null when the text is neither.</summary>
    public static (DateOnly From, DateOnly To)? ParseRange(string text)
    {
        var parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2) return null;
        if (!DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)) return null;
        var to = from;
        if (parts.Length == 2 && !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out to)) return null;
        return to >= from ? (from, to) : null;
    }
}
