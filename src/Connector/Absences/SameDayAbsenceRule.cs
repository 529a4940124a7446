using Connector.Abstractions.Attendance;

namespace Connector.Absences;

/// <summary>
/// The same-day rule (RULES.md §2): a pupil absent without a valid reason (none recorded, or marked unexcused) gets
/// one notice to their guardians the day it is found. Absences of today are decided, and those of the previous school day still unexplained and not
/// yet decided (entered after hours), so nothing waits past the end of the next school day. A pure function of
/// the marks and the decisions already made: running it twice changes nothing.
/// </summary>
internal static class SameDayAbsenceRule
{
    public static IReadOnlyList<AbsenceDecision> Decide(IEnumerable<PupilDay> days, DateOnly today, DateOnly? previousSchoolDay)
    {
        var decisions = new List<AbsenceDecision>();
        foreach (var day in days)
        {
            var unexplained = day.WithoutValidReason;
            var decidable = day.Date == today || day.Date == previousSchoolDay;
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
