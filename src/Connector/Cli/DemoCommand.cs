using Connector.Configuration;
using Connector.Demo;
using Connector.Notifier.Email;
using Connector.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Connector.Cli;

/// <summary>
/// <c>demo</c>: replays the demo school's weeks (config/demo) through the real pipeline on a fast virtual clock:
/// the same jobs, store and notifier, e-mails into the pickup folder as .eml files. It reads only
/// config/demo/appsettings.demo.json, so it never touches a real school's data or mail server, and it starts
/// from an empty demo database each time.
/// </summary>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(string? home, CancellationToken cancellationToken)
    {
        ConsoleText.UseUtf8();
        var paths = ConnectorPaths.Locate(home);
        if (!SettingsLoader.TryLoad(paths, demo: true, out var configuration)) return ExitCodes.Configuration;
        var options = configuration!.GetSection(ConnectorOptions.SectionName).Get<ConnectorOptions>() ?? new ConnectorOptions();
        var email = configuration.GetSection(EmailOptions.SectionName).Get<EmailOptions>() ?? new EmailOptions();
        // The lock is taken before the previous run's database is removed, so a second demo cannot pull it from under the first.
        using var runner = InstalledHost.LockRunner(paths.Resolve(options.DataDirectory));
        if (runner is null) return ExitCodes.Busy;

        CleanPreviousRun(paths, options, email);

        var schools = options.Schools;
        var start = options.Demo.From.ToDateTime(TimeOnly.MinValue);
        var clock = new VirtualClock(new DateTimeOffset(start, TimeSpan.Zero));
        using var host = ConnectorHost.Build(paths, configuration, ScheduleMode.Replay, clock,
            logging => logging.AddFilter((category, level) => level >= LogLevel.Warning && category?.StartsWith("Quartz", StringComparison.Ordinal) != true));
        if (!ConsoleText.SettingsAreValid(host)) return ExitCodes.Configuration;
        host.Services.GetRequiredService<Delivery.RunnerIdentity>().HoldsInstallationLock = true;
        await host.StartAsync(cancellationToken).ConfigureAwait(false);

        Console.WriteLine($"Демонстрация: {string.Join(", ", schools.Select(s => s.Name))}; учебные дни с {options.Demo.From:dd.MM.yyyy} по {options.Demo.To:dd.MM.yyyy}.");
        Console.WriteLine($"Журнал опрашивается каждые {schools[0].PollIntervalMinutes} мин в учебные часы; время ускорено. Письма пишутся в {paths.Resolve(email.PickupDirectory)}.");
        Console.WriteLine();
        var timeline = new DemoTimeline(host.Services, Console.Out);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await new ReplayDriver(host, clock.Set).RunAsync(options.Demo.From, options.Demo.To, timeline.StepAsync, cancellationToken).ConfigureAwait(false);
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        timeline.PrintSummary(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return ExitCodes.Ok;
    }

    public static async Task<int> GenerateAsync(string? home, string output, CancellationToken cancellationToken)
    {
        ConsoleText.UseUtf8();
        var paths = ConnectorPaths.Locate(home);
        var folder = paths.Resolve(output);
        var counts = await DemoSchoolGenerator.WriteAsync(folder, DemoSchoolGenerator.DefaultFrom, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"Демо-школа записана в {folder}: {counts}.");
        return ExitCodes.Ok;
    }

    /// <summary>The demo starts from nothing: its own database, and its own .eml files in the pickup folder.</summary>
    private static void CleanPreviousRun(ConnectorPaths paths, ConnectorOptions options, EmailOptions email)
    {
        var data = paths.Resolve(options.DataDirectory);
        if (Directory.Exists(data))
        {
            foreach (var file in Directory.GetFiles(data, "connector.db*")) File.Delete(file);
        }

        var pickup = paths.Resolve(email.PickupDirectory);
        foreach (var (folder, pattern) in new[] { (pickup, "*_{0}_*.eml"), (Path.Combine(pickup, "sms"), "*_{0}_*.txt") })
        {
            if (!Directory.Exists(folder)) continue;
            foreach (var school in options.Schools)
            {
                foreach (var file in Directory.GetFiles(folder, string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, school.Id))) File.Delete(file);
            }
        }
    }
}
