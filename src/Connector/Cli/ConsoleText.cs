using System.Text;

namespace Connector.Cli;

/// <summary>What the command line prints for people: Russian, one line per point.</summary>
internal static class ConsoleText
{
    public static void UseUtf8()
    {
        Console.OutputEncoding = Encoding.UTF8;
    }

    public static int ConfigurationFailed(IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"Ошибка настройки: {problem}");
        }

        return ExitCodes.Configuration;
    }
}
