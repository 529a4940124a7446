using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Connector.Cli;

/// <summary>
/// The command line in Russian end to end. System.CommandLine 2.0 translates only some of its own words and has no
/// localisation hook, so the help and the parse errors are written here: every line a school's IT person reads is
/// Russian, names the option and what it expects, and never shows a .NET type name. A wrong command line exits
/// with <see cref="ExitCodes.Configuration"/>, as README says.
/// </summary>
internal static class RussianCommandLine
{
    private const string Program = "connector";

    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        ConsoleText.UseUtf8();
        Translate(root);

        var result = root.Parse(args);
        if (result.Action is ParseErrorAction)
        {
            foreach (var line in Errors(result)) Console.Error.WriteLine(line);
            Console.Error.WriteLine($"Справка: {Path(result.CommandResult)} --help");
            return ExitCodes.Configuration;
        }

        // On SIGTERM (systemd stop) or Ctrl+C the command's token is cancelled and the service stops in order; only
        // if it has not within 30 seconds is the process ended (systemd's own limit is longer).
        return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) }).ConfigureAwait(false);
    }

    /// <summary>Refuses an empty or blank value of a text option that goes into a record or a report.</summary>
    public static Option<T> NotBlank<T>(this Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && result.Tokens.All(token => string.IsNullOrWhiteSpace(token.Value)))
            {
                result.AddError($"Параметр {option.Name} не может быть пустым: укажите текст.");
            }
        });
        return option;
    }

    private static void Translate(RootCommand root)
    {
        foreach (var option in root.Options)
        {
            switch (option)
            {
                case HelpOption help:
                    help.Description = "Показать справку по команде.";
                    help.Action = new HelpWriter();
                    break;
                case VersionOption version:
                    version.Description = "Показать версию программы.";
                    break;
            }
        }
    }

    /// <summary>One Russian line per problem, each naming the option or word and what was expected.</summary>
    internal static IReadOnlyList<string> Errors(ParseResult result)
    {
        var lines = new List<string>();
        var command = result.CommandResult.Command;

        // Suggestions from the long names only: "-h" is never what "x" meant.
        var known = Visible(command.Subcommands).Select(c => c.Name).Concat(AllOptions(result.CommandResult).Select(o => o.Name)).ToList();
        foreach (var token in result.UnmatchedTokens)
        {
            var close = token.Length < 3 ? [] : known.Where(name => Distance(name, token) <= Math.Max(2, token.Length / 3)).Take(3).ToList();
            lines.Add(close.Count > 0
                ? $"Неизвестный параметр или команда «{token}». Возможно, имелось в виду: {string.Join(", ", close)}."
                : $"Неизвестный параметр или команда «{token}».");
        }

        foreach (var error in result.Errors)
        {
            var line = error.SymbolResult switch
            {
                OptionResult option => OptionError(option, error),
                ArgumentResult { Parent: OptionResult option } => OptionError(option, error),
                _ => null,
            };
            if (line is not null) lines.Add(line);
        }

        if (command.Subcommands.Count > 0 && command.Action is null)
        {
            lines.Add($"Укажите команду после «{Path(result.CommandResult)}»: {string.Join(", ", Visible(command.Subcommands).Select(c => c.Name))}.");
        }

        // An error not named above is said generally rather than in the library's English.
        if (lines.Count == 0) lines.Add("Командная строка не разобрана: проверьте имена команд и параметров.");

        return lines.Distinct().ToList();
    }

    private static string? OptionError(OptionResult result, ParseError error)
    {
        var option = result.Option;
        // Our own validators (NotBlank) speak Russian; the library's few translated messages quote with '…'.
        if (HasCyrillic(error.Message) && !error.Message.Contains('\'')) return error.Message;
        if (result.Tokens.Count == 0)
        {
            // A bare "--school" at the end or before another option; or a required option not given at all.
            return result.IdentifierToken is null
                ? Missing(option)
                : $"После {option.Name} нужно значение{ValueLabel(option)}: {Lower(option.Description)}";
        }

        if (result.Tokens.Count > 1 && option.Arity.MaximumNumberOfValues == 1)
        {
            return $"Параметр {option.Name} указан несколько раз или с несколькими значениями ({Quoted(result.Tokens)}); нужно одно.";
        }

        return $"Значение {Quoted(result.Tokens)} не подходит для {option.Name}: нужно {Expected(option.ValueType)}.";
    }

    private static string Missing(Option option) => $"Не указан обязательный параметр {option.Name}{ValueLabel(option)}: {Lower(option.Description)}";

    private static string Quoted(IEnumerable<Token> tokens) => string.Join(", ", tokens.Select(t => $"«{t.Value}»"));

    /// <summary>What a value of this type looks like, said in Russian (never the type's name).</summary>
    internal static string Expected(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum) return $"одно из: {string.Join(", ", Enum.GetNames(underlying))}";
        return Type.GetTypeCode(underlying) switch
        {
            TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 or TypeCode.Byte => "целое число, например 12",
            TypeCode.Boolean => "true или false (или параметр без значения)",
            TypeCode.Decimal or TypeCode.Double or TypeCode.Single => "число",
            _ => "текст",
        };
    }

    private static string ValueLabel(Option option)
    {
        var underlying = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        if (underlying == typeof(bool) || option.Arity.MaximumNumberOfValues == 0) return "";
        if (option.HelpName is { Length: > 0 } name) return $" <{name}>";
        if (underlying.IsEnum) return $" <{string.Join("|", Enum.GetNames(underlying))}>";
        return Type.GetTypeCode(underlying) is TypeCode.Int32 or TypeCode.Int64 ? " <число>" : " <значение>";
    }

    private static string Lower(string? description)
    {
        if (string.IsNullOrEmpty(description)) return "";
        return char.ToLower(description[0], CultureInfo.GetCultureInfo("ru-RU")) + description[1..];
    }

    private static bool HasCyrillic(string text) => text.Any(c => c is >= 'А' and <= 'я' or 'Ё' or 'ё');

    private static IEnumerable<Command> Visible(IEnumerable<Command> commands) => commands.Where(c => !c.Hidden);

    /// <summary>The options a command takes: its own and those its parents pass down (--home, --help).</summary>
    private static IEnumerable<Option> AllOptions(CommandResult result)
    {
        var own = result.Command.Options.Where(o => !o.Hidden).ToList();
        var inherited = new List<Option>();
        for (var parent = result.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
        {
            inherited.AddRange(parent.Command.Options.Where(o => o.Recursive && !o.Hidden));
        }

        return own.Concat(inherited.Where(o => !own.Contains(o))).Distinct();
    }

    private static string Path(CommandResult result)
    {
        var names = new List<string>();
        for (var current = result; current is not null; current = current.Parent as CommandResult)
        {
            if (current.Command is not RootCommand) names.Insert(0, current.Command.Name);
        }

        return string.Join(" ", names.Prepend(Program));
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }

    /// <summary>The help of a command, in Russian: what it does, how to call it, its commands and its options.</summary>
    private sealed class HelpWriter : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var result = parseResult.CommandResult;
            var command = result.Command;
            var output = Console.Out;
            var options = AllOptions(result).ToList();
            var commands = Visible(command.Subcommands).ToList();

            output.WriteLine(command.Description);
            output.WriteLine();
            output.WriteLine("Использование:");
            output.WriteLine($"  {Path(result)}{(commands.Count > 0 ? " <команда>" : "")} [параметры]");

            if (commands.Count > 0)
            {
                output.WriteLine();
                output.WriteLine("Команды:");
                Columns(output, commands.Select(c => (c.Name, c.Description ?? "")));
            }

            output.WriteLine();
            output.WriteLine("Параметры:");
            Columns(output, options.Select(o => (
                string.Join(", ", o.Aliases.Order().Append(o.Name)) + ValueLabel(o),
                (o.Description ?? "") + (o.Required ? " Обязательный." : ""))));
            return ExitCodes.Ok;
        }

        private static void Columns(TextWriter output, IEnumerable<(string Name, string Text)> rows)
        {
            var list = rows.ToList();
            var width = list.Max(r => r.Name.Length) + 2;
            foreach (var (name, text) in list) output.WriteLine($"  {name.PadRight(width)}{text}");
        }
    }
}
