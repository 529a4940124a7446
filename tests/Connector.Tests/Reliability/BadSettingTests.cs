using System.Text.Json.Nodes;
using Connector.Testing;
using Connector.Tests.Delivery;

namespace Connector.Tests.Reliability;

/// <summary>
/// A school's bad setting stops that school, loudly, while every other school is served; a bad global setting stops
/// the service with one line naming it, never a stack trace; <c>check</c> catches what <c>run</c> would fail on.
/// </summary>
public sealed class BadSettingTests : IDisposable
{
    private readonly TestInstallation install = CrashRecoveryTests.InstallationAtMidday();

    public static TheoryData<string, string, string> SchoolSettings => new()
    {
        { "GracePeriodMinutes", "twenty", "Connector:Schools:1:GracePeriodMinutes: «twenty» — не целое число" },
        { "DefaultChannel", "Pigeon", "Connector:Schools:1:DefaultChannel: «Pigeon» — не одно из: Email, Sms" },
        { "ChildNameInSms", "maybe", "Connector:Schools:1:ChildNameInSms: «maybe» — ни true, ни false" },
        { "TimeZone", "Europe/Moskow", "Connector:Schools:1:TimeZone: «Europe/Moskow» — не часовой пояс IANA" },
    };

    [Theory]
    [MemberData(nameof(SchoolSettings))]
    public async Task ABadSettingOfOneSchool_StopsThatSchool_WithOneLine_AndTheOtherIsServed(string setting, string value, string line)
    {
        var second = SecondSchool();
        second[setting] = value;
        install.Save();

        var result = await install.RunAsync(null, "once");
        var check = await install.RunAsync(null, "check");

        Assert.Contains($"Ошибка настройки: {line}", result.Error, StringComparison.Ordinal);
        Assert.Contains("Школа school-2 не будет работать", result.Error, StringComparison.Ordinal);
        Assert.Contains("Школа school-1: отправлено: 2", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Школа school-2:", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(install.Outbox, "*.eml").Length);
        Assert.Equal(2, check.ExitCode);
        Assert.Contains(line, check.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error + check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGlobalValueThatDoesNotConvert_IsOneLine_NotAStackTrace()
    {
        install.UseSmtp(2525);
        install.Connector["Email"]!["Smtp"]!["Port"] = "abc";
        install.Save();

        var once = await install.RunAsync(null, "once");
        var check = await install.RunAsync(null, "check");

        Assert.Equal(2, once.ExitCode);
        Assert.Equal(2, check.ExitCode);
        Assert.Equal("Ошибка настройки: Connector:Email:Smtp:Port: «abc» — не целое число", once.Error.Trim());
        Assert.Equal("Ошибка настройки: Connector:Email:Smtp:Port: «abc» — не целое число", check.Error.Trim());
    }

    [Fact]
    public async Task AMissingExportOfOneSchool_IsReported_AndTheOtherSchoolIsServed()
    {
        var second = SecondSchool();
        second["Adapter"] = new JsonObject { ["Kind"] = "files", ["Folder"] = "journal-2" };
        install.Save();
        Directory.CreateDirectory(Path.Combine(install.Home, "journal-2"));
        foreach (var file in new[] { "pupils.csv", "guardians.csv", "lessons.csv" })
        {
            File.Copy(Path.Combine(install.Journal.Path, file), Path.Combine(install.Home, "journal-2", file));
        }

        var once = await install.RunAsync(null, "once");
        var check = await install.RunAsync(null, "check");

        Assert.Equal(3, once.ExitCode);
        Assert.Contains("Школа school-2: журнал не прочитан (ошибка настройки)", once.Error, StringComparison.Ordinal);
        Assert.Contains("нет файла attendance.csv", once.Error, StringComparison.Ordinal);
        Assert.Contains("Школа school-1: отправлено: 2", once.Output, StringComparison.Ordinal);
        Assert.Equal(3, check.ExitCode);
        Assert.Contains("Школа school-2: журнал недоступен", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADatabasePathThatIsAFolder_IsCaughtByCheck()
    {
        install.Save();
        Directory.CreateDirectory(Path.Combine(install.Home, "data", "connector.db"));

        var check = await install.RunAsync(null, "check");
        var once = await install.RunAsync(null, "once");

        Assert.Equal(2, check.ExitCode);
        Assert.Contains("Connector:DataDirectory:", check.Error, StringComparison.Ordinal);
        Assert.Contains("— папка, а не файл базы данных", check.Error, StringComparison.Ordinal);
        Assert.Equal(2, once.ExitCode);
        Assert.DoesNotContain("   at ", check.Error + once.Error, StringComparison.Ordinal);
    }

    public void Dispose() => install.Dispose();

    /// <summary>A second school on the same export, in the same time zone, with its own id.</summary>
    private JsonObject SecondSchool()
    {
        var second = JsonNode.Parse(install.School.ToJsonString())!.AsObject();
        second["Id"] = "school-2";
        second["Name"] = "Школа № 2";
        install.Connector["Schools"]!.AsArray().Add(second);
        return second;
    }
}
