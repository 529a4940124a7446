using Connector.Abstractions.Journals;
using Connector.Adapters.Generic;
using Connector.Adapters.SetevoyGorod;
using Connector.Calendar;
using Connector.Configuration;
using Connector.Delivery;
using Connector.Escalation;
using Connector.Thresholds;
using Connector.Notifier;
using Connector.Notifier.Email;
using Connector.Notifier.Sms;
using Connector.Polling;
using Connector.Scheduling;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Quartz;

namespace Connector;

/// <summary>Composes the service: the one place that knows every part. Everything else takes what it needs.</summary>
internal static class ConnectorHost
{
    /// <summary>How often a node of a cluster tells the others it is alive; one silent for twice as long is taken for dead.</summary>
    public const int ClusterCheckinSeconds = 10;

    public const string AppSettings = "appsettings.json";
    public const string DemoSettings = "demo/appsettings.demo.json";

    /// <summary>
    /// Reads the settings: config/appsettings.json, then the environment (secrets, <c>CONNECTOR__…</c>), then
    /// <paramref name="overrides"/>. The demo reads config/demo/appsettings.demo.json instead of appsettings.json,
    /// so that it never touches a real school's settings, data or mail server.
    /// </summary>
    public static IConfigurationRoot LoadConfiguration(ConnectorPaths paths, bool demo, IDictionary<string, string?>? overrides = null)
    {
        var file = Path.Combine(paths.ConfigDirectory, demo ? DemoSettings : AppSettings);
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"файла настроек {file} нет; запустите программу из папки установки или укажите её параметром --home", file);
        }

        var builder = new ConfigurationBuilder().AddJsonFile(file, optional: false, reloadOnChange: false);
        if (!demo) builder.AddEnvironmentVariables();
        return builder.AddInMemoryCollection(overrides ?? new Dictionary<string, string?>()).Build();
    }

    public static bool IsDemoEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool>($"{ConnectorOptions.SectionName}:{nameof(ConnectorOptions.Demo)}:{nameof(DemoOptions.Enabled)}");

    public static IHost Build(ConnectorPaths paths, IConfigurationRoot configuration, ScheduleMode mode, TimeProvider time, Action<ILoggingBuilder>? logging = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = paths.Home, DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        logging?.Invoke(builder.Logging);

        var services = builder.Services;
        services.AddSingleton(time);
        services.AddSingleton(paths);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(new ScheduleModeHolder(mode));
        services.AddOptions<ConnectorOptions>().Bind(configuration.GetSection(ConnectorOptions.SectionName))
            .PostConfigure(o => o.Schools = ConnectorOptionsBinder.BindSchools(configuration.GetSection(ConnectorOptions.SectionName)))
            .ValidateOnStart();
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.SectionName));
        services.AddOptions<SmsOptions>().Bind(configuration.GetSection(SmsOptions.SectionName));
        services.AddSingleton<IValidateOptions<ConnectorOptions>, ConnectorOptionsValidator>();
        services.AddSingleton<ConfigurationValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<ConfigurationValidator>().Report(
            ConnectorOptionsBinder.Bind(configuration), sp.GetRequiredService<IOptions<EmailOptions>>().Value, sp.GetRequiredService<IOptions<SmsOptions>>().Value));

        var templates = paths.Resolve(configuration[$"{ConnectorOptions.SectionName}:{nameof(ConnectorOptions.TemplateDirectory)}"] ?? "config/templates");
        services.AddGenericJournalAdapters(paths.Home);
        services.AddSetevoyGorodAdapter();
        services.AddNotifier(paths.Home, templates, configuration.GetValue<SmsGatewayKind>($"{SmsOptions.SectionName}:{nameof(SmsOptions.Gateway)}"));

        services.AddSingleton(_ => ProductionCalendar.Load(paths.Resolve(configuration[$"{ConnectorOptions.SectionName}:{nameof(ConnectorOptions.CalendarDirectory)}"] ?? "config/calendars")));
        services.AddSingleton(_ => RuleProfiles.Load(paths.Resolve(configuration[$"{ConnectorOptions.SectionName}:{nameof(ConnectorOptions.ProfileDirectory)}"] ?? "config/profiles")));
        services.AddSingleton<SchoolRegistry>();
        services.AddSingleton<Contacts.GuardianContactsFile>();
        services.AddSingleton<IAdapterMemory>(sp => new AdapterMemory(sp.GetRequiredService<ConnectorDatabase>, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ConnectorOptions>>().Value;
            return options.Store.Kind == StoreKind.Postgres
                ? ConnectorDatabase.ForPostgres(options.Store.ConnectionString)
                : new ConnectorDatabase(Path.Combine(paths.Resolve(options.DataDirectory), ConnectorDatabase.FileName));
        });
        services.AddSingleton<SourceProblemReporter>();
        services.AddSingleton<SchoolPoller>();
        services.AddSingleton<NoticeRouting>();
        services.AddSingleton<Digest.DigestBuilder>();
        services.AddSingleton<Digest.DigestRenderer>();
        services.AddSingleton<Reports.ReportBuilder>();
        services.AddSingleton<NoticeComposer>();
        services.AddSingleton<DeliveryGate>();
        services.AddSingleton<DeliveryLanes>();
        services.AddSingleton<SentRecorder>();
        services.AddSingleton<DeliveryClaim>();
        services.AddSingleton<DeliveryRecord>();
        services.AddSingleton<InterruptedSends>();
        services.AddSingleton<RunnerIdentity>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<DeliveryStatusChecker>();
        services.AddSingleton<JournalWriter>();

        // On a PostgreSQL store the live service's nodes share one clustered Quartz job store in the same database:
        // each school's jobs fire on exactly one node at a time, and a node that dies hands its schools to the others
        // within the check-in interval. SQLite (one node) and replays keep the schedule in memory.
        var store = configuration.GetSection($"{ConnectorOptions.SectionName}:Store").Get<StoreOptions>() ?? new StoreOptions();
        var clustered = store.Kind == StoreKind.Postgres && mode == ScheduleMode.Live;
        if (clustered) services.AddHostedService<StoreMigrator>(); // before Quartz: a database that cannot be opened stops the start, with its reason
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "connector";
                o.GenerateInstanceId = clustered; // each node its own id in the cluster
            });
            if (clustered)
            {
                q.UsePersistentStore(s =>
                {
                    s.ConfigureStore(o => o.StoreJobDataAsStrings = true); // job data as text: a school's id
                    s.ProvisionSchema(); // Quartz makes its own tables (qrtz_*) in the store's database, for its own version
                    s.UsePostgres(store.ConnectionString);
                    s.UseSystemTextJsonSerializer();
                    s.UseClustering(c =>
                    {
                        c.CheckinInterval = TimeSpan.FromSeconds(ClusterCheckinSeconds);
                        c.CheckinMisfireThreshold = TimeSpan.FromSeconds(ClusterCheckinSeconds * 2);
                    });
                });
            }
            else
            {
                q.UseInMemoryStore();
            }

            q.UseDefaultThreadPool(tp => tp.MaxConcurrency = 4);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<ScheduleRegistrar>();
        services.AddHostedService<Diagnostics.LifecycleLog>();

        // Under systemd: Type=notify readiness and stopping, and log lines with priority prefixes (<4> for a
        // warning), so that `journalctl -p warning` works. As a Windows service: its lifetime and the Event Log.
        // Each does nothing when the process is not run by that service manager.
        services.AddSystemd();
        services.AddWindowsService(o => o.ServiceName = "Connector");
        return builder.Build();
    }
}
