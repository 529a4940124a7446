using System.Text;

namespace Connector.Reports;

/// <summary>Writes report tables as CSV for Russian spreadsheets: UTF-8 with BOM, ';' between cells, each table after its title line.</summary>
internal static class CsvReportWriter
{
    public static void Write(string path, IReadOnlyList<ReportTable> tables)
    {
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            if (text.Length > 0) text.Append("\r\n");
            text.Append(Escape(table.Title)).Append("\r\n");
            text.Append(string.Join(';', table.Columns.Select(c => Escape(c.Header)))).Append("\r\n");
            // Numbers with the decimal comma a Russian spreadsheet reads as a number.
            foreach (var row in table.Rows)
            {
                text.Append(string.Join(';', row.Select((cell, i) => i < table.Columns.Count && table.Columns[i].Number ? cell.Replace('.', ',') : Escape(cell)))).Append("\r\n");
            }
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
    }

    private static string Escape(string value) =>
        value.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
