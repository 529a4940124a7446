using System.Text;
using Connector.Abstractions.Schools;

namespace Connector.Adapters.Generic.Files;

/// <summary>
/// One CSV file (RFC 4180: quoted fields, doubled quotes, UTF-8 with or without BOM) read as rows of named cells,
/// each with its line number for error messages. The delimiter is whichever of ';', ',' or tab the header uses;
/// Russian spreadsheet exports use ';'.
/// </summary>
internal sealed class CsvTable
{
    private static readonly char[] Delimiters = [';', ',', '\t'];

    private CsvTable(IReadOnlyList<CsvRow> rows) => Rows = rows;

    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>Reads <paramref name="path"/>; the header must name every column in <paramref name="required"/>.</summary>
    /// <exception cref="InvalidDataException">The file is empty or its header lacks a required column.</exception>
    public static CsvTable Read(string path, IReadOnlyList<string> required, List<SourceProblem> problems)
    {
        var fileName = Path.GetFileName(path);
        var text = File.ReadAllText(path, Encoding.UTF8);
        var records = Parse(text, fileName, problems).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new InvalidDataException($"{fileName}: the file is empty; the first line must name the columns ({string.Join(";", required)})");
        }

        var header = records.Current.Fields.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var missing = required.Where(r => !header.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{fileName}: the header lacks the column(s) {string.Join(", ", missing)}");
        }

        var rows = new List<CsvRow>();
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.Count == 1 && fields[0].Trim().Length == 0) continue;
            if (fields.Count > header.Length)
            {
                problems.Add(new SourceProblem($"{fileName}:{line}", $"the row has {fields.Count} cells, the header {header.Length}"));
                continue;
            }

            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                cells[header[i]] = i < fields.Count ? fields[i].Trim() : "";
            }

            rows.Add(new CsvRow($"{fileName}:{line}", cells));
        }

        return new CsvTable(rows);
    }

    private static IEnumerable<(int Line, List<string> Fields)> Parse(string text, string fileName, List<SourceProblem> problems)
    {
        var firstLineEnd = text.IndexOf('\n', StringComparison.Ordinal);
        var firstLine = firstLineEnd < 0 ? text : text[..firstLineEnd];
        var delimiter = Delimiters.OrderByDescending(d => firstLine.Count(c => c == d)).First();

        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var startLine = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var broken = false;
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else
                    {
                        if (c == '\n') line++;
                        field.Append(c);
                    }
                }
                else if (c == '"' && field.Length == 0) quoted = true;
                else if (c == '"') { broken = true; field.Append(c); }
                else if (c == delimiter) { fields.Add(field.ToString()); field.Clear(); }
                else if (c == '\r') { }
                else if (c == '\n') { i++; line++; break; }
                else field.Append(c);
            }

            fields.Add(field.ToString());
            if (quoted || broken)
            {
                problems.Add(new SourceProblem($"{fileName}:{startLine}", "broken quoting in the row"));
                continue;
            }

            yield return (startLine, fields);
        }
    }
}
