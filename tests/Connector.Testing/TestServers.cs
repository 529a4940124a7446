using System.Diagnostics;

namespace Connector.Testing;

/// <summary>
/// The real servers and readers the tests need (maildev, LibreOffice), prepared by <c>tests/servers/prepare.sh</c>:
/// .ci/run calls it first; a test that finds something missing calls it once per test process.
/// </summary>
public static class TestServers
{
    private static readonly Lazy<Task> Prepared = new(PrepareAsync);

    public static Task EnsureAsync() => Prepared.Value;

    private static async Task PrepareAsync()
    {
        var script = Path.Combine(RepositoryRoot.Path, "tests", "servers", "prepare.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(15)).Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"tests/servers/prepare.sh failed:\n{await output}\n{await error}");
    }
}
