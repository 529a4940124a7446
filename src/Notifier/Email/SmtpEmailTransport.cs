using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Connector.Abstractions.Notifications;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Connector.Notifier.Email;

/// <summary>
/// Sends through an SMTP server with MailKit: STARTTLS (587) or implicit TLS (465), AUTH, and connections kept open
/// and reused for many messages, up to <see cref="SmtpOptions.Connections"/> at once. A connection idle for a minute
/// is closed before it is used again (servers drop idle ones). After a crash between the server's "250 OK" and the
/// connector recording it, SMTP gives no way to ask whether the message went, so such a message is sent once more,
/// with the same Message-ID (see README, "Delivery guarantees").
/// </summary>
internal sealed class SmtpEmailTransport(IOptions<EmailOptions> options, TimeProvider time) : IEmailTransport, IAsyncDisposable
{
    private static readonly TimeSpan IdleLimit = TimeSpan.FromMinutes(1);
    private readonly ConcurrentBag<Connection> idle = [];
    private readonly Lazy<SemaphoreSlim> slots = new(() => new SemaphoreSlim(Math.Clamp(options.Value.Smtp.Connections, 1, 16)));
    private int opened;

    private EmailOptions Options => options.Value;

    private SmtpOptions Smtp => options.Value.Smtp;

    /// <summary>How many connections this transport has opened since it started (for the benchmark and the tests).</summary>
    public int ConnectionsOpened => Volatile.Read(ref opened);

    public async Task<DeliveryResult> SendAsync(EmailEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!EmailAddress.IsValid(envelope.To))
        {
            return DeliveryResult.Permanent("the recipient's address is not a valid e-mail address");
        }

