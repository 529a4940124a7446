using Connector.Abstractions.Journals;
using Dapper;

namespace Connector.Store;

/// <summary>
/// The adapters' memory of remote servers (which protocol variant each answers), in the store's <c>adapter_memory</c>.
/// The database is found at first use: the adapters are made while the settings (which name the database) are checked.
/// </summary>
internal sealed class AdapterMemory(Func<ConnectorDatabase> database, TimeProvider time) : IAdapterMemory
{
    public async Task<IReadOnlyDictionary<string, string>> RecallAsync(string scope, CancellationToken cancellationToken)
    {
        await using var db = await database().OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.QueryAsync<(string Key, string Value)>("SELECT key, value FROM adapter_memory WHERE scope = @scope", new { scope }).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
    }

    public async Task RememberAsync(string scope, string key, string value, CancellationToken cancellationToken)
    {
        await using var db = await database().OpenAsync(cancellationToken).ConfigureAwait(false);
        await db.ExecuteAsync(
            """
            INSERT INTO adapter_memory (scope, key, value, updated_at) VALUES (@scope, @key, @value, @at)
            ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """,
            new { scope, key, value, at = StoreTime.Format(time.GetUtcNow()) }).ConfigureAwait(false);
    }
}
