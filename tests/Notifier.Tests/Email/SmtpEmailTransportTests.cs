using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Notifier.Email;
using Connector.Testing;
using Microsoft.Extensions.Options;

namespace Connector.Notifier.Tests.Email;

public sealed class SmtpEmailTransportTests(MaildevServer maildev) : IClassFixture<MaildevServer>
{
    [Fact]
    public async Task Send_DeliversARussianMessageToTheRecipient_WithReplyToAndAStableMessageId()
    {
        await maildev.ClearAsync();
        var channel = new EmailChannel(new SmtpEmailTransport(Options(maildev.SmtpPort)));
        var message = new OutgoingMessage("absence:school-1:g1:2026-11-09:email", ChannelKind.Email, "maria@example.com",
            "Школа № 1: пропуск уроков 9 ноября 2026 г.", "Здравствуйте, Мария Ивановна!\nПропущено: 2 урока.\n", "office@school1.example");

        var result = await channel.SendAsync(message, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Accepted, result.Outcome);
        var received = Assert.Single(await maildev.GetEmailsAsync(atLeast: 1));
        Assert.Equal("maria@example.com", received.Recipient);
        Assert.Equal("Школа № 1: пропуск уроков 9 ноября 2026 г.", received.Subject);
        Assert.Contains("Здравствуйте, Мария Ивановна!", received.Text, StringComparison.Ordinal);
        Assert.Equal("office@school1.example", Assert.Single(received.ReplyTo!).Email);
        Assert.Equal(EmailChannel.MessageIdFor(message.IdempotencyKey).Trim('<', '>'), received.MessageId?.Trim('<', '>'));
    }

    [Fact]
    public async Task Send_ToAServerThatIsNotThere_IsATransientFailure()
    {
        var channel = new EmailChannel(new SmtpEmailTransport(Options(FreePort.Next())));

        var result = await channel.SendAsync(
            new OutgoingMessage("k", ChannelKind.Email, "maria@example.com", "s", "b"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
        Assert.Contains("cannot reach the mail server 127.0.0.1", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ToAnInvalidAddress_IsPermanent_AndNothingIsSent()
    {
        await maildev.ClearAsync();
        var channel = new EmailChannel(new SmtpEmailTransport(Options(maildev.SmtpPort)));

        var result = await channel.SendAsync(new OutgoingMessage("k", ChannelKind.Email, "maria@@example", "s", "b"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Empty(await maildev.GetEmailsAsync());
    }

    [Fact]
    public async Task Check_ReportsTheServer_AndRefusesAServerWithoutStartTlsWhenItIsRequired()
    {
        var plain = await new SmtpEmailTransport(Options(maildev.SmtpPort)).CheckAsync(CancellationToken.None);
        var requireTls = Options(maildev.SmtpPort);
        requireTls.Value.Smtp.StartTls = true;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new SmtpEmailTransport(requireTls).CheckAsync(CancellationToken.None));

        Assert.Contains($"127.0.0.1:{maildev.SmtpPort} отвечает", plain, StringComparison.Ordinal);
        Assert.StartsWith("Connector:Email:Smtp:StartTls:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WasAccepted_CannotBeKnownOverSmtp() =>
        Assert.Null(await new SmtpEmailTransport(Options(maildev.SmtpPort)).WasAcceptedAsync("k", CancellationToken.None));

    private static IOptions<EmailOptions> Options(int port) => Microsoft.Extensions.Options.Options.Create(new EmailOptions
    {
        Transport = EmailTransportKind.Smtp,
        From = "attendance@school1.example",
        FromName = "Школа № 1",
        Smtp = new SmtpOptions { Host = "127.0.0.1", Port = port, StartTls = false, TimeoutSeconds = 10 },
    });
}
