using Connector.Testing;
using Connector.Tests.Delivery;

namespace Connector.Tests.Reliability;

/// <summary>Logs that protect children, and files only the service can read.</summary>
public sealed class PersonalDataTests : IDisposable
{
    private readonly TestInstallation install = CrashRecoveryTests.InstallationAtMidday();

    [Fact]
    public async Task ARunOverBadFiles_LogsNoNameBirthDatePhoneOrEmail_AtInformationOrAbove_AndCountsRepeatedProblems()
    {
        install.Connector["Sms"] = new System.Text.Json.Nodes.JsonObject { ["Gateway"] = "File" };
        install.Journal.Guardian("g9", "Смирнова Алла Петровна", "alla.smirnova@example.com", "+79005550199");
        for (var i = 0; i < 500; i++) install.Journal.RawAttendance($"2026-11-09;Сидоров Пётр;1;ОРВИ;");
        install.Save();
        // A pupil row with a birth date that is not a date, and a guardian with an address that is not one.
        File.AppendAllText(Path.Combine(install.Journal.Path, "pupils.csv"), "p7;Кузнецова;Дарья;Олеговна;7Б;7;31.02.2014;1;\n");
        File.AppendAllText(Path.Combine(install.Journal.Path, "guardians.csv"), "g7;Кузнецов Олег Ильич;kuznetsov@@example;+79005550177;p7;\n");

        var result = await install.RunAsync(null, "once");
        var log = result.Output + result.Error;

        foreach (var secret in new[] { "Петров", "Мария", "maria@example.com", "sergey@example.com", "Сидоров", "ОРВИ", "31.02.2014", "Кузнецов", "kuznetsov@@example", "79005550177", "Смирнова", "79005550199" })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        // Five hundred bad rows are one line, with where the first one is.
        var summary = Assert.Single(log.Split('\n'), l => l.Contains("attendance.csv: 500 record(s) not used", StringComparison.Ordinal));
        Assert.Contains("record 3, field pupil_id", summary, StringComparison.Ordinal);
        // A guardian kept without an e-mail address that is not one is said to be kept, not left out.
        Assert.Contains(log.Split('\n'), l => l.Contains("guardians.csv: 1 record(s) kept, a value ignored: the e-mail address is not valid", StringComparison.Ordinal));
        Assert.True(log.Split('\n').Length < 40, $"{log.Split('\n').Length} lines");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheDatabaseAndTheWrittenMessages_AreReadableByTheServiceAlone()
    {
        install.Save();

        var result = await install.RunAsync(null, "once");

        Assert.Equal(0, result.ExitCode);
        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(install.Home, "data")));
        Assert.Equal(owner, File.GetUnixFileMode(Path.Combine(install.Home, "data", "connector.db")));
        Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(install.Outbox));
        var emails = Directory.GetFiles(install.Outbox, "*.eml");
        Assert.NotEmpty(emails);
        Assert.All(emails, e => Assert.Equal(owner, File.GetUnixFileMode(e)));
    }

    public void Dispose() => install.Dispose();
}
