using Connector.Configuration;
using Connector.Thresholds;

namespace Connector.Absences;

/// <summary>
/// How far back an absence the guardians were not told of is still told (000 §2.4: «в течение одного дня (с момента
/// выявления)», whenever the lesson was): <see cref="SchoolOptions.NoticeHorizonDays"/> back when set, else from the
/// first day of the current school quarter, and never less than the window every poll reads (LookbackDays).
/// </summary>
internal static class NoticeHorizon
{
    public static DateOnly Start(SchoolOptions options, DateOnly today)
    {
        if (options.NoticeHorizonDays is { } days) return today.AddDays(-days);
        var window = today.AddDays(-options.LookbackDays);
        return Periods.Current(PeriodKind.Quarter, today) is { } quarter && quarter.From < window ? quarter.From : window;
    }
}
