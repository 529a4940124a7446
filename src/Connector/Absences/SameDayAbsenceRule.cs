using Connector.Abstractions.Attendance;

namespace Connector.Absences;

/// <summary>
/// The same-day rule (RULES.md §2): a pupil absent without a valid reason (none recorded, or marked unexcused) gets
/// one notice to their guardians within one day of its detection (000 §2.4: «в течение одного дня (с момента
/// выявления)»), whenever the lesson was: an absence entered after hours, or days late, is told when a poll first
/// finds it, as far back as the window read (<c>LookbackDays</c>). Nothing before <c>decidesFrom</c> is decided:
/// the first poll of an installation takes the past as known, so a new installation does not tell parents about
/// last week. A pure function of the marks and the decisions already made: running it twice changes nothing.
/// </summary>
internal static class SameDayAbsenceRule
{
    public static IReadOnlyList<AbsenceDecision> Decide(IEnumerable<PupilDay> days, DateOnly decidesFrom)
    {
        var decisions = new List<AbsenceDecision>();
        foreach (var day in days)
        {
            var unexplained = day.WithoutValidReason;
            var decidable = day.Date >= decidesFrom;
            switch (day.Existing)
            {
                case null or { State: AbsenceState.Explained } when unexplained.Count > 0 && decidable:
                    decisions.Add(new AbsenceDecision.Open(day.PupilId, day.Date, unexplained.Select(m => m.LessonNumber).ToList()));
                    break;
                case { State: AbsenceState.Open } when unexplained.Count == 0:
                    decisions.Add(new AbsenceDecision.Explain(day.PupilId, day.Date));
                    break;
                case { State: AbsenceState.Notified, Correction: null } notified when CorrectionOf(day, notified) is { } correction:
                    decisions.Add(new AbsenceDecision.Correct(day.PupilId, day.Date, correction));
                    break;
            }
        }

        return decisions;
    }

    /// <summary>"present" if a lesson the guardians were told about is now attended, "excused" if it now has a valid reason.</summary>
    private static string? CorrectionOf(PupilDay day, AbsenceRecord notified)
    {
        var told = day.Marks.Where(m => notified.NotifiedLessons.Contains(m.LessonNumber)).ToList();
        if (told.Any(m => m.Presence is Presence.Present or Presence.Late)) return "present";
        if (told.Any(m => m.Reason is AbsenceReason.Illness or AbsenceReason.Excused)) return "excused";
        return null;
    }
}
