using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Connector.Testing;

/// <summary>
/// An SMTP server that refuses chosen mailboxes the way a real one does: <c>550 5.1.1 mailbox unavailable</c>
/// at RCPT TO. Every other message is accepted and kept. maildev accepts everything, so the bounce tests need
/// this one.
/// </summary>
public sealed class BouncingSmtpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<string> accepted = new();
    private readonly Task loop;

    public BouncingSmtpServer(params string[] bouncing)
    {
        Bouncing = bouncing.ToHashSet(StringComparer.OrdinalIgnoreCase);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        loop = AcceptLoopAsync();
    }

    public int Port { get; }

    public IReadOnlySet<string> Bouncing { get; }

    /// <summary>The recipients of every message accepted.</summary>
    public IReadOnlyList<string> Accepted => accepted.ToList();

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 bounce.test ESMTP");
        var recipients = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var command = line.ToUpperInvariant();
            if (command.StartsWith("EHLO", StringComparison.Ordinal)) await writer.WriteAsync("250-bounce.test\r\n250 8BITMIME\r\n");
            else if (command.StartsWith("HELO", StringComparison.Ordinal) || command.StartsWith("MAIL FROM", StringComparison.Ordinal) || command.StartsWith("RSET", StringComparison.Ordinal)) await writer.WriteLineAsync("250 OK");
            else if (command.StartsWith("RCPT TO", StringComparison.Ordinal))
            {
                var address = line[(line.IndexOf('<') + 1)..line.LastIndexOf('>')];
                if (Bouncing.Contains(address))
                {
                    await writer.WriteLineAsync("550 5.1.1 <" + address + ">: mailbox unavailable");
                }
                else
                {
                    recipients.Add(address);
                    await writer.WriteLineAsync("250 OK");
                }
            }
            else if (command == "DATA")
            {
                await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                while (await reader.ReadLineAsync() is { } data && data != ".") { }
                foreach (var r in recipients) accepted.Enqueue(r);
                recipients.Clear();
                await writer.WriteLineAsync("250 OK queued");
            }
            else if (command == "QUIT")
            {
                await writer.WriteLineAsync("221 Bye");
                return;
            }
            else await writer.WriteLineAsync("502 Command not implemented");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await loop;
        stop.Dispose();
    }
}
