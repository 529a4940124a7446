using System.Globalization;
using Connector.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Cli;

/// <summary>
/// <c>backup [--out FILE]</c>: a consistent copy of the database, taken while the service runs (SQLite online
/// backup), for an upgrade or a nightly copy. By default into <c>data/backups/</c>, named by the time taken.
/// </summary>
internal static class BackupCommand
{
    public static async Task<int> RunAsync(string? home, string? output, CancellationToken cancellationToken)
    {
        using var host = InstalledHost.Open(home);
        if (host is null) return ExitCodes.Configuration;
        var database = host.Services.GetRequiredService<ConnectorDatabase>();
        if (database.Kind == StoreKind.Postgres)
        {
            Console.Error.WriteLine($"База данных — PostgreSQL ({database.Path}): копию делает сам сервер, например pg_dump --format=custom --file=connector.dump ИМЯ_БАЗЫ.");
            return ExitCodes.Configuration;
        }

        var now = host.Services.GetRequiredService<TimeProvider>().GetLocalNow();
        var target = output is null
            ? Path.Combine(Path.GetDirectoryName(database.Path)!, "backups", $"connector-{now.ToString("yyyy-MM-dd-HHmmss", CultureInfo.InvariantCulture)}.db")
            : Path.GetFullPath(output);
        if (File.Exists(target))
        {
            Console.Error.WriteLine($"Файл {target} уже есть; укажите другой в --out.");
            return ExitCodes.Configuration;
        }

        try
        {
            await database.BackupAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            Console.Error.WriteLine($"Копия базы не записана в {target}: {(ex is UnauthorizedAccessException ? "нет прав на запись" : "ошибка записи")}.");
            if (File.Exists(target) && new FileInfo(target).Length == 0) File.Delete(target);
            return ExitCodes.Unexpected;
        }

        var size = new FileInfo(target).Length / 1024.0 / 1024.0;
        Console.WriteLine($"Копия базы записана: {target} ({size.ToString("0.0", CultureInfo.GetCultureInfo("ru-RU"))} МБ). Файл читается только службой; храните его так же бережно, как саму базу: в нём данные учеников.");
        return ExitCodes.Ok;
    }
}
