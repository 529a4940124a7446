using Connector.Abstractions.Schools;

namespace Connector.Abstractions.Attendance;

/// <summary>
/// The journal's attendance for a window of dates, complete for every lesson it lists. A pupil of a class
/// who has no mark in a lesson whose attendance was taken was present. An adapter that cannot read the whole
/// window throws instead of returning part of it: a partial answer must never look like a class of absentees.
/// </summary>
/// <param name="From">First school-local date of the window.</param>
/// <param name="To">Last school-local date of the window, inclusive.</param>
/// <param name="Lessons">Every lesson of the window the journal knows.</param>
/// <param name="Marks">Every non-default mark in those lessons (absences, lateness, and explicit presence where the journal records it).</param>
/// <param name="Problems">Records the adapter could not read; they are left out and never become absences.</param>
public sealed record AttendanceSnapshot(
    DateOnly From,
    DateOnly To,
    IReadOnlyList<Lesson> Lessons,
    IReadOnlyList<AttendanceMark> Marks,
    IReadOnlyList<SourceProblem> Problems)
{
    /// <summary>
    /// The journal's data version this snapshot was read at, as <c>IJournalAdapter.DataVersionAsync</c> gives it; null
    /// where the journal has none.
    /// </summary>
    public string? DataVersion { get; init; }
}
