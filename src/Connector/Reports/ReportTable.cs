namespace Connector.Reports;

/// <summary>One table of a report: a title, Russian column headers with their widths (in characters), and rows.</summary>
internal sealed record ReportTable(string SheetName, string Title, IReadOnlyList<(string Header, int Width)> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);
