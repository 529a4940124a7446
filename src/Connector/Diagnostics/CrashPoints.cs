using System.Collections.Concurrent;
using System.Diagnostics;

namespace Connector.Diagnostics;

/// <summary>
/// Fault injection for the crash tests: when the environment variable <c>CONNECTOR_CRASH_AT</c> names a point
/// (optionally "point#n": the n-th time it is reached), the process kills itself there, abruptly, as a power cut
/// or an OOM kill would. Unset in normal operation.
/// </summary>
internal static class CrashPoints
{
    public const string Variable = "CONNECTOR_CRASH_AT";
    public const string AfterPollCommit = "poll.after-commit";
    public const string AfterRecovery = "delivery.after-recovery";
    public const string AfterClaim = "delivery.after-claim";
    public const string AfterSend = "delivery.after-send";
    public const string AfterRecord = "delivery.after-record";

    private static readonly (string Point, int Nth)? Armed = Parse(Environment.GetEnvironmentVariable(Variable));
    private static readonly ConcurrentDictionary<string, int> Reaches = new();

    public static void Reached(string point)
    {
        if (Armed is not { } armed || !string.Equals(armed.Point, point, StringComparison.Ordinal)) return;
        if (Reaches.AddOrUpdate(point, 1, (_, n) => n + 1) != armed.Nth) return;

        Console.Error.WriteLine($"{Variable}: killed at {point}");
        Console.Error.Flush();
        Process.GetCurrentProcess().Kill();
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var parts = value.Split('#');
        return (parts[0], parts.Length > 1 && int.TryParse(parts[1], out var n) ? n : 1);
    }
}
