using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Connector.Testing;

/// <summary>
/// A free TCP port on the loopback interface for a test server to bind a moment later. Ports are taken below the
/// kernel's ephemeral range (32768 and up on Linux), so an outgoing connection of another test cannot take the port
/// between this check and the server's bind, and one process never hands out the same port twice. Another process
/// may still bind it first; servers started on such a port retry on a new one.
/// </summary>
public static class FreePort
{
    private const int First = 20000;
    private const int Last = 32000;

    private static readonly ConcurrentDictionary<int, byte> Given = new();

    public static int Next()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            if (!Given.TryAdd(port, 0)) continue;
            if (IsFree(port)) return port;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
