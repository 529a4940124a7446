namespace Connector.Abstractions.Schools;

/// <summary>
/// A piece of the journal's data that could not be used, and why. It never becomes a decision. The reason names the
/// kind of problem, never the content of the record: a cell may hold a child's name or birth date.
/// </summary>
/// <param name="Kind">Whether the source could not be read whole, one record was left out, or a value was ignored.</param>
/// <param name="Source">The file or endpoint ("attendance.csv", "webapi/grade/journal/edit").</param>
/// <param name="Record">Where in it: a line number, or a record's id; null for the whole source.</param>
/// <param name="Field">The column or field at fault, if one is.</param>
/// <param name="Reason">The kind of problem, in words an IT person can act on, without the cell's value.</param>
/// <param name="PupilId">The pupil the left-out record is about, where it names one the journal knows.</param>
/// <param name="Date">The date the left-out record is about, where it can be read.</param>
public sealed record SourceProblem(
    SourceProblemKind Kind,
    string Source,
    string? Record,
    string? Field,
    string Reason,
    string? PupilId = null,
    DateOnly? Date = null)
{
    /// <summary>"attendance.csv:17 (code)".</summary>
    public string Location => $"{Source}{(Record is null ? "" : ":" + Record)}{(Field is null ? "" : $" ({Field})")}";

    /// <inheritdoc />
    public override string ToString() => $"{Location}: {Reason}";
}

/// <summary>How much of a read a <see cref="SourceProblem"/> spoils.</summary>
public enum SourceProblemKind
{
    /// <summary>
    /// The source could not be read whole: a row cut off or malformed, as when a file is read while it is being
    /// written. What else is missing cannot be known, so nothing is decided from the read.
    /// </summary>
    Structure,

    /// <summary>A well-formed record was left out for an unusable value; decisions about its pupil's day wait for it.</summary>
    Record,

    /// <summary>A value was ignored and the record kept (a guardian kept without an invalid e-mail).</summary>
    Note,
}
