using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Notifier.Email;
using Connector.Testing;
using Microsoft.Extensions.Options;

namespace Connector.Notifier.Tests.Email;

/// <summary>
/// E-mail over SMTP through MailKit, to a real SMTP server (maildev), in plain text, through STARTTLS and implicit
/// TLS (a TLS front with its own certificate before maildev), with connections kept and reused.
/// </summary>
public sealed class SmtpEmailTransportTests(MaildevServer maildev) : IClassFixture<MaildevServer>
{
    private static readonly OutgoingMessage Notice = new("absence:school-1:g1:2026-11-09:email", ChannelKind.Email, "maria@example.com",
        "Школа № 1: пропуск уроков 9 ноября 2026 г.", "Здравствуйте, Мария Ивановна!\nПропущено: 2 урока.\n", "office@school1.example");

    [Fact]
    public async Task Send_DeliversARussianMessageToTheRecipient_WithReplyToAndAStableMessageId()
    {
        await maildev.ClearAsync();
        await using var transport = Transport(maildev.SmtpPort);

        var result = await new EmailChannel(transport).SendAsync(Notice, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Accepted, result.Outcome);
        var received = Assert.Single(await maildev.GetEmailsAsync(atLeast: 1));
        Assert.Equal("maria@example.com", received.Recipient);
        Assert.Equal("Школа № 1: пропуск уроков 9 ноября 2026 г.", received.Subject);
        Assert.Contains("Здравствуйте, Мария Ивановна!", received.Text, StringComparison.Ordinal);
        Assert.Equal("office@school1.example", Assert.Single(received.ReplyTo!).Email);
        Assert.Equal(EmailChannel.MessageIdFor(Notice.IdempotencyKey).Trim('<', '>'), received.MessageId?.Trim('<', '>'));
    }

