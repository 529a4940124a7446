using System.Text.Json.Nodes;
using Connector.Testing;
using Connector.Tests.Delivery;
using Npgsql;

namespace Connector.Tests.Store;

/// <summary>
/// <c>connector store copy --to postgres</c>: a school that grew into a municipality moves its SQLite installation
/// into PostgreSQL and keeps its history, so nobody already told is told again, and what comes next is told once.
/// </summary>
public sealed class StoreCopyTests : IDisposable
{
    private readonly TestInstallation install = CrashRecoveryTests.InstallationAtMidday();

    [Fact]
    public async Task AnInstallationCopiedIntoPostgres_GoesOnThere_WithoutTellingAnyoneTwice()
    {
        // The installation as it is: SQLite, one notice day behind it (two guardians told).
        install.Connector["Store"] = new JsonObject { ["Kind"] = "Sqlite" };
        install.Secrets.Remove("Connector:Store:ConnectionString");
        install.Save();
        var before = await install.RunAsync(null, "once");
        Assert.True(before.ExitCode == 0, before.Output + before.Error);
        Assert.Equal(["maria@example.com", "sergey@example.com"], install.PickedUpRecipients());

        var database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var target = new Dictionary<string, string> { ["CONNECTOR__Store__ConnectionString"] = database };
        var wrong = await install.RunAsync(target, "store", "copy", "--to", "mysql");
        var copy = await install.RunAsync(target, "store", "copy", "--to", "postgres");
        var again = await install.RunAsync(target, "store", "copy", "--to", "postgres");

        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("Значение «mysql» не подходит для --to: перенести данные можно только в PostgreSQL (--to postgres).", wrong.Error, StringComparison.Ordinal);
        Assert.True(copy.ExitCode == 0, copy.Output + copy.Error);
        Assert.Contains("Данные установки скопированы из", copy.Output, StringComparison.Ordinal);
        Assert.Contains("  outbox — 2 строки", copy.Output, StringComparison.Ordinal);
        Assert.Contains("  pupils — 2 строки", copy.Output, StringComparison.Ordinal);
        Assert.Contains("число строк каждой таблицы проверено", copy.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Петров", copy.Output + copy.Error, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("не пуста", again.Error, StringComparison.Ordinal);
        Assert.Contains("Ничего не скопировано.", again.Error, StringComparison.Ordinal);

        // The same installation on PostgreSQL: the day's notices are known as sent; a new absence is told, once.
        install.UsePostgres(database);
        var today = DateOnly.ParseExact((string)install.School["ExtraSchoolDays"]![0]!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        install.Journal.Mark(today, "p2", 2, "Н");
        install.Save();
        var after = await install.RunAsync(null, "once");
        var status = await install.RunAsync(null, "status");

        Assert.True(after.ExitCode == 0, after.Output + after.Error);
        Assert.Equal(["maria@example.com", "olga@example.com", "sergey@example.com"], install.PickedUpRecipients());
        Assert.Contains("за сегодня отправлено 3", status.Output, StringComparison.Ordinal);
        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        await using var audit = new NpgsqlCommand("SELECT COUNT(*) FROM audit_log WHERE action = 'store.copied' AND school_id = 'school-1'", db);
        Assert.Equal(1L, await audit.ExecuteScalarAsync());
        await using var ids = new NpgsqlCommand("SELECT COUNT(DISTINCT id) = COUNT(*) FROM outbox", db);
        Assert.Equal(true, await ids.ExecuteScalarAsync()); // the new message took an id after the copied ones
    }

    public void Dispose() => install.Dispose();
}
