using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Connector.Reports;

/// <summary>
/// Writes report tables as an .xlsx workbook (DocumentFormat.OpenXml), one sheet per table: a bold title row merged
/// across the columns and tall enough to show it whole, bold headers with a border repeated at the top of every
/// printed page, set column widths, wrapped text, counts as numbers. Opens in Excel and LibreOffice.
/// </summary>
internal static class XlsxReportWriter
{
    private const uint Plain = 0;
    private const uint Title = 1;
    private const uint Header = 2;
    private const uint Body = 3;

    public static void Write(string path, IReadOnlyList<ReportTable> tables)
    {
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Stylesheet();
        var sheets = workbook.Workbook.AppendChild(new Sheets());
        uint sheetId = 1;
        var printTitles = new DefinedNames();
        foreach (var table in tables)
        {
            var part = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            var columns = new Columns(table.Columns.Select((c, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = c.Width, CustomWidth = true }));
            var widths = table.Columns.Select(c => c.Width).ToList();
            data.Append(Row(1, [table.Title], Title, [widths.Sum()]));
            data.Append(Row(2, table.Columns.Select(c => c.Header).ToList(), Header, widths));
            uint index = 3;
            var numbers = table.Columns.Select(c => c.Number).ToList();
            foreach (var row in table.Rows) data.Append(Row(index++, row, Body, widths, numbers));

            // Landscape, fitted to the page width: what a school prints and signs.
            var worksheet = new Worksheet(
                new SheetProperties(new PageSetupProperties { FitToPage = true }),
                columns,
                data);
            if (table.Columns.Count > 1)
            {
                worksheet.Append(new MergeCells(new MergeCell { Reference = $"A1:{ColumnName(table.Columns.Count - 1)}1" }));
            }

            worksheet.Append(new PageMargins { Left = 0.4, Right = 0.4, Top = 0.5, Bottom = 0.5, Header = 0.3, Footer = 0.3 });
            worksheet.Append(new PageSetup { Orientation = OrientationValues.Landscape, PaperSize = 9, FitToWidth = 1, FitToHeight = 0 });

            part.Worksheet = worksheet;
            sheets.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = sheetId, Name = table.SheetName });
            // The title and the header row at the top of every printed page.
            printTitles.Append(new DefinedName($"'{table.SheetName.Replace("'", "''", StringComparison.Ordinal)}'!$1:$2") { Name = "_xlnm.Print_Titles", LocalSheetId = sheetId - 1 });
            sheetId++;
        }

        workbook.Workbook.Append(printTitles);
        workbook.Workbook.Save();
    }

    /// <summary>A row whose height fits its longest wrapped cell: spreadsheets do not grow rows for inline text on their own.</summary>
    private static Row Row(uint index, IReadOnlyList<string> values, uint style, IReadOnlyList<int> widths, IReadOnlyList<bool>? numbers = null)
    {
        var lines = values.Select((v, i) => (int)Math.Ceiling(v.Length / (double)Math.Max(4, widths[Math.Min(i, widths.Count - 1)] - 2))).DefaultIfEmpty(1).Max();
        return new Row(values.Select((v, i) => numbers is not null && i < numbers.Count && numbers[i] && decimal.TryParse(v, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _)
            ? new Cell { CellReference = $"{ColumnName(i)}{index}", DataType = CellValues.Number, StyleIndex = style, CellValue = new CellValue(v) }
            : new Cell
            {
                CellReference = $"{ColumnName(i)}{index}",
                DataType = CellValues.InlineString,
                StyleIndex = style,
                InlineString = new InlineString(new Text(v) { Space = SpaceProcessingModeValues.Preserve }),
            }))
        { RowIndex = index, Height = 15 * Math.Max(1, lines) + 3, CustomHeight = true };
    }

    private static string ColumnName(int index) => index < 26 ? ((char)('A' + index)).ToString() : $"{(char)('A' + (index / 26) - 1)}{(char)('A' + (index % 26))}";

    private static Stylesheet Stylesheet() => new(
        new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "Arial" }),
            new Font(new Bold(), new FontSize { Val = 12 }, new FontName { Val = "Arial" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Arial" })),
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
        new Borders(
            new Border(),
            new Border(
                new LeftBorder { Style = BorderStyleValues.Thin }, new RightBorder { Style = BorderStyleValues.Thin },
                new TopBorder { Style = BorderStyleValues.Thin }, new BottomBorder { Style = BorderStyleValues.Thin }, new DiagonalBorder())),
        new CellFormats(
            new CellFormat { FontId = 0, FillId = 0, BorderId = 0 },
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Center }) { FontId = 1, FillId = 0, BorderId = 0, ApplyFont = true, ApplyAlignment = true },
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Center }) { FontId = 2, FillId = 0, BorderId = 1, ApplyFont = true, ApplyBorder = true, ApplyAlignment = true },
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { FontId = 0, FillId = 0, BorderId = 1, ApplyBorder = true, ApplyAlignment = true }));
}