    [Fact]
    public async Task Send_WithAnHtmlPart_CarriesBothTheTextAndTheHtml()
    {
        await maildev.ClearAsync();
        await using var transport = Transport(maildev.SmtpPort);

        await new EmailChannel(transport).SendAsync(Notice with { HtmlBody = "<p>Здравствуйте, <b>Мария Ивановна</b>!</p>" }, CancellationToken.None);

        var received = Assert.Single(await maildev.GetEmailsAsync(atLeast: 1));
        Assert.Contains("Здравствуйте, Мария Ивановна!", received.Text, StringComparison.Ordinal);
        Assert.Contains("<b>Мария Ивановна</b>", received.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASendAgainAfterACrash_CarriesTheSameMessageId_SoTheMailClientFoldsTheRepeat()
    {
        await maildev.ClearAsync();
        await using var first = Transport(maildev.SmtpPort);
        await using var afterRestart = Transport(maildev.SmtpPort);

        await new EmailChannel(first).SendAsync(Notice, CancellationToken.None);
        // The process died after the server's 250 and before the send was recorded: the restart sends it again.
        await new EmailChannel(afterRestart).SendAsync(Notice, CancellationToken.None);

        var received = await maildev.GetEmailsAsync(atLeast: 2);
        Assert.Equal(2, received.Count);
        Assert.Single(received.Select(r => r.MessageId).Distinct());
        Assert.NotNull(received[0].MessageId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ManyMessages_GoOverOneKeptConnection_WithPipeliningOrWithout(bool pipelining)
    {
        await maildev.ClearAsync();
        using var front = new SmtpTlsFront(maildev.SmtpPort, FrontMode.Plain);
        await using var transport = Transport(front.Port, o => (o.Connections, o.Pipelining) = (1, pipelining));

        for (var i = 0; i < 5; i++)
        {
            var result = await new EmailChannel(transport).SendAsync(Notice with { IdempotencyKey = $"absence:school-1:g{i}:2026-11-09:email" }, CancellationToken.None);
            Assert.Equal(DeliveryOutcome.Accepted, result.Outcome);
        }

        Assert.Equal(5, (await maildev.GetEmailsAsync(atLeast: 5)).Count);
        Assert.Equal(1, front.Connections);
        Assert.Equal(1, transport.ConnectionsOpened);
    }

    [Fact]
    public async Task MessagesSentAtOnce_UseNoMoreConnectionsThanConfigured_AndAllArrive()
    {
        await maildev.ClearAsync();
        using var front = new SmtpTlsFront(maildev.SmtpPort, FrontMode.Plain);
        await using var transport = Transport(front.Port, o => o.Connections = 3);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            new EmailChannel(transport).SendAsync(Notice with { IdempotencyKey = $"absence:school-1:g{i}:2026-11-09:email" }, CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(DeliveryOutcome.Accepted, r.Outcome));
        Assert.Equal(12, (await maildev.GetEmailsAsync(atLeast: 12)).Select(r => r.MessageId).Distinct().Count());
        Assert.InRange(front.Connections, 1, 3);
    }

    [Theory]
    [InlineData(FrontMode.StartTls)]
    [InlineData(FrontMode.Implicit)]
    public async Task OverTls_WithTheServersCertificatePinned_TheMessageArrives_AndCheckSaysTls(FrontMode mode)
    {
        await maildev.ClearAsync();
        using var front = new SmtpTlsFront(maildev.SmtpPort, mode);
        await using var transport = OverTls(front, mode, pinned: true);

        var check = await transport.CheckAsync(CancellationToken.None);
        var result = await new EmailChannel(transport).SendAsync(Notice, CancellationToken.None);

        Assert.Contains($"почтовый сервер 127.0.0.1:{front.Port} отвечает; TLS Tls1", check, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Accepted, result.Outcome);
        Assert.Contains("Здравствуйте, Мария Ивановна!", Assert.Single(await maildev.GetEmailsAsync(atLeast: 1)).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FrontMode.StartTls)]
    [InlineData(FrontMode.Implicit)]
    public async Task OverTls_ACertificateNobodyVouchesFor_IsAConfigurationFailure_AndNothingIsSent(FrontMode mode)
    {
        await maildev.ClearAsync();
        using var front = new SmtpTlsFront(maildev.SmtpPort, mode);
        await using var transport = OverTls(front, mode, pinned: false);

        var result = await new EmailChannel(transport).SendAsync(Notice, CancellationToken.None);
        var check = await Assert.ThrowsAsync<InvalidOperationException>(() => transport.CheckAsync(CancellationToken.None));

        Assert.Equal(DeliveryOutcome.ConfigurationFailure, result.Outcome);
        Assert.StartsWith($"TLS with 127.0.0.1:{front.Port} failed", result.Detail, StringComparison.Ordinal);
        Assert.StartsWith("Connector:Email:Smtp: TLS с 127.0.0.1", check.Message, StringComparison.Ordinal);
        Assert.Empty(await maildev.GetEmailsAsync());
    }

    [Fact]
    public async Task Send_ToAServerThatIsNotThere_IsATransientFailure()
    {
        await using var transport = Transport(FreePort.Next());

        var result = await new EmailChannel(transport).SendAsync(new OutgoingMessage("k", ChannelKind.Email, "maria@example.com", "s", "b"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
        Assert.Contains("cannot reach the mail server 127.0.0.1", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ToAnInvalidAddress_IsPermanent_AndNothingIsSent()
    {
        await maildev.ClearAsync();
        await using var transport = Transport(maildev.SmtpPort);

        var result = await new EmailChannel(transport).SendAsync(new OutgoingMessage("k", ChannelKind.Email, "maria@@example", "s", "b"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Empty(await maildev.GetEmailsAsync());
    }

    [Fact]
    public async Task Check_ReportsTheServer_AndRefusesAServerWithoutStartTlsWhenItIsRequired()
    {
        await using var plainTransport = Transport(maildev.SmtpPort);
        await using var requireTls = Transport(maildev.SmtpPort, o => o.StartTls = true);

        var plain = await plainTransport.CheckAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => requireTls.CheckAsync(CancellationToken.None));

        Assert.Contains($"127.0.0.1:{maildev.SmtpPort} отвечает; без шифрования", plain, StringComparison.Ordinal);
        Assert.StartsWith("Connector:Email:Smtp:StartTls:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WasAccepted_CannotBeKnownOverSmtp()
    {
        await using var transport = Transport(maildev.SmtpPort);
        Assert.Null(await transport.WasAcceptedAsync("k", CancellationToken.None));
    }

    /// <summary>A transport to the TLS front: STARTTLS or TLS from the first byte, with or without the front's certificate pinned.</summary>
    private static SmtpEmailTransport OverTls(SmtpTlsFront front, FrontMode mode, bool pinned) => Transport(front.Port, o =>
    {
        o.StartTls = mode == FrontMode.StartTls;
        o.ImplicitTls = mode == FrontMode.Implicit;
        if (pinned) o.TrustedCertificateSha256 = front.Sha256;
    });

    private static SmtpEmailTransport Transport(int port, Action<SmtpOptions>? change = null)
    {
        var smtp = new SmtpOptions { Host = "127.0.0.1", Port = port, StartTls = false, TimeoutSeconds = 10 };
        change?.Invoke(smtp);
        return new SmtpEmailTransport(Options.Create(new EmailOptions
        {
            Transport = EmailTransportKind.Smtp,
            From = "attendance@school1.example",
            FromName = "Школа № 1",
            Smtp = smtp,
        }), TimeProvider.System);
    }
}
