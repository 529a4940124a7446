using System.Diagnostics;
using Npgsql;

namespace Connector.Testing;

/// <summary>
/// A real PostgreSQL server for the tests (the Debian package, tests/servers/prepare.sh): one throw-away cluster per
/// test process, made with initdb in a temporary folder and started with pg_ctl on a free loopback port, with a
/// password (SCRAM) as a real server asks for. Each test takes a database of its own. A watchdog beside it stops the
/// cluster and removes its folder once the test process is gone, however it ends. As root (CI), the server runs as
/// the <c>postgres</c> system user, since PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer
{
    public const string User = "connector";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private PostgresServer(int port, string password) => (Port, Password) = (port, password);

    public int Port { get; }

    public string Password { get; }

    /// <summary>The process's server, started on first use.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A new empty database on the server, and the connection string to it (as the environment gives it to the service).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"t_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Database = database, Username = User, Password = Password, Pooling = true, Timeout = 30, CommandTimeout = 120,
    }.ToString();

    private static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBin();
        if (bin is null)
        {
            await TestServers.EnsureAsync();
            bin = FindBin() ?? throw new InvalidOperationException("PostgreSQL is not installed (/usr/lib/postgresql/*/bin); run tests/servers/prepare.sh");
        }

        var folder = Directory.CreateTempSubdirectory("connector-pg-").FullName;
        var password = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var asRoot = Environment.UserName == "root";
        File.WriteAllText(Path.Combine(folder, "password"), password);
        if (asRoot) await RunAsync("chown", ["-R", "postgres:postgres", folder]);
        var data = Path.Combine(folder, "data");
        await RunAsync(Tool(bin, "initdb", asRoot), [.. Prefix(bin, "initdb", asRoot), "-D", data, "-U", User, "--pwfile", Path.Combine(folder, "password"),
            "--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync"]);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            // fsync off: a test server's durability is not under test (the random-kill tests kill the service, not the server).
            var options = $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
            var log = Path.Combine(folder, "server.log");
            try
            {
                await RunAsync(Tool(bin, "pg_ctl", asRoot), [.. Prefix(bin, "pg_ctl", asRoot), "-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start"]);
                Watch(bin, folder, asRoot);
                return new PostgresServer(port, password);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another process took the port between the check and the bind: again on a new one.
            }
        }
    }

    /// <summary>
    /// A shell of its own session that waits for this process to end, then stops the cluster and removes its folder:
    /// it outlives a test host that is killed or ends without running its exit handlers.
    /// </summary>
    private static void Watch(string bin, string folder, bool asRoot)
    {
        var pgCtl = asRoot ? $"runuser -u postgres -- '{Path.Combine(bin, "pg_ctl")}'" : $"'{Path.Combine(bin, "pg_ctl")}'";
        var script = $"exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId}; do sleep 1; done; " +
            $"{pgCtl} -D '{Path.Combine(folder, "data")}' -m immediate stop; rm -rf '{folder}'";
        using var watchdog = Process.Start(new ProcessStartInfo("setsid", ["bash", "-c", script]) { UseShellExecute = false });
    }

    private static string? FindBin() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
        : null;

    // As root, the server's tools run as the postgres user: runuser -u postgres -- TOOL ...
    private static string Tool(string bin, string name, bool asRoot) => asRoot ? "runuser" : Path.Combine(bin, name);

    private static string[] Prefix(string bin, string name, bool asRoot) => asRoot ? ["-u", "postgres", "--", Path.Combine(bin, name)] : [];

    private static async Task RunAsync(string file, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {await output}\n{await error}");
    }
}
