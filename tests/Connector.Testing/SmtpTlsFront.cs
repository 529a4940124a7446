using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Connector.Testing;

/// <summary>How <see cref="SmtpTlsFront"/> meets a client.</summary>
public enum FrontMode
{
    /// <summary>No TLS: it only passes bytes on and counts the connections.</summary>
    Plain,

    /// <summary>Offers STARTTLS (as a submission server on 587 does) and requires it before anything else.</summary>
    StartTls,

    /// <summary>TLS from the first byte (as on 465).</summary>
    Implicit,
}

/// <summary>
/// A TLS front for maildev (which speaks plain SMTP) on 127.0.0.1, with a self-signed certificate made when it
/// starts: what a school's mail server with its own certificate looks like to the connector. Everything after the
/// TLS handshake goes to maildev unchanged, so what arrived is read from maildev as usual.
/// </summary>
public sealed class SmtpTlsFront : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 certificate;
    private readonly int backendPort;
    private readonly FrontMode mode;
    private readonly TimeSpan replyDelay;
    private readonly CancellationTokenSource stop = new();
    private int connections;

    /// <param name="replyDelay">How long each of the server's replies takes to come back: a slow mail server, whose sends take long enough to be interrupted.</param>
    public SmtpTlsFront(int backendPort, FrontMode mode, TimeSpan replyDelay = default)
    {
        this.backendPort = backendPort;
        this.mode = mode;
        this.replyDelay = replyDelay;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=mail.school.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>The certificate's SHA-256 fingerprint, as <c>Smtp:TrustedCertificateSha256</c> takes it.</summary>
    public string Sha256 => Convert.ToHexString(SHA256.HashData(certificate.RawData));

    /// <summary>How many connections clients opened.</summary>
    public int Connections => Volatile.Read(ref connections);

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        certificate.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream? front = client.GetStream();
                if (mode == FrontMode.Implicit) front = await SecureAsync(front);
                if (mode == FrontMode.StartTls) front = await StartTlsAsync(front);
                if (front is null) return;

                using var backend = new TcpClient();
                await backend.ConnectAsync(IPAddress.Loopback, backendPort, stop.Token);
                var back = backend.GetStream();
                if (mode == FrontMode.StartTls)
                {
                    // The client greets again after STARTTLS (RFC 3207): maildev's own greeting is not for it.
                    await ReadReplyAsync(back);
                }

                await Task.WhenAny(front.CopyToAsync(back, stop.Token), replyDelay > TimeSpan.Zero ? CopySlowlyAsync(back, front) : back.CopyToAsync(front, stop.Token));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                // A client that hung up, or refused the certificate: the connection ends.
            }
        }
    }

    /// <summary>Passes the server's replies on, each after <see cref="replyDelay"/>.</summary>
    private async Task CopySlowlyAsync(Stream from, Stream to)
    {
        var buffer = new byte[8192];
        int read;
        while ((read = await from.ReadAsync(buffer, stop.Token)) > 0)
        {
            await Task.Delay(replyDelay, stop.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
        }
    }

    private async Task<SslStream> SecureAsync(Stream stream)
    {
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, stop.Token);
        return tls;
    }

    /// <summary>Speaks SMTP until the client asks for STARTTLS, then secures the connection; null when it never does.</summary>
    private async Task<Stream?> StartTlsAsync(Stream stream)
    {
        await WriteAsync(stream, "220 mail.school.example ESMTP\r\n");
        while (await ReadLineAsync(stream) is { } line)
        {
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await WriteAsync(stream, "250-mail.school.example\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
                    break;
                case "STARTTLS":
                    await WriteAsync(stream, "220 2.0.0 Ready to start TLS\r\n");
                    return await SecureAsync(stream);
                case "QUIT":
                    await WriteAsync(stream, "221 Bye\r\n");
                    return null;
                default:
                    await WriteAsync(stream, "530 5.7.0 Must issue a STARTTLS command first\r\n");
                    break;
            }
        }

        return null;
    }

    private static async Task ReadReplyAsync(Stream stream)
    {
        while (await ReadLineAsync(stream) is { } line && line.Length >= 4 && line[3] == '-')
        {
        }
    }

    /// <summary>One CRLF-terminated line, byte by byte, so that nothing after it (a TLS hello) is consumed.</summary>
    private static async Task<string?> ReadLineAsync(Stream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            if (one[0] == '\n') return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            bytes.Add(one[0]);
        }

        return null;
    }

    private static Task WriteAsync(Stream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();
}
