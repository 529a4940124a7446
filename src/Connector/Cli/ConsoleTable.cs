using Spectre.Console;

namespace Connector.Cli;

/// <summary>Writes a table for a person: coloured on a terminal, plain text when the output is redirected to a file.</summary>
internal static class ConsoleTable
{
    public static void Write(Table table, TextWriter output)
    {
        var redirected = Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        console.Profile.Width = Math.Max(console.Profile.Width, 120);
        console.Write(table);
    }
}
