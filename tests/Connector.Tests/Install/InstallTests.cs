using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Connector.Demo;
using Connector.Scheduling;
using Connector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Install;

/// <summary>The service published once for the tests of this class, as README's install section publishes it.</summary>
public sealed class PublishedFolder : IDisposable
{
    public PublishedFolder()
    {
        Path = Directory.CreateTempSubdirectory("connector-publish-").FullName;
        var result = Programs.Run("dotnet", RepositoryRoot.Path, "publish", System.IO.Path.Combine("src", "Connector"), "-c", "Release", "-o", Path, "--nologo", "--no-restore");
        if (result.ExitCode != 0) throw new InvalidOperationException($"dotnet publish failed:\n{result.Output}\n{result.Error}");
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>
/// Install it and forget it: the published folder holds what the service needs and runs from anywhere; the install
/// script makes the user, folders, modes, secrets file and unit README describes (run here with a temporary prefix,
/// as root); systemd accepts the unit; under a service manager the service says when it is ready and stopping, and
/// logs with priorities; a lasting journal failure is logged with back-off.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InstallTests(PublishedFolder published) : IClassFixture<PublishedFolder>, IDisposable
{
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 9, 10, 0, 0, TimeSpan.FromHours(3));
    private readonly TestInstallation install = new();
    private readonly List<string> cleanup = [];

    [Fact]
    public void ThePublishedFolder_HoldsTheProgram_ItsSettings_TheLauncher_TheUnit_AndTheDocuments()
    {
        foreach (var file in new[]
        {
            "Connector", "Connector.dll", "connector", "connector.cmd", "config/appsettings.json", "config/templates/absence.email.hbs",
            "config/profiles/default.json", "config/calendars/ru-2026.json", "config/demo/appsettings.demo.json", "config/demo/pupils.csv",
            "deploy/connector.service", "deploy/install.sh", "README.md", "docs/rules.md", "docs/sgo-api.md",
        })
        {
            Assert.True(File.Exists(Path.Combine(published.Path, file)), $"{file} is not in the published folder");
        }

        Assert.True(File.GetUnixFileMode(Path.Combine(published.Path, "connector")).HasFlag(UnixFileMode.UserExecute));
        Assert.True(File.GetUnixFileMode(Path.Combine(published.Path, "deploy", "install.sh")).HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void ThePublishedCheckAndOnce_RunOnAConfiguredSchool_FromAnotherFolder()
    {
        // A copy of the published folder configured for one school, as an IT person would after publishing.
        var folder = CopyOfPublished();
        SchoolWithOneAbsence();
        File.Copy(Path.Combine(install.Home, "config", "appsettings.json"), Path.Combine(folder, "config", "appsettings.json"), overwrite: true);
        CopyDirectory(install.Journal.Path, Path.Combine(folder, "journal"));
        var at = new Dictionary<string, string> { ["CONNECTOR_NOW"] = MondayMorning.AddHours(2).ToString("O", CultureInfo.InvariantCulture) };
        var elsewhere = Directory.CreateTempSubdirectory("connector-cwd-").FullName;
        cleanup.Add(elsewhere);

        var check = Programs.Run(Path.Combine(folder, "connector"), elsewhere, at, "check");
        var once = Programs.Run(Path.Combine(folder, "connector"), elsewhere, at, "once");
        // The notice waits out the school's grace period after the absence was found, then goes at the next run.
        var later = new Dictionary<string, string> { ["CONNECTOR_NOW"] = MondayMorning.AddHours(2.5).ToString("O", CultureInfo.InvariantCulture) };
        var next = Programs.Run(Path.Combine(folder, "connector"), elsewhere, later, "once");

        Assert.Equal(0, check.ExitCode);
        Assert.Contains($"Настройки: в порядке ({Path.Combine(folder, "config")}).", check.Output, StringComparison.Ordinal);
        Assert.Contains("Школа school-1: журнал доступен", check.Output, StringComparison.Ordinal);
        Assert.True(once.ExitCode == 0, once.Output + once.Error);
        Assert.Contains("Школа school-1: журнал прочитан", once.Output, StringComparison.Ordinal);
        Assert.Contains("новых пропусков без причины: 1;", once.Output, StringComparison.Ordinal);
        Assert.Contains("сообщений в очереди: 1;", once.Output, StringComparison.Ordinal);
        Assert.Equal(0, next.ExitCode);
        Assert.Contains("Школа school-1: отправлено: 1;", next.Output, StringComparison.Ordinal);
        var mail = Assert.Single(Directory.GetFiles(Path.Combine(folder, "outbox"), "*.eml"));
        Assert.Contains("To: maria@example.com", File.ReadAllText(mail), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
    }

    [Fact]
    public void TheInstallScript_WithATemporaryPrefix_MakesTheUser_TheFolders_TheModes_TheSecretsFile_TheUnit_AndTheCommand()
    {
        Assert.True(Environment.UserName == "root", "the install script is tested as root (CI runs as root): it creates a system user");
        var root = Directory.CreateTempSubdirectory("connector-install-").FullName;
        cleanup.Add(root);
        // As /opt is: the service's user may pass through the folders above its prefix.
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        var user = $"conn{Random.Shared.Next(10000, 99999)}";
        var prefix = Path.Combine(root, "opt", "connector");
        var envFile = Path.Combine(root, "etc", "connector", "connector.env");
        var units = Path.Combine(root, "systemd");
        var bin = Path.Combine(root, "bin");
        string[] options = ["--prefix", prefix, "--user", user, "--env-file", envFile, "--unit-dir", units, "--bin-dir", bin, "--no-systemctl"];
        try
        {
            var first = Programs.Run(Path.Combine(published.Path, "deploy", "install.sh"), root, options);

            Assert.True(first.ExitCode == 0, first.Output + first.Error);
            Assert.Contains($"Создан системный пользователь {user}.", first.Output, StringComparison.Ordinal);
            Assert.Equal($"{user}:x:", Sh($"getent passwd {user}")[..(user.Length + 3)]);
            Assert.EndsWith(":/usr/sbin/nologin", Sh($"getent passwd {user}").Trim(), StringComparison.Ordinal);

            // The program is root's, readable by the service; only data and outbox are the service's, and private.
            Assert.Equal($"750 root:{user}", Stat(prefix));
            Assert.Equal($"750 root:{user}", Stat(Path.Combine(prefix, "Connector")));
            Assert.Equal($"640 root:{user}", Stat(Path.Combine(prefix, "Connector.dll")));
            Assert.Equal($"640 root:{user}", Stat(Path.Combine(prefix, "config", "appsettings.json")));
            Assert.Equal($"700 {user}:{user}", Stat(Path.Combine(prefix, "data")));
            Assert.Equal($"700 {user}:{user}", Stat(Path.Combine(prefix, "outbox")));
            Assert.Equal("600 root:root", Stat(envFile));
            Assert.Equal("644 root:root", Stat(Path.Combine(units, "connector.service")));
            Assert.Equal("755 root:root", Stat(Path.Combine(bin, "connector")));

            var unit = File.ReadAllText(Path.Combine(units, "connector.service"));
            Assert.Contains("Type=notify", unit, StringComparison.Ordinal);
            Assert.Contains($"User={user}", unit, StringComparison.Ordinal);
            Assert.Contains($"EnvironmentFile={envFile}", unit, StringComparison.Ordinal);
            Assert.Contains("ProtectSystem=strict", unit, StringComparison.Ordinal);
            Assert.Contains($"ReadWritePaths={prefix}/data {prefix}/outbox", unit, StringComparison.Ordinal);
            Assert.Contains($"ExecStart={prefix}/Connector run", unit, StringComparison.Ordinal);
            Assert.DoesNotContain("@", unit.Split('\n').Where(l => !l.StartsWith('#')).Aggregate("", (a, l) => a + l), StringComparison.Ordinal);

            // systemd accepts the unit as written: no unknown key, no bad value, the program exists and runs.
            var verify = Programs.Run("systemd-analyze", root, "verify", Path.Combine(units, "connector.service"));
            Assert.True(verify.ExitCode == 0 && verify.Error.Trim().Length == 0, verify.Output + verify.Error);

            // The connector command, run by root, works as the service's user with the service's secrets.
            File.AppendAllText(envFile, $"CONNECTOR_NOW='{MondayMorning:O}'\n");
            var status = Programs.Run(Path.Combine(bin, "connector"), root, "status");
            Assert.Equal(0, status.ExitCode);
            Assert.Contains("Школа demo", status.Output, StringComparison.Ordinal);
            Assert.Contains("Следующий опрос: 09.11.2026 10:15.", status.Output, StringComparison.Ordinal);
            Assert.StartsWith($"600 {user}:{user}", Stat(Path.Combine(prefix, "data", "demo", "connector.db")), StringComparison.Ordinal);

            // An upgrade keeps the school's settings, templates and secrets, and replaces the program.
            File.WriteAllText(Path.Combine(prefix, "config", "appsettings.json"), "{ \"edited\": true }");
            File.WriteAllText(Path.Combine(prefix, "config", "templates", "absence.email.hbs"), "edited");
            File.WriteAllText(Path.Combine(prefix, "Connector.dll"), "old");
            var again = Programs.Run(Path.Combine(published.Path, "deploy", "install.sh"), root, options);

            Assert.True(again.ExitCode == 0, again.Output + again.Error);
            Assert.DoesNotContain("Создан", again.Output, StringComparison.Ordinal);
            Assert.Equal("{ \"edited\": true }", File.ReadAllText(Path.Combine(prefix, "config", "appsettings.json")));
            Assert.Equal("edited", File.ReadAllText(Path.Combine(prefix, "config", "templates", "absence.email.hbs")));
            Assert.Contains("CONNECTOR_NOW", File.ReadAllText(envFile), StringComparison.Ordinal);
            Assert.Equal(new FileInfo(Path.Combine(published.Path, "Connector.dll")).Length, new FileInfo(Path.Combine(prefix, "Connector.dll")).Length);
            Assert.StartsWith($"600 {user}:{user}", Stat(Path.Combine(prefix, "data", "demo", "connector.db")), StringComparison.Ordinal);
        }
        finally
        {
            Sh($"userdel {user} 2>/dev/null; groupdel {user} 2>/dev/null; true");
        }
    }

    [Fact]
    public async Task UnderAServiceManager_TheServiceSaysReadyAndStopping_AndLogsWithPriorities_AStartLineAndAStopLine()
    {
        install.Connector["Schools"]![0]!["Adapter"]!["Folder"] = "no-such-folder";
        install.Save();
        var socketPath = Path.Combine(install.Home, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var received = new List<string>();
        var listening = Task.Run(async () =>
        {
            var buffer = new byte[512];
            while (true)
            {
                var count = await notify.ReceiveAsync(buffer);
                lock (received) received.Add(Encoding.UTF8.GetString(buffer, 0, count));
            }
        });

        // systemd's own test of "am I a service": PID 1 of its namespace with NOTIFY_SOCKET set, as in a container.
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = install.Home };
        foreach (var argument in new[] { "--pid", "--fork", "--kill-child", "dotnet", typeof(ConnectorHost).Assembly.Location, "run", "--home", install.Home }) start.ArgumentList.Add(argument);
        start.Environment["NOTIFY_SOCKET"] = socketPath;
        start.Environment["CONNECTOR_NOW"] = MondayMorning.AddMinutes(14).AddSeconds(55).ToString("O", CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        _ = process.StandardError.ReadToEndAsync();

        await WaitFor(() => { lock (output) return output.ToString().Contains("[1006]", StringComparison.Ordinal); }, process);
        var service = int.Parse(Sh($"pgrep -P {process.Id}").Trim(), CultureInfo.InvariantCulture);
        Sh($"kill -TERM {service}");
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);

        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal(0, process.ExitCode);
        lock (received) Assert.Equal(["READY=1", "STOPPING=1"], received);
        Assert.Contains(lines, l => l.StartsWith("<6>Connector.Diagnostics.LifecycleLog[5001] Connector ", StringComparison.Ordinal)
            && l.Contains($"started: home {install.Home}, store SQLite {Path.Combine(install.Home, "data", "connector.db")}, schools: school-1 (files, Europe/Moscow); channels: e-mail into the folder", StringComparison.Ordinal));
        // A journal that cannot be read is an error: `journalctl -p warning` shows it.
        Assert.Contains(lines, l => l.StartsWith("<3>Connector.Scheduling.PollJournalJob[1006] School school-1: the journal could not be read (Configuration, poll 1 in a row)", StringComparison.Ordinal));
        Assert.Matches(@"^<6>Connector\.Diagnostics\.LifecycleLog\[5002\] Connector \S+ stopped$", lines.Last(l => l.Length > 0));
        Assert.DoesNotContain(lines, l => l.Length > 0 && !l.StartsWith('<'));
        GC.KeepAlive(listening);
    }

    [Fact]
    public async Task AJournalThatKeepsFailing_IsLoggedAtItsFirst_Second_Fourth_AndEighthPoll_AndAgainAfterItRecovered()
    {
        SchoolWithOneAbsence();
        var clock = new FakeTimeProvider(MondayMorning);
        var log = new CapturedLog();
        using var host = install.BuildHost(clock, log);
        var away = install.Journal.Path + "-away";
        Directory.Move(install.Journal.Path, away);
        var job = ActivatorUtilities.CreateInstance<PollJournalJob>(host.Services);

        for (var poll = 0; poll < 10; poll++)
        {
            await job.PollAsync("school-1", CancellationToken.None);
            clock.Advance(TimeSpan.FromMinutes(15));
        }

        var failures = log.Lines.Where(l => l.Message.Contains("the journal could not be read", StringComparison.Ordinal)).ToList();
        Assert.All(failures, f => Assert.Equal(LogLevel.Error, f.Level));
        Assert.Equal(["poll 1 in a row", "poll 2 in a row", "poll 4 in a row", "poll 8 in a row"], failures.Select(f => f.Message.Split('(', ')')[1].Split(", ")[1]));

        Directory.Move(away, install.Journal.Path);
        Assert.NotNull(await job.PollAsync("school-1", CancellationToken.None));
        Directory.Move(install.Journal.Path, away);
        clock.Advance(TimeSpan.FromMinutes(15));
        await job.PollAsync("school-1", CancellationToken.None);

        Assert.Contains("(Configuration, poll 1 in a row)", log.Lines.Last(l => l.Message.Contains("could not be read", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        Assert.Equal(5, log.Lines.Count(l => l.Message.Contains("could not be read", StringComparison.Ordinal)));
        Directory.Move(away, install.Journal.Path);
    }

    [Fact]
    public async Task Backup_WhileTheServiceRuns_WritesAConsistentCopy_ThatOpensWithTheSameRecords()
    {
        SchoolWithOneAbsence();
        var at = new Dictionary<string, string> { ["CONNECTOR_NOW"] = MondayMorning.AddMinutes(14).AddSeconds(55).ToString("O", CultureInfo.InvariantCulture) };
        using var service = install.Start(at, "run");
        var output = new StringBuilder();
        service.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        service.BeginOutputReadLine();
        try
        {
            // The first poll (10:15 school time) has read the roster and queued the notice.
            await WaitFor(() => { lock (output) return output.ToString().Contains("[1003]", StringComparison.Ordinal); }, service);
            var target = Path.Combine(install.Home, "copy", "connector-backup.db");

            var backup = await install.RunAsync(at, "backup", "--out", target);
            var twice = await install.RunAsync(at, "backup", "--out", target);

            Assert.True(backup.ExitCode == 0, backup.Output + backup.Error);
            Assert.StartsWith($"Копия базы записана: {target} (", backup.Output, StringComparison.Ordinal);
            Assert.Equal(2, twice.ExitCode);
            Assert.Contains("уже есть", twice.Error, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
            Assert.False(File.Exists(target + "-wal"));
            await using var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={target};Mode=ReadOnly");
            await copy.OpenAsync();
            Assert.Equal("ok", await Dapper.SqlMapper.ExecuteScalarAsync<string>(copy, "PRAGMA integrity_check"));
            Assert.Equal("p1", await Dapper.SqlMapper.ExecuteScalarAsync<string>(copy, "SELECT pupil_id FROM absences WHERE school_id = 'school-1'"));
            Assert.Equal(1, await Dapper.SqlMapper.ExecuteScalarAsync<int>(copy, "SELECT COUNT(*) FROM outbox WHERE guardian_id = 'g1'"));
            Assert.Equal(Connector.Store.Migrations.All.Max(m => m.Version), await Dapper.SqlMapper.ExecuteScalarAsync<int>(copy, "SELECT MAX(version) FROM schema_version"));
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
    }

    public void Dispose()
    {
        install.Dispose();
        foreach (var path in cleanup) if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }

    private void SchoolWithOneAbsence()
    {
        var monday = DateOnly.FromDateTime(MondayMorning.Date);
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com");
        install.Journal.Lessons("7Б", monday, 4).Mark(monday, "p1", 1, "Н");
        install.Save();
    }

    private string CopyOfPublished()
    {
        var folder = Directory.CreateTempSubdirectory("connector-published-").FullName;
        cleanup.Add(folder);
        Sh($"cp -a '{published.Path}/.' '{folder}/'");
        return folder;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    private static string Stat(string path) => Sh($"stat -c '%a %U:%G' '{path}'").Trim();

    private static string Sh(string command) => Programs.Run("sh", "/", "-c", command).Output;

    private static async Task WaitFor(Func<bool> condition, Process process)
    {
        // Real time: a real process on the real scheduler, bounded.
        for (var i = 0; i < 600 && !condition(); i++)
        {
            if (process.HasExited) throw new InvalidOperationException("the service ended before it was ready");
            await Task.Delay(100);
        }

        Assert.True(condition(), "the service did not poll within a minute");
    }
}
