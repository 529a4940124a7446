using System.Diagnostics;

namespace Connector.Diagnostics;

/// <summary>
/// Fault injection for the crash tests: when the environment variable <c>CONNECTOR_CRASH_AT</c> names a point,
/// the process kills itself there, abruptly, as a power cut or an OOM kill would. Unset in normal operation.
/// </summary>
internal static class CrashPoints
{
    public const string Variable = "CONNECTOR_CRASH_AT";
    public const string AfterPollCommit = "poll.after-commit";
    public const string AfterClaim = "delivery.after-claim";
    public const string AfterSend = "delivery.after-send";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable);

    public static void Reached(string point)
    {
        if (Armed is not null && string.Equals(Armed, point, StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"{Variable}: killed at {point}");
            Console.Error.Flush();
            Process.GetCurrentProcess().Kill();
        }
    }
}
