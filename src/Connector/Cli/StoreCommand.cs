using Connector.Configuration;
using Connector.Notifier.Templates;
using Connector.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Connector.Cli;

/// <summary>
/// <c>store copy --to postgres</c>: moves an installation that grew into a municipality from its SQLite file into an
/// empty PostgreSQL database (the connection string from <c>CONNECTOR__Store__ConnectionString</c>), with all its
/// history: pupils, marks, decisions, messages sent, cases, the audit log. The service must be stopped meanwhile.
/// </summary>
internal static class StoreCommand
{
    public static async Task<int> CopyAsync(string? home, CancellationToken cancellationToken)
    {
        using var host = InstalledHost.Open(home, validate: false);
        if (host is null) return ExitCodes.Configuration;
        var paths = host.Services.GetRequiredService<ConnectorPaths>();
        var options = host.Services.GetRequiredService<IOptions<ConnectorOptions>>().Value;
        var dataDirectory = paths.Resolve(options.DataDirectory);
        var file = Path.Combine(dataDirectory, ConnectorDatabase.FileName);
        if (string.IsNullOrWhiteSpace(options.Store.ConnectionString))
        {
            Console.Error.WriteLine("Не задана база PostgreSQL: задайте переменную окружения CONNECTOR__Store__ConnectionString (Host=…;Port=5432;Database=…;Username=…;Password=…).");
            return ExitCodes.Configuration;
        }

        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"Нет файла базы {file}: копировать нечего (Connector:DataDirectory).");
            return ExitCodes.Configuration;
        }

        // No runner may write to the file while it is copied.
        using var held = InstalledHost.LockRunner(dataDirectory);
        if (held is null) return ExitCodes.Busy;

        await using var source = new ConnectorDatabase(file);
        await using var target = ConnectorDatabase.ForPostgres(options.Store.ConnectionString);
        try
        {
            var result = await StoreCopy.CopyAsync(source, target, host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Данные установки скопированы из {file} в {target.Path}:");
            foreach (var (table, rows) in result.Tables.Where(t => t.Rows > 0)) Console.WriteLine($"  {table} — {rows} {RussianText.Plural(rows, "строка", "строки", "строк")}");
            var total = result.Tables.Sum(t => t.Rows);
            Console.WriteLine($"Всего {total} {RussianText.Plural(total, "строка", "строки", "строк")}; число строк каждой таблицы проверено. " +
                "Теперь задайте в настройках \"Store\": { \"Kind\": \"Postgres\" } и запустите службу; файл SQLite останется как был.");
            return ExitCodes.Ok;
        }
        catch (StoreCopy.TargetNotEmptyException ex)
        {
            Console.Error.WriteLine($"База {target.Path} не пуста (в таблице {ex.Table} — {ex.Rows} {RussianText.Plural(ex.Rows, "строка", "строки", "строк")}): копировать можно только в пустую базу. Ничего не скопировано.");
            return ExitCodes.Configuration;
        }
        catch (Npgsql.NpgsqlException ex)
        {
            Console.Error.WriteLine($"База не открывается ({target.Path}): {ConsoleText.PostgresProblem(ex)}. Ничего не скопировано.");
            return ExitCodes.Unreachable;
        }
    }
}
