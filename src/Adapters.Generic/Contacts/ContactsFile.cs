using Connector.Abstractions.Notifications;
using System.Globalization;
using System.Text;
using Connector.Abstractions.Schools;
using Connector.Adapters.Generic.Files;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Connector.Adapters.Generic.Contacts;

/// <summary>One row of a contacts file: a guardian of a pupil, with their contacts.</summary>
/// <param name="File">The file's name, for messages.</param>
/// <param name="Line">The row's line (CSV) or row number (XLSX).</param>
/// <param name="PupilId">The pupil's id in the journal, when given.</param>
/// <param name="PupilName">The pupil's full name, when given.</param>
/// <param name="ClassName">The pupil's class, when given.</param>
/// <param name="BirthDate">The pupil's date of birth, when given.</param>
/// <param name="GuardianName">The guardian's full name.</param>
/// <param name="Email">E-mail, when given and valid.</param>
/// <param name="Phone">Phone, when given.</param>
/// <param name="Channel">The channel the guardian chose, when given.</param>
/// <param name="Consent">Whether the guardian agreed to notices (true), refused them (false), or the file does not say (null).</param>
public sealed record ContactRow(
    string File,
    int Line,
    string? PupilId,
    string? PupilName,
    string? ClassName,
    DateOnly? BirthDate,
    string GuardianName,
    string? Email,
    string? Phone,
    ChannelKind? Channel,
    bool? Consent);

/// <summary>What was read from a contacts file: its usable rows and, by file and line, what was wrong with the others.</summary>
public sealed record ContactsFileRead(IReadOnlyList<ContactRow> Rows, IReadOnlyList<SourceProblem> Problems);

/// <summary>
/// The guardians' contacts file, for a journal that gives none (SGO shows parents' contacts to few staff roles), or
/// to fill its gaps: CSV as Excel saves it (UTF-8 or windows-1251, ';' or ',') or XLSX, with the columns named in
/// Russian (as <see cref="WriteTemplate"/> writes them) or in English. A pupil is named by the journal's id, or by
/// full name and class (and date of birth, where two pupils of a class share a name). No cell is ever quoted in a
/// message: problems name the file, the line and the column.
/// </summary>
public static class ContactsFile
{
    /// <summary>The columns, in the order of the template: Russian header and the other names accepted.</summary>
    public static readonly IReadOnlyList<(string Key, string Header, string[] Aliases)> Columns =
    [
        ("pupil_id", "Код ученика в журнале", ["код ученика", "id ученика", "pupil_id", "pupil id"]),
        ("pupil_name", "ФИО ученика", ["ученик", "фио обучающегося", "pupil_name", "pupil"]),
        ("class", "Класс", ["class", "class_name"]),
        ("birth_date", "Дата рождения ученика", ["дата рождения", "birth_date"]),
        ("guardian_name", "ФИО представителя", ["представитель", "родитель", "фио родителя", "guardian_name", "guardian"]),
        ("email", "Электронная почта", ["эл. почта", "e-mail", "email", "почта"]),
        ("phone", "Телефон", ["мобильный телефон", "phone"]),
        ("channel", "Способ связи", ["канал", "channel", "preferred_channel"]),
        ("consent", "Согласие на уведомления", ["согласие", "consent"]),
    ];

    private static readonly string[] DateFormats = ["dd.MM.yyyy", "d.M.yyyy", "yyyy-MM-dd", "dd.MM.yy"];

