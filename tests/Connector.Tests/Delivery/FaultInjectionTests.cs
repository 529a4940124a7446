using System.Globalization;
using System.Text.Json.Nodes;
using Connector.Testing;
using Xunit.Abstractions;

namespace Connector.Tests.Delivery;

/// <summary>
/// Kills the real executable at random points of polling and delivery, over many rounds, and counts what the
/// guardians received: losses must be zero; duplicates may only come from a kill between an SMTP server's
/// "250 OK" and the connector recording it. SMSC is asked by client id, so SMS has none. The figures are printed
/// and written to artifacts/fault-injection.txt (README, "Delivery guarantees").
/// </summary>
public sealed class FaultInjectionTests(MaildevServer maildev, ITestOutputHelper output) : IClassFixture<MaildevServer>
{
    private const int Rounds = 6;
    private static readonly string[] Points = ["poll.after-commit", "delivery.after-claim", "delivery.after-send", "delivery.after-send", "delivery.after-record"];

    [Fact]
    public async Task KillsAtRandomPoints_LoseNothing_AndDuplicateOnlyWhereSmtpCannotTell()
    {
        var random = new Random(20261122);
        var (kills, unknowable, lostEmail, lostSms, duplicateEmail, duplicateSms) = (0, 0, 0, 0, 0, 0);
        var expected = 0;
        for (var round = 0; round < Rounds; round++)
        {
            await maildev.ClearAsync();
            await using var sms = await SmscEmulator.StartNewAsync();
            using var install = CrashRecoveryTests.InstallationAtMidday(guardians: 8);
            install.UseSmtp(maildev.SmtpPort).UseSmsc(sms.BaseUrl);
            for (var g = 1; g <= 8; g += 2) install.Journal.Preferred($"f{g}", "sms");
            install.Save();

            var crashes = 1 + random.Next(4);
            for (var run = 0; run < crashes; run++)
            {
                var point = Points[random.Next(Points.Length)];
                var nth = 1 + random.Next(4);
                var result = await install.RunAsync(new Dictionary<string, string> { ["CONNECTOR_CRASH_AT"] = $"{point}#{nth}" }, "once");
                unknowable += Resends(result.Output);
                if (result.Error.Contains("killed at", StringComparison.Ordinal)) kills++;
            }

            unknowable += Resends((await install.RunAsync(null, "once")).Output);
            unknowable += Resends((await install.RunAsync(null, "once")).Output);

            var emails = (await maildev.GetEmailsAsync(atLeast: 4)).GroupBy(e => e.Recipient).ToDictionary(g => g.Key, g => g.Count());
            var texts = sms.Received.GroupBy(s => s.Phone).ToDictionary(g => g.Key, g => g.Count());
            for (var g = 1; g <= 8; g++)
            {
                expected++;
                var copies = g % 2 == 1 ? texts.GetValueOrDefault(CrashRecoveryTests.PhoneDigits(g)) : emails.GetValueOrDefault(CrashRecoveryTests.Email(g));
                if (copies == 0 && g % 2 == 1) lostSms++;
                if (copies == 0 && g % 2 == 0) lostEmail++;
                if (copies > 1 && g % 2 == 1) duplicateSms += copies - 1;
                if (copies > 1 && g % 2 == 0) duplicateEmail += copies - 1;
            }
        }

        var figures = string.Create(CultureInfo.InvariantCulture,
            $"fault injection: {Rounds} rounds, {kills} kills, {expected} notices expected; lost: e-mail {lostEmail}, SMS {lostSms}; duplicated: e-mail {duplicateEmail} (messages the channel could not vouch for after a kill: {unknowable}), SMS {duplicateSms}");
        output.WriteLine(figures);
        Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "artifacts"));
        await File.WriteAllTextAsync(Path.Combine(RepositoryRoot.Path, "artifacts", "fault-injection.txt"), figures + "\n");

        Assert.True(kills >= Rounds, figures);
        Assert.Equal((0, 0), (lostEmail, lostSms));
        Assert.Equal(0, duplicateSms);
        Assert.InRange(duplicateEmail, 0, unknowable);
    }

    /// <summary>Recovery says so when it must send a message again because its channel cannot tell whether it went (SMTP).</summary>
    private static int Resends(string log) =>
        log.Split('\n').Count(l => l.Contains("will be sent again (the channel cannot tell)", StringComparison.Ordinal));
}
