using Microsoft.Extensions.Hosting;

namespace Connector.Store;

/// <summary>
/// Brings the store's schema up to date as the service starts, before the scheduler does: on PostgreSQL a database
/// that cannot be opened stops the start with its reason, rather than leaving a clustered scheduler retrying.
/// </summary>
internal sealed class StoreMigrator(ConnectorDatabase database) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
