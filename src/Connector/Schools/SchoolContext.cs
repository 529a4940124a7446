using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;
using Connector.Configuration;

namespace Connector.Schools;

/// <summary>Everything the jobs need to know about one configured school.</summary>
internal sealed class SchoolContext(
    SchoolRef school,
    SchoolOptions options,
    TimeZoneInfo timeZone,
    SchoolCalendar calendar,
    TimeOnly hoursStart,
    TimeOnly hoursEnd,
    (TimeOnly Start, TimeOnly End) quietHours,
    IReadOnlyList<StaffMember> staff,
    IJournalAdapter adapter)
{
    public string Id => school.Id;

    public SchoolRef Ref => school;

    public SchoolOptions Options => options;

    public TimeZoneInfo TimeZone => timeZone;

    public SchoolCalendar Calendar => calendar;

    public TimeOnly HoursStart => hoursStart;

    public TimeOnly HoursEnd => hoursEnd;

    public TimeOnly QuietStart => quietHours.Start;

    public TimeOnly QuietEnd => quietHours.End;

    public IReadOnlyList<StaffMember> Staff => staff;

    public IJournalAdapter Adapter => adapter;

    public DateTime LocalTime(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, timeZone).DateTime;

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(LocalTime(instant));

    /// <summary>The instant of a school-local date and time.</summary>
    public DateTimeOffset Instant(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time);
        return new DateTimeOffset(local, timeZone.GetUtcOffset(local));
    }

    /// <summary>True on a school day between the school's hours.</summary>
    public bool IsWithinSchoolHours(DateTimeOffset instant)
    {
        var local = LocalTime(instant);
        var time = TimeOnly.FromDateTime(local);
        return calendar.IsSchoolDay(DateOnly.FromDateTime(local)) && time >= hoursStart && time <= hoursEnd;
    }

    /// <summary>
    /// Who does a step owned by <paramref name="role"/> for a pupil of <paramref name="className"/>: that class's
    /// teacher, or the first staff member with the role; null when nobody is configured.
    /// </summary>
    public StaffMember? StaffFor(StaffRole role, string className) =>
        role == StaffRole.ClassTeacher ? ClassTeacherOf(className) : staff.FirstOrDefault(s => s.Roles.Contains(role));

    /// <summary>The class teacher of <paramref name="className"/>, if configured.</summary>
    public StaffMember? ClassTeacherOf(string className) =>
        staff.FirstOrDefault(s => s.Roles.Contains(StaffRole.ClassTeacher) && s.Classes.Contains(className, StringComparer.OrdinalIgnoreCase));
}
