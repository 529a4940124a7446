using System.Net.Mail;
using System.Net.Mime;
using System.Text;

namespace Connector.Notifier.Email;

/// <summary>Builds the System.Net.Mail message both built-in transports send: UTF-8 throughout, text with an optional HTML alternative.</summary>
internal static class MailMessageFactory
{
    public static MailMessage Create(EmailEnvelope envelope, EmailOptions options)
    {
        var message = new MailMessage
        {
            From = new MailAddress(options.From, options.FromName, Encoding.UTF8),
            Subject = envelope.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
        };
        message.To.Add(new MailAddress(envelope.To));
        if (envelope.ReplyTo is { Length: > 0 } replyTo)
        {
            message.ReplyToList.Add(new MailAddress(replyTo));
        }

        message.Headers["Message-ID"] = envelope.MessageId;
        var text = AlternateView.CreateAlternateViewFromString(envelope.TextBody, Encoding.UTF8, MediaTypeNames.Text.Plain);
        text.TransferEncoding = TransferEncoding.QuotedPrintable;
        message.AlternateViews.Add(text);
        if (envelope.HtmlBody is { } html)
        {
            var view = AlternateView.CreateAlternateViewFromString(html, Encoding.UTF8, MediaTypeNames.Text.Html);
            view.TransferEncoding = TransferEncoding.QuotedPrintable;
            message.AlternateViews.Add(view);
        }

        return message;
    }
}
