using Connector.Configuration;
using Connector.Scheduling;
using Connector.Schools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Connector.Cli;

/// <summary>
/// What every command starts with: find the installation, read its settings (the demo's when the embedded default
/// is on), compose the service and check the settings. Null, after one line per problem, when they are wrong.
/// </summary>
internal static class InstalledHost
{
    public static IHost? Open(string? home, ScheduleMode mode = ScheduleMode.Replay, bool validate = true)
    {
        ConsoleText.UseUtf8();
        var paths = ConnectorPaths.Locate(home);
        if (!SettingsLoader.TryLoad(paths, demo: false, out var configuration)) return null;
        TimeProvider clock;
        try
        {
            clock = Diagnostics.RehearsalClock.FromEnvironment();
        }
        catch (FormatException ex)
        {
            ConsoleText.ConfigurationFailed([ex.Message]);
            return null;
        }

        var host = ConnectorHost.Build(paths, configuration!, mode, clock);
        if (!validate || ConsoleText.SettingsAreValid(host)) return host;
        host.Dispose();
        return null;
    }

    /// <summary>
    /// Takes the installation lock for a runner (run, once, demo); null, after one Russian line saying so, when
    /// another runner holds it. On a PostgreSQL store there is no such lock: the nodes share the work. Dispose the
    /// result when the runner ends (the system drops it if the process dies).
    /// </summary>
    public static Store.InstallationLock? LockRunner(IHost host)
    {
        var paths = host.Services.GetRequiredService<ConnectorPaths>();
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConnectorOptions>>().Value;
        if (options.Store.Kind == Store.StoreKind.Postgres) return Store.InstallationLock.Shared;
        var held = LockRunner(paths.Resolve(options.DataDirectory));
        if (held is not null) host.Services.GetRequiredService<Delivery.RunnerIdentity>().HoldsInstallationLock = true;
        return held;
    }

    /// <summary>The same for a runner that must hold the lock before its host is built (the demo empties its database first).</summary>
    public static Store.InstallationLock? LockRunner(string dataDirectory)
    {
        var held = Store.InstallationLock.TryAcquire(dataDirectory);
        if (held is null)
        {
            Console.Error.WriteLine($"Connector уже работает с этой установкой (папка данных {dataDirectory}): второй запуск остановлен, чтобы никто не получил сообщение дважды. " +
                "Остановите первый экземпляр или дождитесь его окончания.");
        }

        return held;
    }

    /// <summary>The school a staff command names; null, after one line saying so, when it is not configured.</summary>
    public static SchoolContext? School(IHost host, string schoolId)
    {
        if (host.Services.GetRequiredService<SchoolRegistry>().TryGet(schoolId, out var school)) return school;
        Console.Error.WriteLine($"Школа '{schoolId}' не настроена (Connector:Schools:N:Id).");
        return null;
    }
}
