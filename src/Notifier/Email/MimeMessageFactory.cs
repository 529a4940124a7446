using MimeKit;

namespace Connector.Notifier.Email;

/// <summary>
/// Builds the message both transports send, with MimeKit: UTF-8 throughout, a text part and, where the template has
/// one, an HTML alternative; the Message-ID derived from the outbox row, so a resend after a crash carries the same id.
/// </summary>
internal static class MimeMessageFactory
{
    public static MimeMessage Create(EmailEnvelope envelope, EmailOptions options, DateTimeOffset now)
    {
        var message = new MimeMessage
        {
            Subject = envelope.Subject,
            MessageId = envelope.MessageId.Trim('<', '>'),
            Date = now,
        };
        message.From.Add(new MailboxAddress(options.FromName, options.From));
        message.To.Add(MailboxAddress.Parse(envelope.To));
        if (envelope.ReplyTo is { Length: > 0 } replyTo) message.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        message.Body = new BodyBuilder { TextBody = envelope.TextBody, HtmlBody = envelope.HtmlBody }.ToMessageBody();
        return message;
    }
}
