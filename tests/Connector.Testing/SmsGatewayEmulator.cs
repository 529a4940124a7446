using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Web;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace Connector.Testing;

/// <summary>
/// What both SMS gateway emulators share: a WireMock.Net server on 127.0.0.1, the messages it accepted, and the
/// faults a test switches on (a transport fault is a higher-priority mapping over the gateway's calls; an answer
/// fault is in the gateway's own replies). Each gateway's protocol is in its subclass, exactly as SMS_API.md gives it.
/// </summary>
public abstract class SmsGatewayEmulator : IAsyncDisposable
{
    private static readonly Guid FaultMapping = Guid.NewGuid();
    private readonly ConcurrentQueue<ReceivedSms> received = new();
    private WireMockServer? server;
    private int nextId = 10000000;
    private SmsFault fault;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedSms> Received => received.ToList();

    /// <summary>How many requests reached each path, answered or refused.</summary>
    public int Requests(string path) => server?.LogEntries.Count(e => e.RequestMessage.Path == path) ?? 0;

    /// <summary>The fault every request meets, until set back to None.</summary>
    public SmsFault Fault
    {
        get => fault;
        set
        {
            fault = value;
            server!.DeleteMapping(FaultMapping);
            var response = value switch
            {
                SmsFault.Http500 => Response.Create().WithStatusCode(500).WithBody("Internal Server Error"),
                SmsFault.NotJson => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html><body>502 Bad Gateway</body></html>"),
                // Slower than any timeout a test sets (1 s), short enough not to hold the server's stop.
                SmsFault.Slow => Response.Create().WithStatusCode(200).WithBody("{}").WithDelay(TimeSpan.FromSeconds(5)),
                _ => null,
            };
            if (response is not null)
            {
                server.Given(Request.Create().WithPath(FaultedPaths).UsingPost()).WithGuid(FaultMapping).AtPriority(0).RespondWith(response);
            }
        }
    }

    /// <summary>Numbers (digits, 7…) the gateway refuses as invalid or unroutable.</summary>
    public ConcurrentDictionary<string, bool> InvalidNumbers { get; } = new();

    /// <summary>Numbers that reached their daily limit.</summary>
    public ConcurrentDictionary<string, bool> DailyLimitReached { get; } = new();

    /// <summary>Numbers whose messages the operator never delivers (the status endpoint says so).</summary>
    public ConcurrentDictionary<string, bool> Undeliverable { get; } = new();

    /// <summary>The calls a transport fault hits (sending and status; the balance check is left to answer).</summary>
    protected abstract string[] FaultedPaths { get; }

    protected Task StartAsync()
    {
        server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort.Next()}"], StartAdminInterface = false });
        BaseUrl = server.Urls[0].TrimEnd('/');
        Map();
        return Task.CompletedTask;
    }

    protected abstract void Map();

    /// <summary>Answers POSTs to <paramref name="path"/> with what <paramref name="answer"/> makes of the form: JSON, or a bare status code.</summary>
    protected void OnPost(string path, Func<NameValueCollection, object> answer) =>
        server!.Given(Request.Create().WithPath(path).UsingPost()).AtPriority(10).RespondWith(Response.Create().WithCallback(request =>
        {
            var result = answer(HttpUtility.ParseQueryString(request.Body ?? ""));
            return result is int status ? new ResponseMessage { StatusCode = status } : Json(result);
        }));

    protected void OnGet(string path, object answer) =>
        server!.Given(Request.Create().WithPath(path).UsingGet()).AtPriority(10).RespondWith(Response.Create().WithCallback(_ => Json(answer)));

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

    public ValueTask DisposeAsync()
    {
        server?.Stop();
        server?.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private static ResponseMessage Json(object body) => new()
    {
        StatusCode = 200,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") },
        BodyData = new BodyData { BodyAsJson = body, DetectedBodyType = BodyType.Json },
    };
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
