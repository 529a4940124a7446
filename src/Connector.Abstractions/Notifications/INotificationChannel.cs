using Connector.Abstractions.Schools;

namespace Connector.Abstractions.Notifications;

/// <summary>A way out for messages: e-mail or an SMS gateway.</summary>
public interface INotificationChannel
{
    /// <summary>Which kind of channel this is.</summary>
    ChannelKind Kind { get; }

    /// <summary>
    /// Hands one message over. Failures come back as a <see cref="DeliveryResult"/>, never as an exception,
    /// except cancellation.
    /// </summary>
    Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// After a crash between handing a message over and recording it, tells whether the channel already has
    /// the message with this key, sent to <paramref name="address"/> (see <see cref="PriorHandover"/>). Never throws
    /// for an unreachable status service: that is <see cref="PriorHandover.AskLater"/>.
    /// </summary>
    Task<PriorHandover> WasAcceptedAsync(string idempotencyKey, string address, CancellationToken cancellationToken);

    /// <summary>Checks that the channel can be reached with its settings; returns what was found.</summary>
    /// <exception cref="InvalidOperationException">It cannot; the message names the setting or the server's answer.</exception>
    Task<string> CheckAsync(CancellationToken cancellationToken);
}