    /// <summary>Reads the file; a header without the columns needed, or an empty file, is an <see cref="InvalidDataException"/> naming them.</summary>
    public static ContactsFileRead Read(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        var problems = new List<SourceProblem>();
        var table = path.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase)
            ? ReadXlsx(path, name)
            : ReadCsv(path, name, problems);
        var columns = Resolve(table.Header, name);
        var rows = new List<ContactRow>();
        foreach (var (line, cells) in table.Rows)
        {
            string Cell(string key) => columns.TryGetValue(key, out var i) && i < cells.Count ? (cells[i] ?? "").Trim() : "";
            SourceProblem Problem(string? column, string reason) => new(SourceProblemKind.Record, name, line.ToString(CultureInfo.InvariantCulture), column, reason);
            SourceProblem Note(string column, string reason) => new(SourceProblemKind.Note, name, line.ToString(CultureInfo.InvariantCulture), column, reason);
            if (cells.All(c => string.IsNullOrWhiteSpace(c))) continue;

            var guardian = Cell("guardian_name");
            if (guardian.Length == 0)
            {
                problems.Add(Problem("guardian_name", "не указано ФИО представителя; строка не принята"));
                continue;
            }

            var pupilId = Cell("pupil_id");
            var pupilName = Cell("pupil_name");
            var className = Cell("class");
            if (pupilId.Length == 0 && (pupilName.Length == 0 || className.Length == 0))
            {
                problems.Add(Problem("pupil_id", "ученик не назван ни кодом из журнала, ни ФИО с классом; строка не принята"));
                continue;
            }

            DateOnly? birth = null;
            if (Cell("birth_date") is { Length: > 0 } birthText)
            {
                if (ParseDate(birthText) is { } b) birth = b;
                else problems.Add(Note("birth_date", "не дата (ДД.ММ.ГГГГ); значение не учтено"));
            }

            string? email = Cell("email") is { Length: > 0 } e ? e : null;
            if (email is not null && !EmailAddress.IsValid(email))
            {
                problems.Add(Note("email", "адрес электронной почты неверен; представитель принят без него"));
                email = null;
            }

            var phone = Cell("phone") is { Length: > 0 } p ? p : null;
            if (email is null && phone is null)
            {
                problems.Add(Problem("email", "нет ни адреса почты, ни телефона; строка не принята"));
                continue;
            }

            ChannelKind? channel = null;
            if (Cell("channel") is { Length: > 0 } channelText)
            {
                channel = channelText.ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal) switch
                {
                    "email" or "e-mail" or "почта" or "эл.почта" or "электроннаяпочта" or "письмо" => ChannelKind.Email,
                    "sms" or "смс" => ChannelKind.Sms,
                    _ => null,
                };
                if (channel is null) problems.Add(Note("channel", "ни «почта», ни «SMS»; значение не учтено"));
            }

            bool? consent = null;
            if (Cell("consent") is { Length: > 0 } consentText)
            {
                consent = consentText.ToLowerInvariant() switch
                {
                    "да" or "yes" or "1" or "+" or "согласен" or "согласна" or "true" => true,
                    "нет" or "no" or "0" or "-" or "отказ" or "false" => false,
                    _ => null,
                };
                if (consent is null) problems.Add(Note("consent", "ни «да», ни «нет»; значение не учтено"));
            }

