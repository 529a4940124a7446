using System.Globalization;

namespace Connector.Schools;

/// <summary>
/// Which school-local dates are school days: the school's working week minus its holidays.
/// The Russian production calendar (public holidays, transferred days) comes with the rule profiles.
/// </summary>
internal sealed class SchoolCalendar(int daysPerWeek, IReadOnlyList<(DateOnly From, DateOnly To)> holidays, IReadOnlyCollection<DateOnly> extraSchoolDays)
{
    public bool IsSchoolDay(DateOnly date)
    {
        if (extraSchoolDays.Contains(date)) return true;
        var lastWorkingDay = daysPerWeek == 6 ? DayOfWeek.Saturday : DayOfWeek.Friday;
        if (date.DayOfWeek == DayOfWeek.Sunday || date.DayOfWeek > lastWorkingDay) return false;
        return !holidays.Any(h => date >= h.From && date <= h.To);
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
