using System.Globalization;
using Connector.Abstractions.Schools;
using CsvHelper;

namespace Connector.Adapters.Generic.Files;

/// <summary>
/// One CSV file read as rows of named cells, each with its line number for error messages (RFC 4180 through
/// CsvHelper: quoted fields, doubled quotes). The encoding is detected (<see cref="ExportText"/>) and so is the
/// delimiter, ';' (Excel in a Russian locale), ',' or tab. A row with more or fewer cells than the header is an
/// error for that row, never padded; so is a last row without a line break, which is what a file cut off while
/// being written looks like.
/// </summary>
internal sealed class CsvTable
{
    private static readonly char[] Delimiters = [';', ',', '\t'];

    private CsvTable(IReadOnlyList<string> header, IReadOnlyList<CsvRow> rows)
    {
        Header = header;
        Rows = rows;
    }

    /// <summary>The column names, lower-case, in the file's order.</summary>
    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>
    /// Reads <paramref name="path"/>; the header must name every column in <paramref name="required"/>. A whole row
    /// that <paramref name="keep"/> (given the row's cell of a column by its name, null for a column the file lacks)
    /// turns down is not kept: a school's export of the whole year costs the memory of the days a poll reads, not of the year.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is empty or its header lacks a required column.</exception>
    public static CsvTable Read(string path, IReadOnlyList<string> required, List<SourceProblem> problems, Func<Func<string, string?>, bool>? keep = null)
    {
        var export = ExportText.Open(File.ReadAllBytes(path));
        return export.Text is { } text
            ? Parse(Path.GetFileName(path), text, required, problems, keep)
            : Parse(Path.GetFileName(path), export.FirstLine, export.Blank, export.EndsWithLineBreak, o => CsvReader.Create(export.Bytes, o with { Encoding = export.Encoding }), required, problems, keep);
    }

    public static CsvTable Parse(
        string fileName, string text, IReadOnlyList<string> required, List<SourceProblem> problems, Func<Func<string, string?>, bool>? keep = null) =>
        Parse(fileName, text[..(text.IndexOf('\n') is var end and >= 0 ? end : text.Length)], text.Trim().Length == 0, text.TrimEnd(' ', '\t').EndsWith('\n'),
            o => CsvReader.FromText(text, o), required, problems, keep);

    /// <summary>
    /// The parse itself, over a reader <paramref name="open"/> makes with the options: of the text, or of the file's
    /// bytes read in place (no string of the whole file).
    /// </summary>
    private static CsvTable Parse(
        string fileName, string firstLine, bool blank, bool endsWithLineBreak, Func<CsvReaderOptions, CsvReader> open,
        IReadOnlyList<string> required, List<SourceProblem> problems, Func<Func<string, string?>, bool>? keep)
    {
        InvalidDataException Empty() => new($"{fileName}: the file is empty; the first line must name the columns ({string.Join(";", required)})");
        if (blank) throw Empty();

        var delimiter = Delimiters.OrderByDescending(d => firstLine.Count(c => c == d)).First();
        var options = CsvReaderOptions.Default with
        {
            Separator = delimiter,
            HasHeader = false,
            TrackLineNumbers = true,
            TrimWhitespace = true,
            IncludeValuesInExceptions = false,
            // The kept rows repeat a few dates, times, codes and ids: each distinct cell of a column is one string.
            PoolStrings = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            OnMalformedRecord = record => problems.Add(new SourceProblem(SourceProblemKind.Structure, fileName, record.LineNumber.ToString(CultureInfo.InvariantCulture), null,
                "broken quoting in the row; the row is left out")),
        };

        using var reader = open(options);
        if (!reader.Read()) throw Empty();
        var header = reader.Current.ToArray().Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToArray();
        var missing = required.Where(r => !header.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            var needed = string.Join(delimiter, required);
            throw new InvalidDataException(missing.Count == 1
                ? $"{fileName}: в заголовке нет столбца «{missing[0]}» (нужны столбцы: {needed})"
                : $"{fileName}: в заголовке нет столбцов {string.Join(", ", missing.Select(m => $"«{m}»"))} (нужны столбцы: {needed})");
        }

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++) columns[header[i]] = i; // a repeated name: the last column, as before
        var rows = new List<CsvRow>();
        var lastAccepted = false;
        CsvRow? lastRow = null;
        var lastLine = 0;
        string? Cell(string column) => columns.TryGetValue(column, out var at) ? reader.GetString(at) : null;
        while (reader.Read())
        {
            var count = reader.FieldCount;
            var line = (int)reader.LineNumber;
            if (count == 1 && reader.GetString(0).Length == 0) continue;
            lastAccepted = false;
            if (count != header.Length)
            {
                problems.Add(new SourceProblem(SourceProblemKind.Structure, fileName, line.ToString(CultureInfo.InvariantCulture), null,
                    string.Create(CultureInfo.InvariantCulture, $"the row has {count} cells, the header {header.Length}; the row is left out")));
                continue;
            }

            lastAccepted = true;
            lastLine = line;
            // A row turned down is looked at no further than the cells the predicate reads.
            if (keep is not null && !keep(Cell))
            {
                lastRow = null;
                continue;
            }

            var fields = new string[count];
            for (var i = 0; i < count; i++) fields[i] = reader.GetString(i);
            rows.Add(new CsvRow(fileName, line, columns, fields));
            lastRow = rows[^1];
        }

        if (lastAccepted && !endsWithLineBreak)
        {
            // The last row, kept or not: a file cut while being written is a problem whatever day its last row is of.
            problems.Add(new SourceProblem(SourceProblemKind.Structure, fileName, lastLine.ToString(CultureInfo.InvariantCulture), null,
                "the last row has no line break after it: the file may have been cut off while being written; the row is left out"));
            if (lastRow is not null) rows.RemoveAt(rows.Count - 1);
        }

        return new CsvTable(header, rows);
    }
}
