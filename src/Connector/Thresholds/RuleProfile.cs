using Connector.Abstractions.Schools;

namespace Connector.Thresholds;

/// <summary>A municipality's rules as data (config/profiles/{id}.json): threshold levels and the escalation ladder.</summary>
public sealed class RuleProfile
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The regulatory document and sections the profile follows.</summary>
    public string Source { get; set; } = "";

    /// <summary>Fewer lessons than this in a period (about a school week), and no share is judged.</summary>
    public int MinimumLessons { get; set; } = 30;

    public List<ThresholdLevel> Levels { get; set; } = [];

    public List<LadderStep> Ladder { get; set; } = [];

    /// <summary>
    /// The school's own deadline, in working days, for a step whose order sets none: the step still appears in the digest
    /// when due, and says the deadline is the school's («срок школы»), not the order's.
    /// </summary>
    public int SchoolDeadlineWorkingDays { get; set; } = 5;

    /// <summary>
    /// Whether staff may open a case on a representation (<c>connector case open</c>) and with which steps: the ladder's
    /// steps for the level <c>representation</c>. A step with Id "representation" is the
    /// representation itself, recorded as done when the case opens.
    /// </summary>
    public bool OpensOnRepresentation { get; set; }

    /// <summary>The level of a case opened on a staff member's representation rather than a threshold.</summary>
    public const string RepresentationLevel = "representation";

    /// <summary>The reports the municipality requires and when they are due; the digest shows them a few working days ahead.</summary>
    public List<ReportDeadline> Reports { get; set; } = [];

    /// <summary>When a pupil is proposed for taking off the register, and the step that then opens; none where the order says nothing.</summary>
    public DeregistrationRule? Deregistration { get; set; }

    /// <summary>
    /// The receiving school's written notice to the pupil's previous school on a transfer (001 Инструкция §2.6: within two
    /// working days of the enrolment order); null where the profile's order asks none.
    /// </summary>
    public TransferNoticeRule? TransferNotice { get; set; }

    /// <summary>
    /// How many days after leaving a pupil's data is kept before it is removed or anonymised; unset, to the end of
    /// the school year the pupil left in (31 August), as 003 §6.4 keeps data for the period of study.
    /// </summary>
    public int? RetentionDaysAfterLeaving { get; set; }

    /// <summary>The first school-local day a pupil who left on <paramref name="leftOn"/> may be removed.</summary>
    public DateOnly RemovableFrom(DateOnly leftOn) => RetentionDaysAfterLeaving is { } days
        ? leftOn.AddDays(days)
        : new DateOnly(leftOn.Month >= 9 ? leftOn.Year + 1 : leftOn.Year, 9, 1);
}

/// <summary>A report's deadline: a day of every month, or fixed dates of the year ("MM-dd").</summary>
public sealed class ReportDeadline
{
    public string Name { get; set; } = "";

    public int? DayOfMonth { get; set; }

    public List<string> Dates { get; set; } = [];

    public string Source { get; set; } = "";

    /// <summary>The deadlines from <paramref name="from"/> to <paramref name="to"/>, inclusive.</summary>
    public IEnumerable<DateOnly> Between(DateOnly from, DateOnly to) => Candidates(from, to).Where(d => d >= from && d <= to);

