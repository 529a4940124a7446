using Connector.Abstractions.Schools;

namespace Connector.Adapters.Generic.Files;

/// <summary>One data row of a CSV file: where it is, and its cells by lower-case column name.</summary>
internal sealed record CsvRow(string File, int Line, IReadOnlyDictionary<string, string> Cells)
{
    public string this[string column] => Cells.TryGetValue(column, out var value) ? value : "";

    /// <summary>The problem of this row's <paramref name="column"/>: named by file, line and column, never by its content.</summary>
    public SourceProblem Problem(string? column, string reason, string? pupilId = null, DateOnly? date = null) =>
        new(SourceProblemKind.Record, File, Line.ToString(System.Globalization.CultureInfo.InvariantCulture), column, reason, pupilId, date);

    /// <summary>A value of this row ignored; the row itself is kept.</summary>
    public SourceProblem Note(string column, string reason) =>
        new(SourceProblemKind.Note, File, Line.ToString(System.Globalization.CultureInfo.InvariantCulture), column, reason);
}
