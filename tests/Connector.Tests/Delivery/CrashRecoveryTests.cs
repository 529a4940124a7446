using System.Text.Json.Nodes;
using Connector.Testing;

namespace Connector.Tests.Delivery;

/// <summary>
/// The real executable (<c>connector once</c>), killed at each point between deciding and recording a send, then
/// run again. Each guardian must get the notice once; only a kill between the SMTP server's "250 OK" and the
/// connector recording it may give that one guardian a second copy, because SMTP gives no way to ask.
/// </summary>
public sealed class CrashRecoveryTests(MaildevServer maildev) : IClassFixture<MaildevServer>, IDisposable
{
    private readonly TestInstallation install = InstallationAtMidday();

    public static TheoryData<string> PointsBeforeTheSend => ["poll.after-commit", "delivery.after-claim"];

    [Theory]
    [MemberData(nameof(PointsBeforeTheSend))]
    public async Task AKillBeforeTheSend_LosesNothing_AndTheRestartSendsEachNoticeOnce(string point)
    {
        await maildev.ClearAsync();
        install.UseSmtp(maildev.SmtpPort).Save();

        var killed = await install.RunAsync(Crash(point), "once");
        var afterKill = await maildev.GetEmailsAsync();
        var restarted = await install.RunAsync(null, "once");
        var again = await install.RunAsync(null, "once");

        Assert.NotEqual(0, killed.ExitCode);
        Assert.Contains($"killed at {point}", killed.Error, StringComparison.Ordinal);
        Assert.Empty(afterKill);
        Assert.Equal(0, restarted.ExitCode);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(["maria@example.com", "sergey@example.com"], (await maildev.GetEmailsAsync(atLeast: 2)).Select(e => e.Recipient).Order());
    }

    [Fact]
    public async Task AMessageTakenBackByARunnerThatThenDied_IsSentByTheNext_EvenWhenItsClockIsBehind()
    {
        await maildev.ClearAsync();
        install.UseSmtp(maildev.SmtpPort).Save();
        var now = DateTimeOffset.UtcNow;

        // A runner claims the first notice and dies; the next takes it back and dies too; the one after runs on a clock
        // 90 seconds behind the second's (another node, or a rehearsal started again at the same instant).
        var claimed = await install.RunAsync(At(now, "delivery.after-claim"), "once");
        var recovered = await install.RunAsync(At(now.AddMinutes(2), "delivery.after-recovery"), "once");
        var behind = await install.RunAsync(At(now.AddSeconds(30)), "once");

        Assert.Contains("killed at delivery.after-claim", claimed.Error, StringComparison.Ordinal);
        Assert.Contains("killed at delivery.after-recovery", recovered.Error, StringComparison.Ordinal);
        Assert.Equal(0, behind.ExitCode);
        Assert.Equal(["maria@example.com", "sergey@example.com"], (await maildev.GetEmailsAsync(atLeast: 2)).Select(e => e.Recipient).Order());
    }

    [Fact]
    public async Task AKillAfterTheSmtpServerTookTheMessage_SendsThatOneMessageAtMostOnceMore()
    {
        await maildev.ClearAsync();
        install.UseSmtp(maildev.SmtpPort);
        // One message on its way at a time, so the kill falls between the send and the record of exactly one; with
        // more connections every message on its way at the kill is in the same place (the random kill tests run so).
        install.Connector["Email"]!["Smtp"]!["Connections"] = 1;
        install.Save();

        var killed = await install.RunAsync(Crash("delivery.after-send"), "once");
        var afterKill = await maildev.GetEmailsAsync(atLeast: 1);
        var restarted = await install.RunAsync(null, "once");
        var again = await install.RunAsync(null, "once");

        Assert.NotEqual(0, killed.ExitCode);
        var first = Assert.Single(afterKill);
        Assert.Equal(0, restarted.ExitCode);
        Assert.Contains("will be sent again (the channel cannot tell)", restarted.Output, StringComparison.Ordinal);
        var emails = await maildev.GetEmailsAsync(atLeast: 3);
        var copies = emails.Where(e => e.Recipient == first.Recipient).ToList();
        Assert.Equal(2, copies.Count);
        // MailKit sends the id derived from the outbox row, so the resend after the crash carries the same one.
        Assert.NotNull(copies[0].MessageId);
        Assert.Equal(copies[0].MessageId, copies[1].MessageId);
        Assert.Single(emails, e => e.Recipient != first.Recipient);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(3, (await maildev.GetEmailsAsync(atLeast: 3)).Count);
    }

