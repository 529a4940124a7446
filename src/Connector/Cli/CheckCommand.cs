using Connector.Abstractions.Journals;
using Connector.Abstractions.Notifications;
using Connector.Configuration;
using Connector.Notifier.Email;
using Connector.Notifier.Sms;
using Connector.Schools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Cli;

/// <summary>
/// <c>check</c>: validates every setting, then reaches each school's journal and the mail server. One line per
/// finding; exit 0 when all is well, 2 for wrong settings, 3 when something configured cannot be reached.
/// </summary>
internal static class CheckCommand
{
    public static async Task<int> RunAsync(string? home, CancellationToken cancellationToken)
    {
        // check lists every problem itself, so the host is opened without the start-up validation.
        using var host = InstalledHost.Open(home, validate: false);
        if (host is null) return ExitCodes.Configuration;
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        var paths = host.Services.GetRequiredService<ConnectorPaths>();
        if (RawSettings.CheckGlobal(configuration) is { Count: > 0 } raw) return ConsoleText.ConfigurationFailed(raw);
        var options = ConnectorOptionsBinder.Bind(configuration);
        var email = configuration.GetSection(EmailOptions.SectionName).Get<EmailOptions>() ?? new EmailOptions();
        var sms = configuration.GetSection(SmsOptions.SectionName).Get<SmsOptions>() ?? new SmsOptions();
        var problems = host.Services.GetRequiredService<ConfigurationValidator>().Validate(options, email, sms);
        if (problems.Count > 0) return ConsoleText.ConfigurationFailed(problems);
        Console.WriteLine($"Настройки: в порядке ({paths.ConfigDirectory}).");
        try
        {
            await using var db = await host.Services.GetRequiredService<Store.ConnectorDatabase>().OpenAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"База данных: открывается ({host.Services.GetRequiredService<Store.ConnectorDatabase>().Path}).");
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            return ConsoleText.ConfigurationFailed([$"{ConnectorOptions.SectionName}:{nameof(ConnectorOptions.DataDirectory)}: база данных не открывается ({(ex is UnauthorizedAccessException ? "нет прав" : "ошибка чтения или записи")})"]);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            return ConsoleText.ConfigurationFailed([$"{ConnectorOptions.SectionName}:Store:ConnectionString: база данных PostgreSQL не открывается: {ConsoleText.PostgresProblem(ex)}"]);
        }

        var exit = ExitCodes.Ok;
        foreach (var school in host.Services.GetRequiredService<SchoolRegistry>().All)
        {
            try
            {
                var found = await school.Adapter.CheckAsync(cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"Школа {school.Id}: журнал доступен: {found}.");
                await using var db = await host.Services.GetRequiredService<Store.ConnectorDatabase>().OpenAsync(cancellationToken).ConfigureAwait(false);
                await ContactsCommand.DescribeAsync(db, school, host.Services.GetRequiredService<Contacts.GuardianContactsFile>(), host.Services.GetRequiredService<TimeProvider>(), cancellationToken).ConfigureAwait(false);
            }
            catch (JournalException ex)
            {
                Console.Error.WriteLine($"Школа {school.Id}: журнал недоступен ({ConsoleText.Describe(ex.Failure)}): {ex.Message}");
                exit = ExitCodes.Unreachable;
            }
        }

        foreach (var channel in host.Services.GetServices<INotificationChannel>())
        {
            try
            {
                Console.WriteLine($"Канал {channel.Kind}: {await channel.CheckAsync(cancellationToken).ConfigureAwait(false)}.");
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine($"Канал {channel.Kind}: недоступен: {ex.Message}");
                exit = ExitCodes.Unreachable;
            }
        }

        return exit;
    }
}
