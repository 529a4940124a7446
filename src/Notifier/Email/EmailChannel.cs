using System.Security.Cryptography;
using System.Text;
using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;

namespace Connector.Notifier.Email;

/// <summary>The e-mail channel: turns an outgoing message into an envelope for the configured transport.</summary>
internal sealed class EmailChannel(IEmailTransport transport) : INotificationChannel
{
    public ChannelKind Kind => ChannelKind.Email;

    public Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var envelope = new EmailEnvelope(
            MessageIdFor(message.IdempotencyKey),
            message.IdempotencyKey,
            message.Address,
            message.ReplyTo,
            message.Subject ?? "",
            message.Body,
            message.HtmlBody);
        return transport.SendAsync(envelope, cancellationToken);
    }

    public async Task<PriorHandover> WasAcceptedAsync(string idempotencyKey, string address, CancellationToken cancellationToken) =>
        await transport.WasAcceptedAsync(idempotencyKey, cancellationToken).ConfigureAwait(false) switch
        {
            true => PriorHandover.Accepted,
            false => PriorHandover.NotAccepted,
            null => PriorHandover.CannotTell,
        };

    public Task<string> CheckAsync(CancellationToken cancellationToken) => transport.CheckAsync(cancellationToken);

    /// <summary>
    /// The same key always gives the same Message-ID, so that a message sent again after a crash is recognisable
    /// as a repeat; the key itself (which holds ids) is not shown.
    /// </summary>
    internal static string MessageIdFor(string idempotencyKey)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32];
        return $"<{hash}@connector.local>";
    }
}
