using System.Text.Json.Nodes;
using Connector.Demo;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Delivery;

/// <summary>
/// The notifier's channel rules through the whole service: the real jobs on a virtual clock, SMS over the gateway
/// emulators, e-mail over real SMTP servers.
/// </summary>
public sealed class ChannelDeliveryTests : IAsyncLifetime
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();
    private SmscEmulator sms = null!;
    private BouncingSmtpServer smtp = null!;
    private IHost? host;

    public async Task InitializeAsync()
    {
        sms = await SmscEmulator.StartNewAsync();
        smtp = new BouncingSmtpServer("bounce@example.com");
        install.UseSmtp(smtp.Port).UseSmsc(sms.BaseUrl);
        install.Journal.Lessons("7Б", Monday, 6).Lessons("7Б", Monday.AddDays(1), 6);
    }

    public async Task DisposeAsync()
    {
        host?.Dispose();
        await sms.DisposeAsync();
        await smtp.DisposeAsync();
        install.Dispose();
    }

    [Fact]
    public async Task AGuardianWithoutEmail_IsToldBySms()
    {
        Guardian("g1", email: null, phone: "8 (900) 111-11-11");

        await ReplayAsync(Monday, Monday);

        var text = Assert.Single(sms.Received);
        Assert.Equal("79001111111", text.Phone);
        Assert.Equal("Школа № 1: 09.11 Иван (7Б) пропуск 1 ур. Причина не указана. Сообщите школе: +7 (900) 000-00-01", text.Text);
        Assert.Empty(smtp.Accepted);
    }

    [Fact]
    public async Task ABouncedEmail_FallsBackToSms_AndTheLogNamesNoAddress()
    {
        Guardian("g1", email: "bounce@example.com", phone: "+79001111111");
        var log = new CapturedLog();

        await ReplayAsync(Monday, Monday, log);

        var failure = Assert.Single(log.Lines, l => l.Message.Contains("cannot go by Email", StringComparison.Ordinal)).Message;
        Assert.Contains("5.1.1 <e-mail>: mailbox unavailable", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("@example.com", StringComparison.Ordinal) || l.Message.Contains("9001111111", StringComparison.Ordinal));

        Assert.Equal("79001111111", Assert.Single(sms.Received).Phone);
        var rows = await QueryAsync<(string, string, string?)>("SELECT channel, state, last_error FROM outbox ORDER BY id");
        Assert.Equal(("Email", "failed"), (rows[0].Item1, rows[0].Item2));
        Assert.Contains("mailbox unavailable", rows[0].Item3, StringComparison.Ordinal);
        Assert.EndsWith("→ Sms", rows[0].Item3, StringComparison.Ordinal);
        Assert.Equal(("Sms", "sent"), (rows[1].Item1, rows[1].Item2));
    }

    [Fact]
    public async Task AnSmsTheGatewayRefuses_FallsBackToEmail()
    {
        Guardian("g1", email: "maria@example.com", phone: "+79001111111", preferred: "sms");
        sms.InvalidNumbers["79001111111"] = true;

        await ReplayAsync(Monday, Monday);

        Assert.Empty(sms.Received);
        Assert.Equal(["maria@example.com"], smtp.Accepted);
    }

    [Fact]
    public async Task AnSmsTheOperatorNeverDelivers_FallsBackToEmail_AfterTheStatusCheck()
    {
        Guardian("g1", email: "maria@example.com", phone: "+79001111111", preferred: "sms");
        sms.Undeliverable["79001111111"] = true;

        await ReplayAsync(Monday, Monday);

        Assert.Single(sms.Received);
        Assert.Equal(["maria@example.com"], smtp.Accepted);
        var status = await QueryAsync<(string?, string?)>("SELECT delivery_status, delivery_detail FROM outbox WHERE channel = 'Sms'");
        Assert.Equal(("Failed", "SMSC 20 (err 1)"), status.Single());
    }

    [Fact]
    public async Task AnOptOutRecordedWithItsSource_IsObeyed()
    {
        Guardian("g1", email: "maria@example.com", phone: "+79001111111", preferred: "sms");
        install.Save();
        await ReplayAsync(Monday.AddDays(-3), Monday.AddDays(-3));
        host!.Dispose();
        var consent = await install.RunAsync(null, "consent", "--school", "school-1", "--guardian", "g1", "--channel", "Sms", "--opt-out", "--source", "заявление от 01.09.2026");

        await ReplayAsync(Monday, Monday);

        Assert.True(consent.ExitCode == 0, consent.Output + consent.Error);
        Assert.StartsWith("Записано: представитель g1, канал «SMS»: отказ; основание: заявление от 01.09.2026;", consent.Output, StringComparison.Ordinal);
        Assert.Contains("по времени школы (Europe/Moscow)", consent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("UTC", consent.Output, StringComparison.Ordinal);
        Assert.Empty(sms.Received);
        Assert.Equal(["maria@example.com"], smtp.Accepted);
        var recorded = await QueryAsync<(string, string, string)>("SELECT channel, status, source FROM guardian_consents");
        Assert.Equal(("Sms", "opt-out", "заявление от 01.09.2026"), recorded.Single());
    }

    [Fact]
    public async Task TwoSiblingsAbsent_OneSmsToTheSharedGuardian()
    {
        install.Journal
            .Pupil("p1", "Белова Полина Алексеевна", "7Б", "g1")
            .Pupil("p2", "Белов Егор Алексеевич", "7Б", "g1")
            .Guardian("g1", "Белова Наталья Викторовна", null, "+79001111111")
            .Mark(Monday, "p1", 1, "Н").Mark(Monday, "p2", 1, "Н");

        await ReplayAsync(Monday, Monday);

        var text = Assert.Single(sms.Received).Text;
        Assert.Equal("Школа № 1: 09.11 Егор (7Б) пропуск 1 ур.; Полина (7Б) пропуск 1 ур. Причина не указана. Сообщите школе: +7 (900) 000-00-01", text);
    }

    [Theory]
    [InlineData("Europe/Kaliningrad", 2)]
    [InlineData("Asia/Kamchatka", 12)]
    public async Task AnAbsenceFoundAtNight_IsSentWhenTheQuietHoursEnd_SchoolLocal(string timeZone, int offset)
    {
        install.School["TimeZone"] = timeZone;
        install.School["SchoolHoursEnd"] = "23:30";
        Guardian("g1", email: null, phone: "+79001111111", recordedAt: Monday.ToDateTime(new TimeOnly(21, 40)));

        await ReplayAsync(Monday, Monday.AddDays(1));

        Assert.Single(sms.Received);
        var (sentAt, deferred) = (await QueryAsync<(string, string?)>("SELECT sent_at, deferred_reason FROM outbox WHERE kind = 'absence'")).Single();
        Assert.Equal(new DateTimeOffset(2026, 11, 10, 8, 0, 0, TimeSpan.FromHours(offset)), StoreTime.ParseInstant(sentAt));
        Assert.Equal("quiet-hours", deferred);

        // The staff are told the same-day rule was missed for it.
        var school = host!.Services.GetRequiredService<Connector.Schools.SchoolRegistry>().Get("school-1");
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        var social = new Abstractions.Schools.StaffMember("sp", "Тихонова Екатерина Сергеевна", "social@school1.example", [Abstractions.Schools.StaffRole.SocialPedagogue], []);
        var digest = await host.Services.GetRequiredService<Connector.Digest.DigestBuilder>().BuildAsync(db, null, school, social, Monday.AddDays(1), StoreTime.ParseInstant(sentAt));
        Assert.Equal(["Уведомлений о пропусках, ушедших только на следующее утро из-за ночного времени: 1. Правило «в тот же день» для них не выполнено."], digest.Alerts);
    }

    [Fact]
    public async Task AGatewayRefusingTheAccount_IsPausedInsteadOfHammered_AndResumesWhenFixed()
    {
        install.Connector["Delivery"]!["MaxRetryDelayMinutes"] = 60;
        Guardian("g1", email: null, phone: "+79001111111");
        sms.Fault = SmsFault.InsufficientFunds;
        var clock = new FakeTimeProvider(DateTimeOffset.MinValue);
        host = install.BuildHost(clock);
        await host.StartAsync();
        var driver = new ReplayDriver(host, clock.MoveTo);
        var sendsWhileBroken = 0;
        await driver.RunAsync(Monday, Monday, at =>
        {
            // Funds are topped up at noon.
            if (at.ToOffset(TimeSpan.FromHours(3)).Hour >= 12 && sms.Fault != SmsFault.None)
            {
                sendsWhileBroken = sms.Requests("/sys/send.php");
                sms.Fault = SmsFault.None;
            }

            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.InRange(sendsWhileBroken, 1, 4);
        Assert.Single(sms.Received);
        Assert.Empty(await QueryAsync<string>("SELECT channel FROM channel_pauses"));
    }

    public async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var db = await host!.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        return (await db.QueryAsync<T>(sql)).ToList();
    }

    private void Guardian(string id, string? email, string phone, string? preferred = null, DateTime? recordedAt = null)
    {
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", id).Guardian(id, "Петрова Мария Ивановна", email, phone).Mark(Monday, "p1", 1, "Н", recordedAt);
        if (preferred is not null) install.Journal.Preferred(id, preferred);
    }

    private async Task ReplayAsync(DateOnly from, DateOnly to, CapturedLog? log = null)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.MinValue);
        host?.Dispose();
        host = install.BuildHost(clock, log);
        await host.StartAsync();
        await new ReplayDriver(host, clock.MoveTo).RunAsync(from, to, _ => Task.CompletedTask, CancellationToken.None);
        await host.StopAsync();
    }
}
