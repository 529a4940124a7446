using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Connector.Testing;

/// <summary>
/// What both SMS gateway emulators share: a real Kestrel server on 127.0.0.1, the messages it accepted, and the
/// faults a test switches on. Each gateway's protocol is in its subclass, exactly as SMS_API.md gives it.
/// </summary>
public abstract class SmsGatewayEmulator : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSms> received = new();
    private readonly ConcurrentDictionary<string, int> requests = new();
    private WebApplication? app;
    private int nextId = 10000000;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedSms> Received => received.ToList();

    /// <summary>How many requests reached each path, answered or refused.</summary>
    public int Requests(string path) => requests.GetValueOrDefault(path);

    /// <summary>The fault every request meets, until set back to None.</summary>
    public SmsFault Fault { get; set; }

    /// <summary>Numbers (digits, 7…) the gateway refuses as invalid or unroutable.</summary>
    public ConcurrentDictionary<string, bool> InvalidNumbers { get; } = new();

    /// <summary>Numbers that reached their daily limit.</summary>
    public ConcurrentDictionary<string, bool> DailyLimitReached { get; } = new();

    /// <summary>Numbers whose messages the operator never delivers (the status endpoint says so).</summary>
    public ConcurrentDictionary<string, bool> Undeliverable { get; } = new();

    protected async Task StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.Use(async (context, next) =>
        {
            requests.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
            await next(context);
        });
        Map(app);
        await app.StartAsync();
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    protected abstract void Map(WebApplication app);

    /// <summary>Applies a transport-level fault; true when the request was answered by it.</summary>
    protected async Task<bool> TransportFaultAsync(HttpContext context)
    {
        switch (Fault)
        {
            case SmsFault.Http500:
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("Internal Server Error");
                return true;
            case SmsFault.NotJson:
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body>502 Bad Gateway</body></html>");
                return true;
            case SmsFault.Slow:
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                return true;
            default:
                return false;
        }
    }

    protected string Accept(string digits, string text, string? id = null)
    {
        var accepted = id ?? Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        received.Enqueue(new ReceivedSms(accepted, digits, text, DateTimeOffset.UtcNow));
        return accepted;
    }

    /// <summary>Identical text to the same number within a minute: the gateways refuse it.</summary>
    protected bool IsRepeat(string digits, string text) =>
        received.Any(r => r.Phone == digits && r.Text == text && DateTimeOffset.UtcNow - r.At < TimeSpan.FromMinutes(1));

    protected static bool IsRussianMobile(string digits) => digits.Length == 11 && digits.StartsWith("79", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>One SMS the emulator accepted.</summary>
public sealed record ReceivedSms(string Id, string Phone, string Text, DateTimeOffset At);

/// <summary>Faults a test can switch on.</summary>
public enum SmsFault
{
    None,
    InsufficientFunds,
    BadCredentials,
    ServiceUnavailable,
    Http500,
    NotJson,
    Slow,
}
