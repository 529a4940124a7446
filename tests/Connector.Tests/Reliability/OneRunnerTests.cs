using System.Text.Json.Nodes;
using Connector.Delivery;
using Connector.Demo;
using Connector.Polling;
using Connector.Store;
using Connector.Testing;
using Connector.Tests.Delivery;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Reliability;

/// <summary>One installation, one runner: a second <c>run</c> is refused; and even two runners racing on one store send nobody two copies.</summary>
public sealed class OneRunnerTests(MaildevServer maildev) : IClassFixture<MaildevServer>
{
    [Fact]
    public async Task ASecondRun_OnTheSameHome_IsRefusedInRussian_AndTheFirstGoesOn()
    {
        using var install = CrashRecoveryTests.InstallationAtMidday();
        install.Save();
        using var first = install.Start("run");
        var firstOutput = first.StandardOutput.ReadToEndAsync();
        try
        {
            // The first runner holds the lock once it has opened its store.
            var lockFile = Path.Combine(install.Home, "data", InstallationLock.FileName);
            for (var i = 0; i < 300 && !File.Exists(lockFile); i++) await Task.Delay(100);
            await Task.Delay(1000);

            var second = await install.RunAsync(null, "run");
            var once = await install.RunAsync(null, "once");

            Assert.Equal(5, second.ExitCode);
            Assert.Contains("Connector уже работает с этой установкой", second.Error, StringComparison.Ordinal);
            Assert.Contains("второй запуск остановлен", second.Error, StringComparison.Ordinal);
            Assert.Equal(5, once.ExitCode);
            Assert.False(first.HasExited);
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task TwoRunnersWithoutTheLock_RacingOnOneStore_SendEachGuardianOneCopy()
    {
        await maildev.ClearAsync();
        using var install = new TestInstallation();
        install.UseSmtp(maildev.SmtpPort);
        install.School["GracePeriodMinutes"] = 0;
        var monday = new DateOnly(2026, 11, 9);
        install.Journal.Lessons("7Б", monday, 2);
        for (var g = 1; g <= 30; g++)
        {
            install.Journal.Pupil($"p{g}", $"Ученик{g} Иван Сергеевич", "7Б", $"g{g}").Guardian($"g{g}", $"Родитель{g} Мария Ивановна", $"family{g}@example.com")
                .Mark(monday, $"p{g}", 1, "Н");
        }

        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 9, 9, 30, 0, TimeSpan.FromHours(3)));
        using var a = install.BuildHost(clock);
        using var b = install.BuildHost(clock);
        await a.Services.GetRequiredService<SchoolPoller>().PollAsync("school-1", CancellationToken.None);

        // Neither holds the installation lock: only the compare-and-set claims and the leases keep them apart.
        var runs = Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? a : b).Services.GetRequiredService<OutboxDispatcher>().DeliverAsync("school-1", CancellationToken.None));
        await Task.WhenAll(runs);

        var emails = await maildev.GetEmailsAsync(atLeast: 30);
        Assert.Equal(30, emails.Count);
        Assert.All(emails.GroupBy(e => e.Recipient), g => Assert.Single(g));
        await using var db = await a.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        Assert.Equal(30, await db.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM audit_log WHERE action = 'absence-notice.sent'"));
    }
}
