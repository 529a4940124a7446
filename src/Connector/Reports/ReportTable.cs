using System.Globalization;

namespace Connector.Reports;

/// <summary>
/// One table of a report: a title, Russian column headers with their widths (in characters), and rows. A cell of a
/// <see cref="ReportColumn.Number"/> column holds a number in invariant form ("12", "33.3"), or nothing; the writers
/// make it a number a spreadsheet can sum. Empty cells are for staff to fill in by hand.
/// </summary>
internal sealed record ReportTable(string SheetName, string Title, IReadOnlyList<ReportColumn> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>A count as a number cell.</summary>
    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A share or a rate as a number cell, to one decimal.</summary>
    public static string Number(decimal value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
}

/// <summary>A column: its header as the form words it, its width in characters, and whether it holds numbers.</summary>
internal sealed record ReportColumn(string Header, int Width, bool Number = false)
{
    public static implicit operator ReportColumn((string Header, int Width) column) => new(column.Header, column.Width);
}
