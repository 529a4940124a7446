using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using Xunit;

namespace Connector.Testing;

/// <summary>
/// A real SMTP server for the tests: maildev 2.1.0 from npm (tests/servers), started on free loopback ports.
/// What arrived is read back through its REST API.
/// </summary>
public sealed class MaildevServer : IAsyncLifetime
{
    private Process? process;
    private Uri baseAddress = new("http://127.0.0.1/");
    private readonly HttpClient http = new();

    public int SmtpPort { get; private set; }

    public int WebPort { get; private set; }

    /// <summary>
    /// Starts maildev on two free ports and waits until both answer. Another process may bind a port between the
    /// check and maildev's own bind, and maildev then exits at once; it is started again on new ports, three times
    /// at most, and a failure says what maildev printed.
    /// </summary>
    public async Task InitializeAsync()
    {
        var script = Path.Combine(RepositoryRoot.Path, "tests", "servers", "node_modules", "maildev", "bin", "maildev");
        if (!File.Exists(script)) await TestServers.EnsureAsync();
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"maildev is not installed at {script}; run tests/servers/prepare.sh");
        }

        for (var attempt = 1; ; attempt++)
        {
            SmtpPort = FreePort.Next();
            WebPort = FreePort.Next();
            var printed = await TryStartAsync(script);
            if (printed is null) return;
            if (attempt == 3)
            {
                throw new InvalidOperationException($"maildev did not start on ports {SmtpPort}/{WebPort}: {printed}");
            }
        }
    }

    /// <summary>Null once maildev answers; what it printed when it exited or did not answer within a minute.</summary>
    private async Task<string?> TryStartAsync(string script)
    {
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, "--smtp", SmtpPort.ToString(), "--web", WebPort.ToString(), "--ip", "127.0.0.1", "--silent" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var output = new ConcurrentQueue<string>();
        process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var web = new Uri($"http://127.0.0.1:{WebPort}/");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var smtp = new TcpClient();
                await smtp.ConnectAsync("127.0.0.1", SmtpPort);
                await http.GetStringAsync(new Uri(web, "email"));
                baseAddress = web;
                return null;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200);
            }
            catch (Exception e)
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
                process = null;
                return $"{e.Message}; {string.Join(" | ", output)}";
            }
        }
    }

    /// <summary>
    /// What arrived. maildev lists a message a moment after its SMTP side accepted it, so this waits (up to ten
    /// seconds) until at least <paramref name="atLeast"/> are listed, then a little longer for any stragglers, so that
    /// "nobody else got one" is asserted on everything that was sent.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedEmail>> GetEmailsAsync(int atLeast = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<ReceivedEmail> emails;
        while ((emails = await ReadAsync()).Count < atLeast && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(300);
        return await ReadAsync();
    }

    private async Task<List<ReceivedEmail>> ReadAsync() => await http.GetFromJsonAsync<List<ReceivedEmail>>(new Uri(baseAddress, "email")) ?? [];

    public Task ClearAsync() => http.DeleteAsync(new Uri(baseAddress, "email/all"));

    public Task DisposeAsync()
    {
        if (process is { HasExited: false }) process.Kill(entireProcessTree: true);
        process?.Dispose();
        http.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>One e-mail as maildev received it.</summary>
public sealed class ReceivedEmail
{
    [JsonPropertyName("subject")]
    public string Subject { get; set; } = "";

    [JsonPropertyName("text")]
    public string Text { get; set; } = "";

    [JsonPropertyName("html")]
    public string Html { get; set; } = "";

    [JsonPropertyName("to")]
    public List<Address> To { get; set; } = [];

    [JsonPropertyName("replyTo")]
    public List<Address>? ReplyTo { get; set; }

    [JsonPropertyName("messageId")]
    public string? MessageId { get; set; }

    public string Recipient => To.Single().Email;

    public sealed class Address
    {
        [JsonPropertyName("address")]
        public string Email { get; set; } = "";
    }
}
