using System.Text;
using Connector.Abstractions.Schools;
using Connector.Adapters.Generic.Contacts;
using Connector.Contacts;
using Connector.Testing;
using CsCheck;

namespace Connector.Tests.Contacts;

/// <summary>The guardians' contacts file as schools save it from Excel, and its merge with what the journal gives.</summary>
public sealed class ContactsFileTests : IDisposable
{
    private static readonly string[] Header = ["Код ученика в журнале", "ФИО ученика", "Класс", "Дата рождения ученика", "ФИО представителя", "Электронная почта", "Телефон", "Способ связи", "Согласие на уведомления"];
    private readonly string folder = Directory.CreateTempSubdirectory("connector-contacts-").FullName;

    static ContactsFileTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void AnyContactsSavedAsExcelSavesThem_AreReadBackAsWritten_WhateverTheEncodingAndDelimiter()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("CONNECTOR_FUZZ_CASES"), out var n) ? n : 40;
        var name = Gen.Int[0, Names.Length - 1].Select(i => Names[i]);
        var row =
            from pupil in name
            from guardian in name
            from cls in Gen.Int[1, 11].SelectMany(g => Gen.Int[0, 3].Select(l => $"{g}{"АБВГ"[l]}"))
            from email in Gen.Bool.SelectMany(b => Gen.Int[1, 999].Select(i => b ? $"parent{i}@example.ru" : ""))
            from phone in Gen.Int[0, 9999].Select(i => i % 3 == 0 ? "" : $"+7900{i:0000}123")
            from channel in Gen.Int[0, 2].Select(i => new[] { "", "почта", "SMS" }[i])
            from consent in Gen.Int[0, 2].Select(i => new[] { "", "да", "нет" }[i])
            select new[] { "", pupil, cls, "", guardian, email.Length == 0 && phone.Length == 0 ? "x@example.ru" : email, phone, channel, consent };
        var file = from rows in row.Array[1, 30] from format in Gen.Int[0, 3] select (rows, format);
        file.Sample(sample =>
        {
            var path = Write(sample.rows, sample.format);
            var read = ContactsFile.Read(path);

            Assert.Empty(read.Problems);
            Assert.Equal(sample.rows.Length, read.Rows.Count);
            foreach (var (written, got) in sample.rows.Zip(read.Rows))
            {
                Assert.Equal((written[1], written[2], written[4]), (got.PupilName, got.ClassName, got.GuardianName));
                Assert.Equal(written[5].Length == 0 ? null : written[5], got.Email);
                Assert.Equal(written[6].Length == 0 ? null : written[6], got.Phone);
                Assert.Equal(written[7] switch { "почта" => ChannelKind.Email, "SMS" => ChannelKind.Sms, _ => (ChannelKind?)null }, got.Channel);
                Assert.Equal(written[8] switch { "да" => true, "нет" => false, _ => (bool?)null }, got.Consent);
            }
        }, iter: cases, threads: 1);
    }

    [Fact]
    public void Rows_ThatMatchNoPupilOrTwo_AreReportedByLine_AndTheRestAreMerged_TheJournalWinningWhereBothHaveAValue()
    {
        var path = Write(
        [
            ["p1", "", "", "", "Петрова Мария Ивановна", "maria.file@example.ru", "+79001112233", "SMS", ""],
            ["", "Сидорова Анна Олеговна", "7 Б", "", "Сидоров Олег Юрьевич", "oleg@example.ru", "", "", "нет"],
            ["", "Иванов Иван", "5А", "", "Иванова Ольга", "olga@example.ru", "", "", ""],
            ["", "Иванов Иван", "5А", "01.02.2015", "Иванов Пётр", "petr@example.ru", "", "", ""],
            ["", "Нет Такого", "9В", "", "Кто-то", "who@example.ru", "", "", ""],
            ["p9", "", "", "", "Кто-то", "who@example.ru", "", "", ""],
        ], format: 0);
        Pupil[] pupils =
        [
            new("p1", "Петров Иван Сергеевич", "7Б", 7, ["g1"]),
            new("p2", "Сидорова Анна Олеговна", "7Б", 7, []),
            new("p3", "Иванов Иван", "5А", 5, [], BirthDate: new DateOnly(2015, 2, 1)),
            new("p4", "Иванов Иван", "5А", 5, [], BirthDate: new DateOnly(2014, 9, 9)),
        ];
        var journal = new Roster(pupils, [new Guardian("g1", "Петрова  Мария Ивановна", "maria@example.ru", null)], []);

        var merged = ContactsMerger.Merge(journal, ContactsFile.Read(path), ContactsPrefer.Journal);

        var problems = merged.Roster.Problems.Select(p => (p.Record, p.Field)).ToList();
        Assert.Equal([("4", "pupil_name"), ("6", "pupil_name"), ("7", "pupil_id")], problems);
        Assert.Contains("учеников этого класса с таким ФИО: 2", merged.Roster.Problems[0].Reason, StringComparison.Ordinal);
        var maria = Assert.Single(merged.Roster.Guardians, g => g.Id == "g1");
        Assert.Equal(("maria@example.ru", "+79001112233", ChannelKind.Sms), (maria.Email, maria.Phone, maria.PreferredChannel)); // the journal's e-mail, the file's phone
        var oleg = Assert.Single(merged.Roster.Guardians, g => g.FullName == "Сидоров Олег Юрьевич");
        Assert.Equal([oleg.Id], merged.Roster.Pupils.Single(p => p.Id == "p2").GuardianIds);
        Assert.Equal([new FileConsent(oleg.Id, false)], merged.Consents);
        Assert.Equal(["petr@example.ru"], merged.Roster.Pupils.Single(p => p.Id == "p3").GuardianIds.Select(id => merged.Roster.Guardians.Single(g => g.Id == id).Email));
        Assert.Empty(merged.Roster.Pupils.Single(p => p.Id == "p4").GuardianIds);

        var fileWins = ContactsMerger.Merge(journal, ContactsFile.Read(path), ContactsPrefer.File);
        Assert.Equal("maria.file@example.ru", fileWins.Roster.Guardians.Single(g => g.Id == "g1").Email);
    }

    [Fact]
    public void HeaderWithoutTheColumnsNeeded_SaysWhichInRussian()
    {
        var path = Path.Combine(folder, "контакты.csv");
        File.WriteAllText(path, "Ученик;Телефон\r\nПетров;+79001112233\r\n", Encoding.GetEncoding(1251));

        var failure = Assert.Throws<InvalidDataException>(() => ContactsFile.Read(path));

        Assert.Equal("контакты.csv: в первой строке нет столбца «ФИО представителя», нет столбца «Код ученика в журнале» или «ФИО ученика» с «Класс»; "
            + "файл со всеми столбцами пишет команда `connector contacts template`", failure.Message);
    }

    [Theory]
    [InlineData("шаблон.xlsx")]
    [InlineData("шаблон.csv")]
    public async Task Template_IsWrittenByTheCommand_WithRussianColumns_AndReadsBackAsOneExampleRow(string name)
    {
        using var install = new TestInstallation();
        var path = Path.Combine(folder, name);

        var result = await install.RunAsync(null, "contacts", "template", "--out", path);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains($"Шаблон файла контактов записан: {path}.", result.Output, StringComparison.Ordinal);
        var row = Assert.Single(ContactsFile.Read(path).Rows);
        Assert.Equal(("Иванов Пётр Сергеевич", "7Б", new DateOnly(2013, 3, 14), "Иванова Мария Петровна", ChannelKind.Email, true),
            (row.PupilName, row.ClassName, row.BirthDate, row.GuardianName, row.Channel, row.Consent));
        if (name.EndsWith(".csv", StringComparison.Ordinal))
        {
            Assert.StartsWith(string.Join(';', Header), Encoding.GetEncoding(1251).GetString(File.ReadAllBytes(path)), StringComparison.Ordinal);
        }

        var again = await install.RunAsync(null, "contacts", "template", "--out", path);
        Assert.NotEqual(0, again.ExitCode); // an existing file is never overwritten
    }

    private static readonly string[] Names =
    [
        "Петров Иван Сергеевич", "Сидорова Анна Олеговна", "Ёлкина Дарья", "Кузнецов-Лебедев Марк Ильич", "O'Нил Анна", "Щукин Ярослав Юрьевич",
        "Иванова «Маша» Петровна", "Абдуллаев Рустам Шамильевич", "Кох Эрих", "Лю Мин",
    ];

    /// <summary>Writes rows under the template's header: 0 CSV windows-1251 ';', 1 CSV UTF-8 with BOM ',', 2 CSV UTF-8 ';', 3 XLSX (through the template writer's format).</summary>
    private string Write(string[][] rows, int format)
    {
        var path = Path.Combine(folder, $"контакты-{Guid.NewGuid():N}.{(format == 3 ? "xlsx" : "csv")}");
        if (format == 3)
        {
            ContactsFile.WriteXlsx(path, [Header, .. rows]);
            return path;
        }

        var delimiter = format == 1 ? ',' : ';';
        static string Cell(string value, char delimiter) =>
            value.Contains(delimiter) || value.Contains('"') ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
        var text = string.Concat(new[] { Header }.Concat(rows).Select(r => string.Join(delimiter, r.Select(c => Cell(c, delimiter))) + "\r\n"));
        File.WriteAllText(path, text, format switch { 0 => Encoding.GetEncoding(1251), 1 => new UTF8Encoding(true), _ => new UTF8Encoding(false) });
        return path;
    }
}
