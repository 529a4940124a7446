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
}

/// <summary>One step of the escalation ladder: who does what, by when.</summary>
public sealed class LadderStep
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public StaffRole Owner { get; set; }

    public int Deadline { get; set; }

    public DeadlineUnit Unit { get; set; } = DeadlineUnit.WorkingDays;

    /// <summary>Only for cases opened by these levels; every case when empty.</summary>
    public List<string> ForLevels { get; set; } = [];

    public string Source { get; set; } = "";
}

/// <summary>How a deadline counts.</summary>
public enum DeadlineUnit
{
    WorkingDays,
    CalendarDays,
}
