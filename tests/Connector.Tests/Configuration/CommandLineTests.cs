using System.CommandLine;
using System.Text.RegularExpressions;
using Connector.Cli;
using Connector.Testing;

namespace Connector.Tests.Configuration;

/// <summary>
/// The command line as a school's IT person meets it: every command, called wrongly, answers in Russian, names what
/// is wrong and what it expects, shows no .NET type name, and exits with 2, as README's table says.
/// </summary>
public sealed partial class CommandLineTests : IDisposable
{
    private readonly TestInstallation install = new();

    public CommandLineTests() => install.Save();

    /// <summary>Every command of the real command tree, leaves and groups alike (taken from the tree, so a new command is covered).</summary>
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        void Walk(Command command, string path)
        {
            foreach (var sub in command.Subcommands)
            {
                var name = (path + " " + sub.Name).Trim();
                data.Add(name);
                Walk(sub, name);
            }
        }

        Walk(ConnectorCommandLine.Build(), "");
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EveryCommand_WithAnUnknownOption_AnswersInRussian_WithExitCode2(string command)
    {
        var result = await install.RunAsync(null, [.. command.Split(' '), "--no-such-option"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Неизвестный параметр или команда «--no-such-option».", result.Error, StringComparison.Ordinal);
        Assert.Contains($"Справка: connector {command} --help", result.Error, StringComparison.Ordinal);
        AssertRussianOnly(result.Error);
        Assert.Equal("", result.Output);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EveryCommand_HasRussianHelp(string command)
    {
        var result = await install.RunAsync(null, [.. command.Split(' '), "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Использование:", result.Output, StringComparison.Ordinal);
        Assert.Contains($"connector {command}", result.Output, StringComparison.Ordinal);
        Assert.Contains("Показать справку по команде.", result.Output, StringComparison.Ordinal);
        AssertRussianOnly(result.Output);
    }

    [Theory]
    [InlineData("--outcome", " ")]
    [InlineData("--outcome", "")]
    [InlineData("--by", "  ")]
    public async Task ABlankOutcome_IsRefused_AndNothingIsRecorded(string option, string value)
    {
        string[] arguments = option == "--outcome"
            ? ["case", "record", "--school", "school-1", "--case", "1", "--outcome", value]
            : ["case", "record", "--school", "school-1", "--case", "1", "--outcome", "Беседа с родителями проведена", option, value];
        var result = await install.RunAsync(null, arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"Параметр {option} не может быть пустым: укажите текст.", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(install.Home, "data", "connector.db")), "a refused command line opens nothing");
    }

    [Fact]
    public async Task ABlankReason_IsRefused()
    {
        var result = await install.RunAsync(null, "case", "close", "--school", "school-1", "--case", "1", "--reason", "\t");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Параметр --reason не может быть пустым", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValueOfTheWrongKind_IsNamed_WithWhatIsExpected_InRussian()
    {
        var number = await install.RunAsync(null, "case", "show", "--school", "school-1", "--case", "abc");
        var channel = await install.RunAsync(null, "consent", "--school", "school-1", "--guardian", "g1", "--channel", "Pigeon", "--source", "звонок");

        Assert.Equal(2, number.ExitCode);
        Assert.Contains("Значение «abc» не подходит для --case: нужно целое число, например 12.", number.Error, StringComparison.Ordinal);
        Assert.Equal(2, channel.ExitCode);
        Assert.Contains("Значение «Pigeon» не подходит для --channel: нужно одно из: Email, Sms.", channel.Error, StringComparison.Ordinal);
        AssertRussianOnly(number.Error + channel.Error);
    }

    [Fact]
    public async Task MissingRequiredOptions_AreEachNamed_WithWhatTheyAreFor()
    {
        var result = await install.RunAsync(null, "report", "--school", "school-1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Не указан обязательный параметр --period <month|quarter>: month или quarter.", result.Error, StringComparison.Ordinal);
        Assert.Contains("Не указан обязательный параметр --out <файл>: файл отчёта.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("--school", result.Error.Split('\n')[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGroupWithoutItsCommand_ListsItsCommands_AndAMistypedOneGetsASuggestion()
    {
        var bare = await install.RunAsync(null, "case");
        var typo = await install.RunAsync(null, "case", "lsit");

        Assert.Equal(2, bare.ExitCode);
        Assert.Contains("Укажите команду после «connector case»: list, show, open, record, close.", bare.Error, StringComparison.Ordinal);
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("Неизвестный параметр или команда «lsit». Возможно, имелось в виду: list.", typo.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokenSettingsFile_IsNamedInRussian_WithWhereItBreaks()
    {
        File.WriteAllText(Path.Combine(install.Home, "config", "appsettings.json"), "{ \"Connector\": { \"Schools\": [ }");

        var result = await install.RunAsync(null, "check");

        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"^Ошибка настройки: .*appsettings\.json: файл не читается как JSON: строка 1, позиция \d+; проверьте кавычки, запятые и скобки$", result.Error.Trim());
    }

    [Fact]
    public async Task AMissingSettingsFile_IsNamedInRussian()
    {
        var empty = Directory.CreateTempSubdirectory("connector-empty-").FullName;
        try
        {
            var result = await ConnectorProcess.RunAsync(empty, null, "check", "--home", empty);

            Assert.Equal(2, result.ExitCode);
            Assert.Equal($"Ошибка настройки: файла настроек {Path.Combine(empty, "config", "appsettings.json")} нет; запустите программу из папки установки или укажите её параметром --home", result.Error.Trim());
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    /// <summary>No English words of the parser, and no .NET type names (System.Int64, Connector.Abstractions…).</summary>
    private static void AssertRussianOnly(string text)
    {
        Assert.DoesNotMatch(TypeName(), text);
        foreach (var english in new[] { "Usage", "Description", "Options", "Commands", "required", "Required", "expected", "Cannot parse", "Unrecognized", "Show help", "Did you mean" })
        {
            Assert.DoesNotContain(english, text, StringComparison.Ordinal);
        }

        Assert.Matches("[А-Яа-яЁё]", text);
    }

    [GeneratedRegex(@"\b(System|Connector)\.[A-Z][A-Za-z]+")]
    private static partial Regex TypeName();

    public void Dispose() => install.Dispose();
}
