using Connector.Abstractions.Schools;

namespace Connector.Adapters.Generic.Files;

/// <summary>
/// One data row of a CSV file: where it is, and its cells, found by lower-case column name through the table's one
/// map of columns (a row holds only its cells, so a school's export of 100,000 rows costs no dictionary per row).
/// </summary>
internal sealed class CsvRow(string file, int line, IReadOnlyDictionary<string, int> columns, string[] cells)
{
    public string File { get; } = file;

    public int Line { get; } = line;

    /// <summary>The cell of <paramref name="column"/>, or "" when the file has no such column.</summary>
    public string this[string column] => columns.TryGetValue(column, out var index) ? cells[index] : "";

    /// <summary>The problem of this row's <paramref name="column"/>: named by file, line and column, never by its content.</summary>
    public SourceProblem Problem(string? column, string reason, string? pupilId = null, DateOnly? date = null) =>
        new(SourceProblemKind.Record, File, Line.ToString(System.Globalization.CultureInfo.InvariantCulture), column, reason, pupilId, date);

    /// <summary>A value of this row ignored; the row itself is kept.</summary>
    public SourceProblem Note(string column, string reason) =>
        new(SourceProblemKind.Note, File, Line.ToString(System.Globalization.CultureInfo.InvariantCulture), column, reason);
}
