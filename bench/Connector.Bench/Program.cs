using System.Diagnostics;
using System.Globalization;
using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Notifier.Email;
using Connector.Testing;
using Microsoft.Extensions.Options;

// Whole-process figures, printed, never asserted. `dotnet run --project bench/Connector.Bench -c Release [-- email|store]`.
//  email: delivery to a real SMTP server (maildev on 127.0.0.1) through the connector's MailKit transport: a new
//         connection for every message (what the System.Net.Mail transport did), one kept connection, four at once.
//  store: the same upsert of a municipality's marks into SQLite (the store) and LiteDB, first and unchanged.
//  rate:  the rate check before every message over 500,000 past send attempts, without and with its index.
//  delivery: the outbox dispatcher end to end, to maildev with 1 and 4 connections and into the pickup folder.
//  latency: the demo school's days on the virtual clock, SMTP to maildev: mark recorded → notice queued → accepted, p50/p95 (BENCH_DAYS, 5).
//  sgo:   requests per poll of one SGO school of 33 classes against the emulator, before and with the refresh cycle.
//  poll:  first and unchanged polls of 1, 10 and 50 schools' file journals (BENCH_SCHOOLS=1,10,50,200), against a plain upsert.
//  micro: the engine's hot paths under BenchmarkDotNet (an export read, the same-day rule, a notice rendered); not part of "all".
var part = args.FirstOrDefault() ?? "all";
if (part == "micro")
{
    Connector.Bench.HotPaths.Run(args[1..]);
    return;
}

if (part == "poll-child")
{
    await Connector.Bench.PollBench.ChildAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
    return;
}

if (part is "all" or "poll")
{
    var schools = (Environment.GetEnvironmentVariable("BENCH_SCHOOLS") ?? "1,10,50").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
    await Connector.Bench.PollBench.RunAsync(schools);
}

if (part is "all" or "store") Connector.Bench.StoreBench.Run(int.TryParse(Environment.GetEnvironmentVariable("BENCH_MARKS"), out var m) ? m : 350_000);
if (part is "all" or "rate") Connector.Bench.RateBench.Run(500_000);
if (part is "all" or "sgo") await Connector.Bench.SgoBench.RunAsync();
if (part is not ("all" or "email" or "delivery" or "latency")) return;
var count = int.TryParse(Environment.GetEnvironmentVariable("BENCH_MESSAGES"), out var n) ? n : 300;
var maildev = new MaildevServer();
await maildev.InitializeAsync();
try
{
    if (part is "all" or "delivery") await Connector.Bench.DeliveryBench.RunAsync(maildev, count);
    if (part is "all" or "latency") await Connector.Bench.LatencyBench.RunAsync(maildev, int.TryParse(Environment.GetEnvironmentVariable("BENCH_DAYS"), out var d) ? d : 5);
    if (part is "delivery" or "latency") return;
    Console.WriteLine($"E-mail to maildev 2.1.0 over SMTP, {count} messages per run, {Environment.ProcessorCount} cores");
    Console.WriteLine($"{"how",-40} {"s",8} {"msgs/s",8} {"connections",12}");
    await Run("one connection per message", parallel: 1, connections: 1, newTransportPerMessage: true, warmUp: true);
    foreach (var run in new[] { 1, 2 })
    {
        await Run($"one connection per message (run {run})", parallel: 1, connections: 1, newTransportPerMessage: true);
        await Run($"1 reused connection (run {run})", parallel: 1, connections: 1);
        await Run($"4 reused connections (run {run})", parallel: 4, connections: 4);
        await Run($"1 reused, PIPELINING used (run {run})", parallel: 1, connections: 1, pipelining: true);
        await Run($"4 reused, PIPELINING used (run {run})", parallel: 4, connections: 4, pipelining: true);
    }
}
finally
{
    await maildev.DisposeAsync();
}

async Task Run(string how, int parallel, int connections, bool newTransportPerMessage = false, bool warmUp = false, bool pipelining = false)
{
    await maildev.ClearAsync();
    var shared = Transport(connections, pipelining);
    var opened = 0;
    var next = -1;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
    {
        while (Interlocked.Increment(ref next) is var i && i < (warmUp ? 20 : count))
        {
            var transport = newTransportPerMessage ? Transport(1) : shared;
            var message = new OutgoingMessage($"absence:bench:g{i}:2026-11-09:email", ChannelKind.Email, $"parent{i}@example.com",
                "Школа № 1: пропуск уроков 9 ноября 2026 г.", "Здравствуйте!\nПропущено: 2 урока.\n", "office@school1.example");
            var result = await new EmailChannel(transport).SendAsync(message, CancellationToken.None);
            if (result.Outcome != DeliveryOutcome.Accepted) throw new InvalidOperationException(result.Detail);
            if (newTransportPerMessage)
            {
                Interlocked.Add(ref opened, transport.ConnectionsOpened);
                await transport.DisposeAsync();
            }
        }
    }));
    watch.Stop();
    opened += shared.ConnectionsOpened;
    await shared.DisposeAsync();
    if (warmUp) return;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{how,-40} {watch.Elapsed.TotalSeconds,8:0.00} {count / watch.Elapsed.TotalSeconds,8:0.0} {opened,12}"));
}

SmtpEmailTransport Transport(int connections, bool pipelining = false) => new(Options.Create(new EmailOptions
{
    Transport = EmailTransportKind.Smtp,
    From = "attendance@school1.example",
    FromName = "Школа № 1",
    Smtp = new SmtpOptions { Host = "127.0.0.1", Port = maildev.SmtpPort, StartTls = false, TimeoutSeconds = 30, Connections = connections, Pipelining = pipelining },
}), TimeProvider.System);
