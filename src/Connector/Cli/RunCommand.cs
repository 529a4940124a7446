using Connector.Configuration;
using Connector.Scheduling;
using Microsoft.Extensions.Hosting;

namespace Connector.Cli;

/// <summary><c>run</c>: the service. With the embedded default (Demo:Enabled) it runs the demo replay instead.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(string? home, CancellationToken cancellationToken)
    {
        ConsoleText.UseUtf8();
        var paths = ConnectorPaths.Locate(home);
        if (!SettingsLoader.TryLoad(paths, demo: false, out var configuration)) return ExitCodes.Configuration;
        if (ConnectorHost.IsDemoEnabled(configuration!))
        {
            Console.WriteLine("Настройки по умолчанию: Connector:Demo:Enabled = true, поэтому запускается демонстрация.");
            Console.WriteLine("Для работы со своей школой задайте Connector:Schools и Demo:Enabled = false в config/appsettings.json (см. README).");
            Console.WriteLine();
            return await DemoCommand.RunAsync(home, cancellationToken).ConfigureAwait(false);
        }

        using var host = InstalledHost.Open(home, ScheduleMode.Live);
        if (host is null) return ExitCodes.Configuration;
        using var runner = InstalledHost.LockRunner(host);
        if (runner is null) return ExitCodes.Busy;
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
