using Connector.Abstractions.Attendance;

namespace Connector.Absences;

/// <summary>A pupil's stored marks on one date (marks other than present, and absences that turned present), in lessons whose attendance was taken, and the decision already made for that day.</summary>
internal sealed record PupilDay(string PupilId, DateOnly Date, IReadOnlyList<DayMark> Marks, AbsenceRecord? Existing)
{
    /// <summary>
    /// The lessons missed without a valid reason: none recorded yet, or marked unexcused (НП). The guardians are told
    /// of both (000 §2.4: «информирование … родителей … о пропуске им занятий»; 001 инструкция §2.1).
    /// </summary>
    public IReadOnlyList<DayMark> WithoutValidReason => Marks.Where(m => m.Presence == Presence.Absent && m.Reason is AbsenceReason.NoneRecorded or AbsenceReason.Unexcused).ToList();
}

/// <summary>One lesson's mark.</summary>
internal sealed record DayMark(int LessonNumber, string Subject, Presence Presence, AbsenceReason Reason);

/// <summary>The stored decision for a pupil and day.</summary>
internal sealed record AbsenceRecord(AbsenceState State, IReadOnlyList<int> NotifiedLessons, string? Correction);
