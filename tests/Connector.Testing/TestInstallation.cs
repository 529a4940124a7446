using System.Text.Json.Nodes;
using Connector.Configuration;
using Connector.Demo;
using Connector.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Testing;

/// <summary>
/// A throwaway installation: a home folder with config/appsettings.json, the repository's message templates and a
/// journal folder for one school. Tests change the settings as JSON, then build the host in-process on a virtual
/// clock or run the real executable against it.
/// </summary>
public sealed class TestInstallation : IDisposable
{
    public TestInstallation(string timeZone = "Europe/Moscow")
    {
        Home = Directory.CreateTempSubdirectory("connector-test-").FullName;
        Journal = new JournalFolder(System.IO.Path.Combine(Home, "journal"));
        // The repository's templates, rule profiles and production calendars, as an installation ships them.
        foreach (var folder in new[] { "templates", "profiles", "calendars" })
        {
            var target = System.IO.Path.Combine(Home, "config", folder);
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(System.IO.Path.Combine(RepositoryRoot.Path, "config", folder)))
            {
                File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
            }
        }

        Settings = new JsonObject
        {
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning", ["Connector"] = "Information" } },
            ["Connector"] = new JsonObject
            {
                ["DataDirectory"] = "data",
                ["TemplateDirectory"] = "config/templates",
                ["Demo"] = new JsonObject { ["Enabled"] = false },
                ["Email"] = new JsonObject { ["Transport"] = "Pickup", ["PickupDirectory"] = "outbox", ["From"] = "attendance@school1.example", ["FromName"] = "Школа № 1" },
                ["Delivery"] = new JsonObject { ["IntervalSeconds"] = 60, ["FirstRetryDelaySeconds"] = 60, ["MaxRetryDelayMinutes"] = 30, ["GiveUpAfterHours"] = 24 },
                ["Schools"] = new JsonArray(new JsonObject
                {
                    ["Id"] = "school-1",
                    ["Name"] = "Школа № 1",
                    ["TimeZone"] = timeZone,
                    ["Phone"] = "+7 (900) 000-00-01",
                    ["ReplyTo"] = "office@school1.example",
                    ["SchoolHoursStart"] = "08:00",
                    ["SchoolHoursEnd"] = "16:00",
                    ["PollIntervalMinutes"] = 15,
                    ["GracePeriodMinutes"] = 20,
                    ["Adapter"] = new JsonObject { ["Kind"] = "files", ["Folder"] = "journal" },
                    ["Holidays"] = new JsonArray(),
                    ["ExtraSchoolDays"] = new JsonArray(),
                    ["Staff"] = new JsonArray(new JsonObject
                    {
                        ["Id"] = "t1", ["Name"] = "Белова Ирина Викторовна", ["Email"] = "belova@school1.example",
                        ["Roles"] = new JsonArray("ClassTeacher"), ["Classes"] = new JsonArray("7Б"),
                        // Tests that count notices are not about the digest; the digest tests name their own staff.
                        ["Digest"] = false,
                    }),
                }),
            },
        };
        if (PostgresByDefault) UsePostgresAsync().GetAwaiter().GetResult();
    }

    public string Home { get; }

    /// <summary>
    /// Where the store lives: SQLite in the installation's data folder, unless <c>CONNECTOR_TEST_STORE=postgres</c>
    /// runs every test on a database of its own on the test PostgreSQL server (<see cref="UsePostgresAsync"/>).
    /// </summary>
    public static bool PostgresByDefault => string.Equals(Environment.GetEnvironmentVariable("CONNECTOR_TEST_STORE"), "postgres", StringComparison.OrdinalIgnoreCase);

    public JournalFolder Journal { get; }

    public JsonObject Settings { get; }

    public JsonObject Connector => Settings["Connector"]!.AsObject();

    public JsonObject School => Connector["Schools"]![0]!.AsObject();

    public string Outbox => System.IO.Path.Combine(Home, "outbox");

    /// <summary>The recipients of the e-mails written into the pickup folder, in order: who got what, as a parent's inbox would say.</summary>
    public List<string> PickedUpRecipients() => Directory.Exists(Outbox)
        ? [.. Directory.GetFiles(Outbox, "*.eml")
            .SelectMany(f => File.ReadLines(f).Where(l => l.StartsWith("To: ", StringComparison.Ordinal)).Select(l => System.Text.RegularExpressions.Regex.Match(l, @"[\w.+-]+@[\w.-]+").Value))
            .Order(StringComparer.Ordinal)]
        : [];

    /// <summary>Secrets, as the environment gives them to the real service: never written into the settings file.</summary>
    public Dictionary<string, string> Secrets { get; } = [];

    /// <summary>The store on a new database of the test PostgreSQL server; the connection string comes from the environment, as in production.</summary>
    public async Task<TestInstallation> UsePostgresAsync()
    {
        var server = await PostgresServer.GetAsync();
        UsePostgres(await server.CreateDatabaseAsync());
        return this;
    }

    /// <summary>The store on the PostgreSQL database <paramref name="connectionString"/> names (several installations may share one, as nodes do).</summary>
    public TestInstallation UsePostgres(string connectionString)
    {
        Connector["Store"] = new JsonObject { ["Kind"] = "Postgres" };
        Secrets["Connector:Store:ConnectionString"] = connectionString;
        StoreConnectionString = connectionString;
        return this;
    }

    /// <summary>The PostgreSQL connection string, once <see cref="UsePostgres"/> chose it; null on SQLite.</summary>
    public string? StoreConnectionString { get; private set; }

    public TestInstallation UseSmsRu(string baseUrl)
    {
        Connector["Sms"] = new JsonObject { ["Gateway"] = "SmsRu", ["BaseUrl"] = baseUrl, ["TimeoutSeconds"] = 5 };
        Secrets["Connector:Sms:ApiId"] = SmsRuEmulator.ApiId;
        return this;
    }

    public TestInstallation UseSmsc(string baseUrl)
    {
        Connector["Sms"] = new JsonObject { ["Gateway"] = "Smsc", ["BaseUrl"] = baseUrl, ["Login"] = SmscEmulator.Login, ["TimeoutSeconds"] = 5 };
        Secrets["Connector:Sms:Password"] = SmscEmulator.Password;
        return this;
    }

    public TestInstallation UseSmtp(int port)
    {
        Connector["Email"]!["Transport"] = "Smtp";
        Connector["Email"]!["Smtp"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = port, ["StartTls"] = false, ["TimeoutSeconds"] = 10 };
        return this;
    }

    public void Save()
    {
        Journal.Write();
        File.WriteAllText(System.IO.Path.Combine(Home, "config", "appsettings.json"), Settings.ToJsonString(new() { WriteIndented = true }));
    }

    /// <summary>The service as the demo composes it: the real jobs, store and notifier, driven by <paramref name="clock"/>.</summary>
    public IHost BuildHost(FakeTimeProvider clock, CapturedLog? log = null)
    {
        Save();
        var paths = new ConnectorPaths(Home);
        var secrets = Secrets.ToDictionary(s => s.Key, s => (string?)s.Value);
        return ConnectorHost.Build(paths, ConnectorHost.LoadConfiguration(paths, demo: false, secrets), ScheduleMode.Replay, clock, logging =>
        {
            logging.ClearProviders();
            if (log is not null) logging.AddProvider(log);
        });
    }

    /// <summary>Runs the real executable (<c>dotnet Connector.dll</c>) against this installation.</summary>
    public Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string>? environment = null, params string[] arguments)
    {
        var variables = Secrets.ToDictionary(s => "CONNECTOR__" + s.Key["Connector:".Length..].Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) variables[key] = value;
        return ConnectorProcess.RunAsync(Home, variables, [.. arguments, "--home", Home]);
    }

    /// <summary>Starts the real executable against this installation without waiting for it to end.</summary>
    public System.Diagnostics.Process Start(params string[] arguments) => Start(null, arguments);

    /// <summary>Starts the real executable with more environment variables (e.g. <c>CONNECTOR_NOW</c>) without waiting for it to end.</summary>
    public System.Diagnostics.Process Start(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var variables = Secrets.ToDictionary(s => "CONNECTOR__" + s.Key["Connector:".Length..].Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) variables[key] = value;
        return ConnectorProcess.Start(Home, variables, [.. arguments, "--home", Home]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A process killed by a crash test may still hold a file for a moment; the temp folder is cleaned later.
        }
    }
}