            rows.Add(new ContactRow(name, line, pupilId.Length > 0 ? pupilId : null, pupilName.Length > 0 ? pupilName : null,
                className.Length > 0 ? className : null, birth, guardian, email, phone, channel, consent));
        }

        return new ContactsFileRead(rows, problems);
    }

    /// <summary>Writes an empty file with the columns in Russian and one example row: XLSX when the name ends .xlsx, else CSV for Excel (windows-1251, ';').</summary>
    public static void WriteTemplate(string path)
    {
        string[] example = ["", "Иванов Пётр Сергеевич", "7Б", "14.03.2013", "Иванова Мария Петровна", "maria.ivanova@example.ru", "+79001234567", "почта", "да"];
        if (path.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
        {
            WriteXlsx(path, [[.. Columns.Select(c => c.Header)], example]);
            return;
        }

        var text = new StringBuilder();
        text.Append(string.Join(';', Columns.Select(c => c.Header))).Append("\r\n");
        text.Append(string.Join(';', example)).Append("\r\n");
        File.WriteAllBytes(path, ExportText.Windows1251.GetBytes(text.ToString()));
    }

    private static Dictionary<string, int> Resolve(IReadOnlyList<string> header, string file)
    {
        var normalized = header.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant().Replace('ё', 'е')).ToList();
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, title, aliases) in Columns)
        {
            var names = aliases.Prepend(title.ToLowerInvariant()).Prepend(key).Select(n => n.Replace('ё', 'е')).ToList();
            var index = normalized.FindIndex(h => names.Contains(h));
            if (index >= 0) found[key] = index;
        }

        var missing = new List<string>();
        if (!found.ContainsKey("guardian_name")) missing.Add("«ФИО представителя»");
        if (!found.ContainsKey("pupil_id") && !(found.ContainsKey("pupil_name") && found.ContainsKey("class"))) missing.Add("«Код ученика в журнале» или «ФИО ученика» с «Класс»");
        if (!found.ContainsKey("email") && !found.ContainsKey("phone")) missing.Add("«Электронная почта» или «Телефон»");
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{file}: в первой строке нет столбца {string.Join(", нет столбца ", missing)}; файл со всеми столбцами пишет команда `connector contacts template`");
        }

        return found;
    }

    private static (IReadOnlyList<string> Header, IReadOnlyList<(int Line, IReadOnlyList<string> Cells)> Rows) ReadCsv(string path, string name, List<SourceProblem> problems)
    {
        var table = CsvTable.Parse(name, ExportText.Read(path), [], problems);
        var header = table.Header;
        return (header, [.. table.Rows.Select(r => (r.Line, (IReadOnlyList<string>)[.. header.Select(h => r[h])]))]);
    }

    private static (IReadOnlyList<string> Header, IReadOnlyList<(int Line, IReadOnlyList<string> Cells)> Rows) ReadXlsx(string path, string name)
    {
        SpreadsheetDocument document;
        try
        {
            document = SpreadsheetDocument.Open(path, false);
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or FileFormatException or System.IO.InvalidDataException)
        {
            throw new InvalidDataException($"{name}: это не книга Excel (.xlsx), которую можно прочитать ({ex.GetType().Name})");
        }

        using (document)
        {
            var workbook = document.WorkbookPart ?? throw new InvalidDataException($"{name}: в книге нет листов");
            var sheet = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw new InvalidDataException($"{name}: в книге нет листов");
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
            var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
            var rows = new List<(int, IReadOnlyList<string>)>();
            IReadOnlyList<string>? header = null;
            foreach (var row in part.Worksheet.Descendants<Row>())
            {
                var cells = new List<string>();
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = ColumnIndex(cell.CellReference?.Value);
                    while (cells.Count < column) cells.Add("");
                    cells.Add(CellText(cell, shared));
                }

                var line = (int)(row.RowIndex?.Value ?? (uint)(rows.Count + 2));
                if (header is null)
                {
                    if (cells.All(string.IsNullOrWhiteSpace)) continue;
                    header = cells;
                    continue;
                }

                rows.Add((line, cells));
            }

            return (header ?? throw new InvalidDataException($"{name}: первый лист пуст; в его первой строке должны быть названия столбцов"), rows);
        }
    }

    private static string CellText(Cell cell, List<string> shared)
    {
        var raw = cell.CellValue?.Text ?? cell.InlineString?.InnerText ?? "";
        if (cell.DataType?.Value == CellValues.SharedString) return int.TryParse(raw, CultureInfo.InvariantCulture, out var i) && i < shared.Count ? shared[i] : "";
        if (cell.DataType?.Value == CellValues.InlineString || cell.DataType?.Value == CellValues.String) return raw;
        if (cell.DataType?.Value == CellValues.Boolean) return raw == "1" ? "да" : "нет";
        // A number: a phone typed without "+" (79001234567) comes as 7.9001234567E10; a date as Excel's day count.
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number == Math.Floor(number) && Math.Abs(number) < 1e15)
        {
            return ((decimal)number).ToString("0", CultureInfo.InvariantCulture);
        }

        return raw;
    }

    private static int ColumnIndex(string? reference)
    {
        if (reference is null) return 0;
        var index = 0;
        foreach (var c in reference.TakeWhile(char.IsAsciiLetter)) index = (index * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
        return Math.Max(0, index - 1);
    }

    private static DateOnly? ParseDate(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is > 1000 and < 80000 ? DateOnly.FromDateTime(DateTime.FromOADate(days))
        : DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
        : DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? DateOnly.FromDateTime(at) : null;

    internal static void WriteXlsx(string path, IReadOnlyList<string[]> rows)
    {
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var sheetPart = workbook.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        uint number = 1;
        foreach (var values in rows)
        {
            var row = new Row { RowIndex = number };
            for (var i = 0; i < values.Length; i++)
            {
                row.Append(new Cell
                {
                    CellReference = $"{(char)('A' + i)}{number}",
                    DataType = CellValues.InlineString,
                    InlineString = new InlineString(new Text(values[i])),
                });
            }

            data.Append(row);
            number++;
        }

        sheetPart.Worksheet = new Worksheet(data);
        workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "Контакты" }));
        workbook.Workbook.Save();
    }
}
