using System.Text.Json.Nodes;
using Connector.Testing;

namespace Connector.Tests.Store;

/// <summary>What an IT person who mistypes the PostgreSQL settings is told: one Russian line naming the setting, never the password.</summary>
public sealed class PostgresSettingsTests : IDisposable
{
    private readonly TestInstallation install = new();

    [Fact]
    public async Task PostgresWithoutAConnectionString_OrWithOneInTheSettingsFile_IsRefusedWithTheVariableToUse()
    {
        install.Connector["Store"] = new JsonObject { ["Kind"] = "Postgres" };
        install.Secrets.Remove("Connector:Store:ConnectionString");
        install.Save();
        var missing = await install.RunAsync(null, "check");

        install.Connector["Store"] = new JsonObject { ["Kind"] = "Postgres", ["ConnectionString"] = "Host=127.0.0.1;Database=connector;Username=connector;Password=s3cr3t-in-a-file" };
        install.Save();
        var inFile = await install.RunAsync(null, "once");

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("Connector:Store:ConnectionString: не задана для Store:Kind = Postgres; задайте переменную окружения CONNECTOR__Store__ConnectionString", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, inFile.ExitCode);
        Assert.Contains("Connector:Store:ConnectionString: секрет записан в файле", inFile.Error, StringComparison.Ordinal);
        Assert.Contains("задайте переменную окружения CONNECTOR__Store__ConnectionString", inFile.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", inFile.Output + inFile.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongPassword_OrAMissingDatabase_IsSaidInRussianByCheck_WithoutThePassword()
    {
        var server = await PostgresServer.GetAsync();
        install.UsePostgres(server.ConnectionString("postgres").Replace($"Password={server.Password}", "Password=wrong-one", StringComparison.Ordinal));
        install.Save();
        var wrongPassword = await install.RunAsync(null, "check");
        install.UsePostgres(server.ConnectionString("no_such_database"));
        install.Save();
        var noDatabase = await install.RunAsync(null, "check");

        Assert.Equal(2, wrongPassword.ExitCode);
        Assert.Contains($"Connector:Store:ConnectionString: база данных PostgreSQL не открывается: сервер не принял имя пользователя или пароль", wrongPassword.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-one", wrongPassword.Output + wrongPassword.Error, StringComparison.Ordinal);
        Assert.Equal(2, noDatabase.ExitCode);
        Assert.Contains("такой базы данных на сервере нет", noDatabase.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", wrongPassword.Error + noDatabase.Error, StringComparison.Ordinal);
    }

    public void Dispose() => install.Dispose();
}
