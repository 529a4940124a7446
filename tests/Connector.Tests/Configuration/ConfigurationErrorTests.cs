using System.Text.Json.Nodes;
using Connector.Testing;

namespace Connector.Tests.Configuration;

/// <summary>A wrong setting stops <c>run</c> and <c>check</c> with one line naming the setting, never a stack trace.</summary>
public sealed class ConfigurationErrorTests : IDisposable
{
    private readonly TestInstallation install = new();

    public ConfigurationErrorTests() => install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com");

    [Theory]
    [InlineData("run")]
    [InlineData("check")]
    public async Task AnUnknownTimeZone_StopsWithOneLineNamingTheSetting(string command)
    {
        install.School["TimeZone"] = "Europe/Moskow";
        install.Save();

        var result = await install.RunAsync(null, command);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "Ошибка настройки: Connector:Schools:0:TimeZone: «Europe/Moskow» — не часовой пояс IANA (например, Europe/Moscow, Asia/Yekaterinburg, Asia/Kamchatka)",
            result.Error.Trim());
        Assert.DoesNotContain("   at ", result.Error + result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("check")]
    public async Task SmtpWithoutAHost_StopsWithOneLineNamingTheSetting(string command)
    {
        install.UseSmtp(25);
        install.Connector["Email"]!["Smtp"]!["Host"] = "";
        install.Save();

        var result = await install.RunAsync(null, command);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("Ошибка настройки: Connector:Email:Smtp:Host: не задан; укажите почтовый сервер (или Connector:Email:Transport = Pickup)", result.Error.Trim());
    }

    /// <summary>A missing folder is the journal being unreachable, not a wrong setting: check names it, and the service keeps the other schools going.</summary>
    [Theory]
    [InlineData("check", "журнал недоступен")]
    [InlineData("once", "журнал не прочитан")]
    public async Task AnUnreadableJournalFolder_IsOneLineNamingTheSetting(string command, string said)
    {
        install.School["Adapter"]!["Folder"] = "exports/school-1";
        // Whatever day the test runs on (a weekend, past midnight in Moscow), the school has lessons, so `once` reads it.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).DateTime);
        install.School["ExtraSchoolDays"] = new System.Text.Json.Nodes.JsonArray(
            today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), today.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        install.Save();

        var result = await install.RunAsync(null, command);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            $"Школа school-1: {said} (ошибка настройки): Connector:Schools:0:Adapter:Folder: папки «{Path.Combine(install.Home, "exports", "school-1")}» нет или её нельзя прочитать",
            result.Error.Trim().TrimEnd('.').Replace(". Ничего не решено", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADataDirectoryThatCannotBeCreated_IsNamed()
    {
        install.Connector["DataDirectory"] = "config/appsettings.json/data";
        install.Save();

        var result = await install.RunAsync(null, "check");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Ошибка настройки: Connector:DataDirectory: не удаётся создать папку", result.Error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APasswordWrittenInTheSettingsFile_IsRefused_WithTheEnvironmentVariableToUseInstead()
    {
        install.UseSmtp(25);
        install.Connector["Email"]!["Smtp"]!["UserName"] = "school1";
        install.Connector["Email"]!["Smtp"]!["Password"] = "hunter22";
        install.Save();

        var result = await install.RunAsync(null, "check");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Connector:Email:Smtp:Password: секрет записан в файле appsettings.json; уберите его оттуда и задайте переменную окружения CONNECTOR__Email__Smtp__Password", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter22", result.Error + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryProblemIsListed_NotOnlyTheFirst()
    {
        install.School["TimeZone"] = "Nowhere/City";
        install.School["SchoolHoursStart"] = "8 утра";
        install.School["Holidays"] = new JsonArray("2026-13-01");
        install.Save();

        var result = await install.RunAsync(null, "check");

        var lines = result.Error.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.Contains("Connector:Schools:0:TimeZone:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Connector:Schools:0:SchoolHoursStart: «8 утра» — не время ЧЧ:ММ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Connector:Schools:0:Holidays:0: «2026-13-01»", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HowManyMessagesGoAtOnce_OutsideItsRange_IsNamed()
    {
        install.UseSmtp(25);
        install.Connector["Email"]!["Smtp"]!["Connections"] = 40;
        install.Connector["Sms"] = new JsonObject { ["Gateway"] = "File", ["Parallel"] = 0 };
        install.Save();

        var result = await install.RunAsync(null, "check");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Connector:Email:Smtp:Connections: 40 вне допустимого диапазона 1–16", result.Error, StringComparison.Ordinal);
        Assert.Contains("Connector:Sms:Parallel: 0 вне допустимого диапазона 1–16", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongProfile_StopsTheService_NamingTheFileTheFieldAndTheProblem()
    {
        install.Save();
        var file = Path.Combine(install.Home, "config", "profiles", "volsk.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"ShareAbove\": 30", "\"ShareAbove\": 300", StringComparison.Ordinal));

        var result = await install.RunAsync(null, "run");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("Ошибка настройки: config/profiles/volsk.json: Levels[1].ShareAbove: 300 — не доля от 0 до 100", result.Error.Trim());
    }

    [Fact]
    public async Task AnUnknownProfile_IsNamed()
    {
        install.School["Profile"] = "moscow";
        install.Save();

        var result = await install.RunAsync(null, "check");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Ошибка настройки: Connector:Schools:0:Profile: «moscow» — нет такого профиля в Connector:ProfileDirectory (есть: baley, default, krasnodar, tolyatti, volsk, zato-svobodny)", result.Error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_OnAGoodInstallation_SaysWhatItReached()
    {
        install.Save();

        var result = await install.RunAsync(null, "check");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Настройки: в порядке", result.Output, StringComparison.Ordinal);
        Assert.Contains("Школа school-1: журнал доступен: папка", result.Output, StringComparison.Ordinal);
        Assert.Contains("учеников 1, представителей 1", result.Output, StringComparison.Ordinal);
        Assert.Contains("Канал Email: письма пишутся файлами .eml", result.Output, StringComparison.Ordinal);
    }

    public void Dispose() => install.Dispose();
}
