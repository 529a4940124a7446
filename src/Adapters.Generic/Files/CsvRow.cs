namespace Connector.Adapters.Generic.Files;

/// <summary>One data row of a CSV file: where it is, and its cells by lower-case column name.</summary>
internal sealed record CsvRow(string Location, IReadOnlyDictionary<string, string> Cells)
{
    public string this[string column] => Cells.TryGetValue(column, out var value) ? value : "";
}
