using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using System.Security.Authentication;
using Connector.Abstractions.Notifications;
using Microsoft.Extensions.Options;

namespace Connector.Notifier.Email;

/// <summary>
/// Sends through an SMTP server with System.Net.Mail: STARTTLS and AUTH, one connection per message (what the
/// built-in client does). After a crash between the server's "250 OK" and the connector recording it, SMTP gives no
/// way to ask whether the message went, so such a message is sent once more (see README, "Delivery guarantees").
/// </summary>
internal sealed class SmtpEmailTransport(IOptions<EmailOptions> options) : IEmailTransport
{
    private EmailOptions Options => options.Value;

    public async Task<DeliveryResult> SendAsync(EmailEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!MailAddress.TryCreate(envelope.To, out _))
        {
            return DeliveryResult.Permanent("the recipient's address is not a valid e-mail address");
        }

        var smtp = Options.Smtp;
        using var message = MailMessageFactory.Create(envelope, Options);
        using var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            EnableSsl = smtp.StartTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = smtp.TimeoutSeconds * 1000,
        };
        if (smtp.UserName.Length > 0)
        {
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(smtp.TimeoutSeconds));
        try
        {
            await client.SendMailAsync(message, timeout.Token).ConfigureAwait(false);
            return DeliveryResult.Accepted(envelope.MessageId, $"{smtp.Host}:{smtp.Port}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Transient($"the mail server did not answer within {smtp.TimeoutSeconds} s");
        }
        catch (SmtpFailedRecipientException ex)
        {
            return Classify(ex.StatusCode, ex.Message, recipient: true);
        }
        catch (SmtpException ex) when (ex.InnerException is SocketException or IOException)
        {
            return DeliveryResult.Transient($"cannot reach the mail server {smtp.Host}:{smtp.Port}: {ex.InnerException.Message}");
        }
        catch (SmtpException ex) when (ex.InnerException is AuthenticationException)
        {
            return DeliveryResult.Configuration($"TLS with {smtp.Host} failed: {ex.InnerException.Message}");
        }
        catch (SmtpException ex)
        {
            return Classify(ex.StatusCode, ex.Message, recipient: false);
        }
        catch (InvalidOperationException ex)
        {
            // System.Net.Mail throws this when the server does not offer STARTTLS although it is required.
            return DeliveryResult.Configuration($"{smtp.Host}: {ex.Message}");
        }
    }

    public Task<bool?> WasAcceptedAsync(string idempotencyKey, CancellationToken cancellationToken) => Task.FromResult<bool?>(null);

    public async Task<string> CheckAsync(CancellationToken cancellationToken)
    {
        var smtp = Options.Smtp;
        using var tcp = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(smtp.TimeoutSeconds));
        try
        {
            await tcp.ConnectAsync(smtp.Host, smtp.Port, timeout.Token).ConfigureAwait(false);
            using var stream = tcp.GetStream();
            using var reader = new StreamReader(stream);
            await using var writer = new StreamWriter(stream) { NewLine = "\r\n", AutoFlush = true };
            var banner = await ReadReplyAsync(reader, timeout.Token).ConfigureAwait(false);
            if (!banner.StartsWith("220", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{EmailOptions.SectionName}:Smtp:Host: {smtp.Host}:{smtp.Port} answered '{banner}' instead of 220");
            }

            await writer.WriteLineAsync("EHLO connector".AsMemory(), timeout.Token).ConfigureAwait(false);
            var ehlo = await ReadReplyAsync(reader, timeout.Token).ConfigureAwait(false);
            await writer.WriteLineAsync("QUIT".AsMemory(), timeout.Token).ConfigureAwait(false);
            var hasStartTls = ehlo.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase);
            if (smtp.StartTls && !hasStartTls)
            {
                throw new InvalidOperationException(
                    $"{EmailOptions.SectionName}:Smtp:StartTls: {smtp.Host}:{smtp.Port} does not offer STARTTLS; set StartTls to false only for a server on a trusted network (implicit TLS on port 465 is not supported)");
            }

            return string.Create(CultureInfo.InvariantCulture,
                $"почтовый сервер {smtp.Host}:{smtp.Port} отвечает; STARTTLS {(hasStartTls ? "есть" : "нет")}{(smtp.UserName.Length > 0 ? $", вход под {smtp.UserName}" : "")}");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"{EmailOptions.SectionName}:Smtp:Host: cannot connect to {smtp.Host}:{smtp.Port}: {ex.Message}", ex);
        }
    }

    private static async Task<string> ReadReplyAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-') break;
        }

        return string.Join(' ', lines);
    }

    private static DeliveryResult Classify(SmtpStatusCode code, string message, bool recipient)
    {
        var detail = string.Create(CultureInfo.InvariantCulture, $"SMTP {(int)code}: {message}");
        return (int)code switch
        {
            // 5xx about the mailbox: this address will never take the message.
            550 or 551 or 553 or 552 when recipient => DeliveryResult.Permanent(detail),
            550 or 551 or 553 => DeliveryResult.Permanent(detail),
            // Authentication, relaying and sender problems need the IT person, not a retry.
            530 or 534 or 535 or 538 or 454 or 500 or 501 or 502 or 503 or 504 or 555 => DeliveryResult.Configuration(detail),
            >= 400 and < 500 => DeliveryResult.Transient(detail),
            _ => DeliveryResult.Transient(detail),
        };
    }
}
