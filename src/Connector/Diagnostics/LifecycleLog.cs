using System.Reflection;
using Connector.Configuration;
using Connector.Schools;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Connector.Notifier.Email;
using Connector.Notifier.Sms;

namespace Connector.Diagnostics;

/// <summary>
/// One line when the service has started (version, home, store, schools and their journals, channels) and one when
/// it has stopped, so that journald or the Event Log shows each run's bounds and what it served. No personal data.
/// </summary>
internal sealed class LifecycleLog(
    IHostApplicationLifetime lifetime,
    ConnectorPaths paths,
    IOptions<EmailOptions> email,
    IOptions<SmsOptions> sms,
    SchoolRegistry schools,
    Store.ConnectorDatabase database,
    ILogger<LifecycleLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => Log.ServiceStarted(
            logger, Version, paths.Home, database.Kind == Store.StoreKind.Postgres ? database.Path : $"SQLite {database.Path}",
            string.Join(", ", schools.All.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => $"{s.Id} ({s.Ref.AdapterKind}, {s.TimeZone.Id})")),
            Channels()));
        lifetime.ApplicationStopped.Register(() => Log.ServiceStopped(logger, Version));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static string Version =>
        typeof(LifecycleLog).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private string Channels()
    {
        var mail = email.Value.Transport == EmailTransportKind.Smtp
            ? $"e-mail via SMTP {email.Value.Smtp.Host}:{email.Value.Smtp.Port}"
            : $"e-mail into the folder {paths.Resolve(email.Value.PickupDirectory)}";
        return sms.Value.Gateway == SmsGatewayKind.None ? mail : $"{mail}, SMS via {sms.Value.Gateway}";
    }
}