        using var message = MimeMessageFactory.Create(envelope, Options, time.GetUtcNow());
        await slots.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        Connection? connection = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Smtp.TimeoutSeconds));
        try
        {
            connection = await TakeAsync(timeout.Token).ConfigureAwait(false);
            await connection.Client.SendAsync(message, timeout.Token).ConfigureAwait(false);
            connection.LastUsed = time.GetUtcNow();
            idle.Add(connection);
            connection = null;
            return DeliveryResult.Accepted(envelope.MessageId, $"{Smtp.Host}:{Smtp.Port}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Transient($"the mail server did not answer within {Smtp.TimeoutSeconds} s");
        }
        catch (SmtpCommandException ex)
        {
            return Classify(ex);
        }
        catch (AuthenticationException ex)
        {
            return DeliveryResult.Configuration($"{Smtp.Host} refused the login of '{Smtp.UserName}': {ex.Message}");
        }
        catch (SslHandshakeException ex)
        {
            return DeliveryResult.Configuration($"TLS with {Smtp.Host}:{Smtp.Port} failed: {TlsProblem(ex)}");
        }
        catch (NotSupportedException ex)
        {
            // MailKit: the server does not offer STARTTLS (or AUTH) although the settings require it.
            return DeliveryResult.Configuration($"{Smtp.Host}:{Smtp.Port}: {ex.Message}");
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException)
        {
            return DeliveryResult.Transient($"cannot reach the mail server {Smtp.Host}:{Smtp.Port}: {ex.Message}");
        }
        finally
        {
            // A connection that failed is closed, never reused: its state after an error is not known.
            if (connection is not null) await CloseAsync(connection).ConfigureAwait(false);
            slots.Value.Release();
        }
    }

    public Task<bool?> WasAcceptedAsync(string idempotencyKey, CancellationToken cancellationToken) => Task.FromResult<bool?>(null);

    /// <summary>Connects, secures and logs in the way sending will, then says so; a problem is one line naming the setting.</summary>
    public async Task<string> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Smtp.TimeoutSeconds));
        Connection? connection = null;
        try
        {
            connection = await OpenAsync(timeout.Token).ConfigureAwait(false);
            await connection.Client.NoOpAsync(timeout.Token).ConfigureAwait(false);
            var tls = connection.Client.IsSecure ? $"TLS {connection.Client.SslProtocol}" : "без шифрования";
            return string.Create(CultureInfo.InvariantCulture,
                $"почтовый сервер {Smtp.Host}:{Smtp.Port} отвечает; {tls}{(Smtp.UserName.Length > 0 ? $"; вход под {Smtp.UserName} принят" : "")}");
        }
        catch (NotSupportedException ex) when (Smtp.StartTls && ex.Message.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{EmailOptions.SectionName}:Smtp:StartTls: {Smtp.Host}:{Smtp.Port} не предлагает STARTTLS; отключайте StartTls только для сервера в доверенной сети (или укажите порт 465 для TLS с самого начала)", ex);
        }
        catch (AuthenticationException ex)
        {
            throw new InvalidOperationException($"{EmailOptions.SectionName}:Smtp:UserName: {Smtp.Host} не принял вход под «{Smtp.UserName}» (проверьте пароль в CONNECTOR__Email__Smtp__Password)", ex);
        }
        catch (SslHandshakeException ex)
        {
            throw new InvalidOperationException($"{EmailOptions.SectionName}:Smtp: TLS с {Smtp.Host}:{Smtp.Port} не установлен: {TlsProblem(ex)}", ex);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or SmtpCommandException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"{EmailOptions.SectionName}:Smtp:Host: не удаётся связаться с {Smtp.Host}:{Smtp.Port} ({ex.GetType().Name}: {ex.Message})", ex);
        }
        finally
        {
            if (connection is not null) await CloseAsync(connection).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (idle.TryTake(out var connection)) await CloseAsync(connection).ConfigureAwait(false);
    }

    private async Task<Connection> TakeAsync(CancellationToken cancellationToken)
    {
        while (idle.TryTake(out var connection))
        {
            if (connection.Client.IsConnected && time.GetUtcNow() - connection.LastUsed < IdleLimit) return connection;
            await CloseAsync(connection).ConfigureAwait(false);
        }

        return await OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Connection> OpenAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient { Timeout = Smtp.TimeoutSeconds * 1000 };
        if (Smtp.TrustedCertificateSha256 is { Length: > 0 } pinned)
        {
            // A school's own mail server with a certificate no authority signed: trusted by its fingerprint alone.
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None || (certificate is not null && Matches(certificate, pinned));
        }

        try
        {
            var security = Smtp.ImplicitTls || Smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : Smtp.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None;
            await client.ConnectAsync(await ConnectSocketAsync(cancellationToken).ConfigureAwait(false), Smtp.Host, Smtp.Port, security, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref opened);
            if (!Smtp.Pipelining) client.Capabilities &= ~SmtpCapabilities.Pipelining;
            if (Smtp.UserName.Length > 0) await client.AuthenticateAsync(Smtp.UserName, Smtp.Password, cancellationToken).ConfigureAwait(false);
            return new Connection(client) { LastUsed = time.GetUtcNow() };
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The TCP connection, opened here so that Nagle's algorithm is off: a command written right after another one
    /// (a message's final "." after its body) then leaves at once instead of waiting for the server's delayed ACK.
    /// </summary>
    private async Task<Socket> ConnectSocketAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(Smtp.TimeoutSeconds));
            try
            {
                await socket.ConnectAsync(Smtp.Host, Smtp.Port, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SocketException((int)SocketError.TimedOut);
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool Matches(X509Certificate certificate, string pinned) =>
        string.Equals(Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())), pinned.Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

    private static async Task CloseAsync(Connection connection)
    {
        try
        {
            if (connection.Client.IsConnected) await connection.Client.DisconnectAsync(quit: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException or ServiceNotConnectedException or OperationCanceledException)
        {
            // Closing a broken connection: nothing to save.
        }
        finally
        {
            connection.Client.Dispose();
        }
    }

    private static string TlsProblem(SslHandshakeException ex) =>
        ex.InnerException is { } inner ? $"{ex.Message.Split('\n')[0].Trim()} ({inner.Message})" : ex.Message.Split('\n')[0].Trim();

    private static DeliveryResult Classify(SmtpCommandException ex)
    {
        var code = (int)ex.StatusCode;
        var detail = string.Create(CultureInfo.InvariantCulture, $"SMTP {code}: {ex.Message}");
        return code switch
        {
            // Authentication, relaying and sender problems need the IT person, not a retry.
            530 or 534 or 535 or 538 or 454 or 500 or 501 or 502 or 503 or 504 or 555 => DeliveryResult.Configuration(detail),
            _ when ex.ErrorCode == SmtpErrorCode.SenderNotAccepted && code >= 500 => DeliveryResult.Configuration(detail),
            // 5xx about the mailbox or the message: this address will never take it.
            >= 500 and < 600 => DeliveryResult.Permanent(detail),
            _ => DeliveryResult.Transient(detail),
        };
    }

    private sealed class Connection(SmtpClient client)
    {
        public SmtpClient Client { get; } = client;

        public DateTimeOffset LastUsed { get; set; }
    }
}
