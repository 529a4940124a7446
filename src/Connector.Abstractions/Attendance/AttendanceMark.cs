namespace Connector.Abstractions.Attendance;

/// <summary>One pupil's mark in one lesson as the journal holds it.</summary>
/// <param name="PupilId">The journal's id of the pupil.</param>
/// <param name="Date">The school-local date of the lesson.</param>
/// <param name="LessonNumber">The lesson's number in the day, from 1.</param>
/// <param name="Subject">The subject, as the journal names it.</param>
/// <param name="Presence">Present, absent or late.</param>
/// <param name="Reason">The canonical reason of an absence; <see cref="AbsenceReason.NoneRecorded"/> otherwise.</param>
/// <param name="SourceCode">The journal's own code for the mark ("Н", "Б", "УП", "ОТ"…), kept for audit and reports.</param>
/// <param name="RecordedAt">When the journal recorded the mark, if it says.</param>
public sealed record AttendanceMark(
    string PupilId,
    DateOnly Date,
    int LessonNumber,
    string Subject,
    Presence Presence,
    AbsenceReason Reason,
    string SourceCode,
    DateTimeOffset? RecordedAt = null)
{
    /// <summary>True for an absence nobody has explained yet.</summary>
    public bool IsUnexplainedAbsence => Presence == Presence.Absent && Reason == AbsenceReason.NoneRecorded;
}