    [Fact]
    public async Task AKillAfterWritingToThePickupFolder_IsRecognisedAtRestart_NoDuplicate()
    {
        install.Save();

        var killed = await install.RunAsync(Crash("delivery.after-send"), "once");
        var afterKill = Directory.GetFiles(install.Outbox, "*.eml");
        var restarted = await install.RunAsync(null, "once");

        Assert.NotEqual(0, killed.ExitCode);
        Assert.Single(afterKill);
        Assert.Equal(0, restarted.ExitCode);
        Assert.Contains("the channel has it, recorded as sent", restarted.Output, StringComparison.Ordinal);
        Assert.Equal(
            ["absence_school-1_g1_" + Today + "_email.eml", "absence_school-1_g2_" + Today + "_email.eml"],
            Directory.GetFiles(install.Outbox, "*.eml").Select(Path.GetFileName).Order());
    }

    public void Dispose() => install.Dispose();

    internal static string Email(int guardian) => $"family{guardian}@example.com";

    internal static string PhoneDigits(int guardian) => $"7900555000{guardian}";

    private static Dictionary<string, string> Crash(string point) => new() { ["CONNECTOR_CRASH_AT"] = point };

    private static Dictionary<string, string> At(DateTimeOffset instant, string? crash = null)
    {
        var environment = crash is null ? [] : Crash(crash);
        environment["CONNECTOR_NOW"] = instant.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        return environment;
    }

    /// <summary>The school-local date the installation was made for: its one extra school day.</summary>
    private string Today => install.School["ExtraSchoolDays"]![0]!.GetValue<string>();

    /// <summary>
    /// <c>once</c> runs on the real clock, so the school is put in the time zone where it is now around midday, and
    /// today is declared a school day (as a Saturday worked instead of a holiday would be).
    /// </summary>
    internal static TestInstallation InstallationAtMidday(int guardians = 0)
    {
        var utc = DateTimeOffset.UtcNow;
        var offset = Enumerable.Range(-12, 27).First(h => (utc.Hour + h + 24) % 24 is >= 11 and < 13);
        var zone = offset switch { 0 => "Etc/UTC", > 0 => $"Etc/GMT-{offset}", _ => $"Etc/GMT+{-offset}" };
        var local = utc.ToOffset(TimeSpan.FromHours(offset));
        var today = DateOnly.FromDateTime(local.DateTime);

        var install = new TestInstallation(zone);
        install.School["GracePeriodMinutes"] = 0;
        install.School["SchoolHoursStart"] = "00:00";
        install.School["SchoolHoursEnd"] = "23:59";
        install.School["ExtraSchoolDays"] = new JsonArray(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        install.Connector["Delivery"]!["FirstRetryDelaySeconds"] = 1;
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1", "g2")
            .Pupil("p2", "Орлова Ксения Игоревна", "7Б", "g3")
            .Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Guardian("g2", "Петров Сергей Павлович", "sergey@example.com")
            .Guardian("g3", "Орлова Ольга Петровна", "olga@example.com")
            .Lessons("7Б", today, 2)
            .Mark(today, "p1", 1, "Н");
        for (var g = 1; g <= guardians; g++)
        {
            install.Journal.Pupil($"c{g}", $"Ученик{g} Иван Сергеевич", "7Б", $"f{g}").Guardian($"f{g}", $"Родитель{g} Мария Ивановна", Email(g), "+" + PhoneDigits(g))
                .Mark(today, $"c{g}", 2, "Н");
        }

        return install;
    }
}
