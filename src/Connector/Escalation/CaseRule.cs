using Connector.Schools;
using Connector.Thresholds;

namespace Connector.Escalation;

/// <summary>
/// What decides a case's course, apart from the store: whether a new breach opens one (and which lower cases it
/// takes over), which steps of the profile's ladder it walks, when each is due, and what follows a recorded step.
/// A step's due date counts from the day the previous step was done, in working days (or calendar days where the
/// document says "days").
/// </summary>
internal static class CaseRule
{
    /// <summary>
    /// Whether a breach of <paramref name="level"/> opens a case, given the pupil's open cases (id and level): not when
    /// one of them is of the same or a higher level. When it does, returns the cases of lower levels, which close into
    /// the new one; null when it does not.
    /// </summary>
    public static IReadOnlyList<long>? Opens(RuleProfile profile, ThresholdLevel level, IReadOnlyList<(long Id, string LevelId)> open)
    {
        if (!level.OpensCase) return null;
        var ranks = profile.Levels.ToDictionary(l => l.Id, l => l.Rank);
        return open.Any(c => ranks.GetValueOrDefault(c.LevelId) >= level.Rank) ? null : open.Select(c => c.Id).ToList();
    }

    /// <summary>The ladder's steps that apply to a case of <paramref name="levelId"/>, in order.</summary>
    public static IReadOnlyList<LadderStep> StepsFor(RuleProfile profile, string levelId) =>
        profile.Ladder.Where(s => s.ForLevels.Count == 0 || s.ForLevels.Contains(levelId)).ToList();

    /// <summary>When a step started on <paramref name="from"/> is due: by the order's deadline, or the school's where the order sets none.</summary>
    public static DateOnly DueDate(SchoolCalendar calendar, RuleProfile profile, LadderStep step, DateOnly from) => step.Deadline switch
    {
        { } days when step.Unit == DeadlineUnit.CalendarDays => from.AddDays(days),
        { } days => calendar.AddWorkingDays(from, days),
        null => calendar.AddWorkingDays(from, profile.SchoolDeadlineWorkingDays),
    };

    /// <summary>The step's source as a case records it; where the order sets no deadline, it says whose the deadline is.</summary>
    public static string SourceOf(RuleProfile profile, LadderStep step) => step.Deadline is null
        ? $"{step.Source}; срок порядком не установлен, срок школы — {profile.SchoolDeadlineWorkingDays} {Notifier.Templates.RussianText.Plural(profile.SchoolDeadlineWorkingDays, "рабочий день", "рабочих дня", "рабочих дней")}"
        : step.Source;

    /// <summary>
    /// What follows the step <paramref name="stepId"/> at <paramref name="seq"/> once it is recorded: the next step of
    /// the ladder, or the reason the case closes (the deregistration step took the pupil off the register, or the
    /// ladder is done).
    /// </summary>
    public static (LadderStep? Next, string? CloseReason) AfterStep(RuleProfile profile, string levelId, int seq, string stepId, string outcome)
    {
        if (stepId == DeregistrationRule.StepId) return (null, $"снят с учёта: {outcome}");
        var steps = StepsFor(profile, levelId);
        return seq + 1 < steps.Count ? (steps[seq + 1], null) : (null, "все шаги выполнены");
    }

    /// <summary>The id of the step that is a staff member's representation: done when a case opens on one.</summary>
    public const string RepresentationStep = "representation";

    /// <summary>The reason a case of a lower level closes into the new case <paramref name="caseId"/>.</summary>
    public static string TakenOver(long caseId) => $"переведён на более высокий уровень, случай № {caseId}";
}
