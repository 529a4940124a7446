using Connector.Abstractions.Attendance;
using Connector.Abstractions.Schools;

namespace Connector.Adapters.Generic.Files;

/// <summary>The four files of a school's export, parsed, with every row that could not be used listed as a problem.</summary>
internal sealed record FolderExport(
    IReadOnlyList<Pupil> Pupils,
    IReadOnlyList<Guardian> Guardians,
    IReadOnlyList<ExportLesson> Lessons,
    IReadOnlyList<ExportMark> Marks,
    IReadOnlyList<SourceProblem> RosterProblems,
    IReadOnlyList<SourceProblem> AttendanceProblems)
{
    public int ProblemCount => RosterProblems.Count + AttendanceProblems.Count;

    /// <summary>The first date whose lessons and marks were read, or null when every date was.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Whether the export holds every lesson and mark from <paramref name="date"/> on (null: of every date).</summary>
    public bool Covers(DateOnly? date) => From is not { } first || (date is { } d && d >= first);
}

/// <summary>A lesson row; <see cref="TakenAt"/> is when attendance was entered (MinValue when the file says only "yes").</summary>
internal sealed record ExportLesson(string ClassName, DateOnly Date, int Number, string Subject, DateTimeOffset? TakenAt);

/// <summary>An attendance row. A later row for the same pupil, date and lesson replaces an earlier one.</summary>
internal sealed record ExportMark(
    int Order,
    string PupilId,
    DateOnly Date,
    int Lesson,
    string Code,
    Presence Presence,
    AbsenceReason Reason,
    DateTimeOffset? RecordedAt);
