using Connector.Abstractions.Notifications;

namespace Connector.Notifier.Email;

/// <summary>
/// The one seam e-mail leaves through: SMTP through MailKit, or the pickup folder; both build the message with MimeKit.
/// </summary>
public interface IEmailTransport
{
    /// <summary>Hands the e-mail over; failures come back as a result, classified as permanent, transient or configuration.</summary>
    Task<DeliveryResult> SendAsync(EmailEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>Whether the e-mail with this key was already handed over; null when the transport cannot know.</summary>
    Task<bool?> WasAcceptedAsync(string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Checks the transport can be used; returns what was found, or throws <see cref="InvalidOperationException"/> naming the problem.</summary>
    Task<string> CheckAsync(CancellationToken cancellationToken);
}