    private IEnumerable<DateOnly> Candidates(DateOnly from, DateOnly to)
    {
        for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
        {
            if (DayOfMonth is { } day) yield return new DateOnly(month.Year, month.Month, Math.Min(day, DateTime.DaysInMonth(month.Year, month.Month)));
            foreach (var date in Dates)
            {
                if (int.Parse(date[..2], System.Globalization.CultureInfo.InvariantCulture) == month.Month)
                {
                    yield return new DateOnly(month.Year, month.Month, int.Parse(date[3..], System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
    }
}

/// <summary>
/// One level of missed school. It is reached when any of its criteria holds (share at least / above, hours above,
/// any unexcused lesson, not started) and the share stays under <see cref="ShareBelow"/> where that is set.
/// </summary>
public sealed class ThresholdLevel
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Higher is more serious; moving up a level fires again.</summary>
    public int Rank { get; set; }

    public PeriodKind Period { get; set; }

    /// <summary>Share of lessons missed without valid reason, in per cent: reached at this value or more.</summary>
    public decimal? ShareAtLeast { get; set; }

    /// <summary>Reached above this share (strictly more).</summary>
    public decimal? ShareAbove { get; set; }

    /// <summary>Only below this share (the level under a higher one).</summary>
    public decimal? ShareBelow { get; set; }

    /// <summary>Reached above this many academic hours missed without valid reason (one lesson is one academic hour).</summary>
    public int? HoursAbove { get; set; }

    /// <summary>Reached by any lesson missed without valid reason.</summary>
    public bool AnyUnexcused { get; set; }

    /// <summary>Reached by this many lessons the pupil came late to without a valid reason.</summary>
    public int? LateAtLeast { get; set; }

    /// <summary>Reached by a pupil who missed every lesson of the period without a valid reason.</summary>
    public bool NotStarted { get; set; }

    /// <summary>Whether reaching it opens an escalation case for staff.</summary>
    public bool OpensCase { get; set; }

    public string Source { get; set; } = "";
}

/// <summary>The periods a share is judged over.</summary>
public enum PeriodKind
{
    Month,
    Quarter,

    /// <summary>The municipality's reporting period: a calendar month.</summary>
    ReportingPeriod,

    /// <summary>From 1 September.</summary>
    SchoolYear,

    /// <summary>Six calendar months: September to February, March to August («в течение шести месяцев», 003 §II.1.11).</summary>
    SixMonths,
}

/// <summary>One step of the escalation ladder: who does what, by when.</summary>
public sealed class LadderStep
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public StaffRole Owner { get; set; }

    /// <summary>The order's deadline; null where the order sets none, and the profile's <see cref="RuleProfile.SchoolDeadlineWorkingDays"/> applies.</summary>
    public int? Deadline { get; set; }

    public DeadlineUnit Unit { get; set; } = DeadlineUnit.WorkingDays;

    /// <summary>Only for cases opened by these levels; every case when empty.</summary>
    public List<string> ForLevels { get; set; } = [];

    public string Source { get; set; } = "";
}

/// <summary>
/// Taking a pupil off the register, as the profile's order defines it: the conditions under which staff are proposed
/// to do it (any one suffices), and the step that then replaces the case's current one. Recording that step closes
/// the case.
/// </summary>
public sealed class DeregistrationRule
{
    /// <summary>The step's id in every profile.</summary>
    public const string StepId = "deregistration";

    /// <summary>Months on the register without a lesson missed without a valid reason (001 Инструкция §4.1: six).</summary>
    public int? CleanMonths { get; set; }

    /// <summary>The pupil left the school (003 §5.1 а).</summary>
    public bool WhenLeft { get; set; }

    /// <summary>The pupil turned eighteen (003 §5.1 б).</summary>
    public bool WhenAdult { get; set; }

    public LadderStep Step { get; set; } = new();

    /// <summary>Why the pupil may be taken off the register today, in Russian; null while no condition holds.</summary>
    public string? Reason(DateOnly openedOn, DateOnly? lastUnexcused, bool studying, DateOnly? birthDate, DateOnly today)
    {
        if (WhenLeft && !studying) return "обучающийся выбыл из школы";
        if (WhenAdult && birthDate is { } born && born.AddYears(18) <= today) return $"обучающийся достиг 18 лет ({born.AddYears(18):dd.MM.yyyy})";
        if (CleanMonths is not { } months) return null;
        var since = lastUnexcused is { } last && last >= openedOn ? last.AddDays(1) : openedOn;
        return since.AddMonths(months) <= today ? $"{RussianMonths(months)} без пропусков уроков без уважительной причины (с {since:dd.MM.yyyy})" : null;
    }

    private static string RussianMonths(int n) => $"{n} {Notifier.Templates.RussianText.Plural(n, "месяц", "месяца", "месяцев")}";
}

/// <summary>A notice the school owes another school when a pupil joins by transfer.</summary>
public sealed class TransferNoticeRule
{
    public int WorkingDays { get; set; } = 2;

    public string Source { get; set; } = "";
}

/// <summary>How a deadline counts.</summary>
public enum DeadlineUnit
{
    WorkingDays,
    CalendarDays,
}
